import { expect } from 'chai';
import { classify, emptyVerdict, writtenBy } from '../soak/check';
import { newRecord, type Answer, type WriteRecord } from '../soak/writers';

/** The soak's checker, without a network: its classification from a write's answers and what the ledger says. */
describe('the soak checker (pure)', () => {
  const at = 1;
  const ack = (transactionId: string): Answer => ({ at, status: 201, transactionId });
  const write = (kind: string, answers: Answer[], final = answers[answers.length - 1]): WriteRecord => ({
    ...newRecord(kind, `${kind}-1`, 'key-1', { recordKind: 'complaint', key: [`${kind}-1`] }, 'w'),
    answers,
    final,
  });
  const allValid = [
    { peer: 'HousingMSP', code: 0 },
    { peer: 'FinanceMSP', code: 0 },
  ];

  it('when an acknowledged write is VALID on every peer and its record was written by its receipt, then nothing is wrong', () => {
    const v = emptyVerdict();
    classify(write('complaint', [{ at, status: 503 }, ack('tx1')]), { validation: allValid, writtenBy: 'tx1' }, v);
    expect([v.lost, v.duplicated, v.misreported]).to.deep.equal([[], [], []]);
    expect(v.byKind.complaint).to.include({ writes: 1, acknowledged: 1, refused: 0, unresolved: 0 });
  });

  it('when an acknowledged transaction is unknown to one peer or its record is absent, then it is lost', () => {
    const v = emptyVerdict();
    const partly = [allValid[0], { peer: 'FinanceMSP', code: undefined }];
    classify(write('alert-http', [ack('tx1')]), { validation: partly, writtenBy: 'tx1' }, v);
    classify(write('alert-mqtt', [ack('tx2')]), { validation: allValid, writtenBy: undefined }, v);
    expect(v.lost).to.have.length(2);
    expect(v.lost[0]).to.match(/alert-http .*tx1 is absent on FinanceMSP/);
    expect(v.byKind['alert-mqtt'].lost).to.equal(1);
  });

  it('when a receipt names another transaction than the one that wrote the record, then it is misreported', () => {
    const v = emptyVerdict();
    classify(write('application', [ack('tx1')]), { validation: allValid, writtenBy: 'tx0' }, v);
    expect(v.misreported).to.deep.equal(['application application-1: receipt tx1, written by tx0']);
  });

  it('when a write is refused yet its record was written, then it is misreported; refused and absent is not', () => {
    const v = emptyVerdict();
    classify(write('pre-review', [{ at, status: 422, code: 'rule_broken' }]), { validation: [], writtenBy: 'tx9' }, v);
    classify(
      write('complaint', [{ at, status: 429, code: 'rate_limited' }]),
      { validation: [], writtenBy: undefined },
      v,
    );
    expect(v.misreported).to.have.length(1);
    expect(v.refused).to.equal(2);
  });

  it('when one key is acknowledged as two transactions, or its own retry told "already exists", then it is counted once per list', () => {
    const v = emptyVerdict();
    const answers = [ack('tx1'), { at, status: 409, code: 'already_exists' }, ack('tx2')];
    classify(write('batch-anchor', answers), { validation: allValid, writtenBy: 'tx2' }, v);
    expect(v.duplicated).to.have.length(1);
    expect(v.misreported).to.have.length(1);
    expect(v.byKind['batch-anchor']).to.include({ duplicated: 1, misreported: 1 });
  });

  it('when no definite answer came, then the write is unresolved, whatever the ledger holds', () => {
    const v = emptyVerdict();
    classify({ ...write('complaint', [{ at, status: 0 }]), final: undefined }, { validation: [], writtenBy: 'tx1' }, v);
    expect(v.unresolved).to.equal(1);
    expect([v.lost, v.misreported]).to.deep.equal([[], []]);
  });

  it('when the record has several versions, then a creation is its oldest and a step or a status the first version that has it', () => {
    const history = [
      { txId: 'tx3', value: { steps: [{ step: 'apply' }, { step: 'passPreReview' }, { step: 'review' }] } },
      { txId: 'tx2', value: { steps: [{ step: 'apply' }, { step: 'passPreReview' }] } },
      { txId: 'tx1', value: { steps: [{ step: 'apply' }] } },
    ];
    expect(writtenBy({ recordKind: 'project', key: ['P1'] }, history)).to.equal('tx1');
    expect(writtenBy({ recordKind: 'project', key: ['P1'], step: 'passPreReview' }, history)).to.equal('tx2');
    expect(writtenBy({ recordKind: 'project', key: ['P1'], step: 'decide' }, history)).to.equal(undefined);
    expect(writtenBy({ recordKind: 'complaint', key: ['C1'] }, [])).to.equal(undefined);
    const payout = [
      { txId: 'p3', value: { status: 'paid' } },
      { txId: 'p2', value: { status: 'approved' } },
      { txId: 'p1', value: { status: 'requested' } },
    ];
    expect(writtenBy({ recordKind: 'payout', key: ['PAY1'], status: 'approved' }, payout)).to.equal('p2');
    expect(writtenBy({ recordKind: 'payout', key: ['PAY1'], status: 'rejected' }, payout)).to.equal(undefined);
  });
});
