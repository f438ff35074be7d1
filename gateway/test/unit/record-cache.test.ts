import { expect } from 'chai';
import { RecordCache } from '../../src/projection/record-cache';

describe('the records the projector remembers (no network)', () => {
  const known = (position: number, ...labels: string[]) => ({ position, labels, company: null });

  it('when a record is written again, then the newest state is remembered, per collection', () => {
    const cache = new RecordCache();
    cache.set('projects', 'P-1', known(1, '*#0'));
    cache.set('projects', 'P-1', known(5, '*#0', 'status=approved#2'));
    cache.set('contracts', 'P-1', known(3, '*#1'));
    expect(cache.get('projects', 'P-1')).to.deep.equal(known(5, '*#0', 'status=approved#2'));
    expect(cache.get('contracts', 'P-1')!.position).to.equal(3);
    expect(cache.get('projects', 'P-2'), 'unknown, not absent').to.equal(undefined);
  });

  it('when a bucket is split (its upper records named), then only those records carry the new label; when merged (none named), every holder does', () => {
    const cache = new RecordCache();
    for (const id of ['A', 'B', 'C', 'D']) cache.set('projects', id, known(1, '*#0', 'status=x#0'));
    cache.relabel('projects', '*#0', '*#1', ['C', 'D', 'Z']);
    expect(['A', 'B', 'C', 'D'].map((id) => cache.get('projects', id)!.labels)).to.deep.equal([
      ['*#0', 'status=x#0'],
      ['*#0', 'status=x#0'],
      ['*#1', 'status=x#0'],
      ['*#1', 'status=x#0'],
    ]);
    cache.relabel('projects', '*#1', '*#0');
    expect(cache.get('projects', 'D')!.labels).to.deep.equal(['*#0', 'status=x#0']);
    cache.relabel('contracts', '*#0', '*#9'); // another collection's lists: nothing here changes
    expect(cache.get('projects', 'A')!.labels).to.deep.equal(['*#0', 'status=x#0']);
  });

  it('when more records are written than it holds, then the least recently written are forgotten first; clear forgets all', () => {
    const cache = new RecordCache(100);
    for (let n = 0; n < 100; n++) cache.set('projects', `P-${n}`, known(n));
    cache.set('projects', 'P-0', known(200)); // written again: now the most recent
    cache.set('projects', 'P-100', known(100));
    expect(cache.get('projects', 'P-1'), 'the oldest').to.equal(undefined);
    expect(cache.get('projects', 'P-0')!.position).to.equal(200);
    expect(cache.get('projects', 'P-100')!.position).to.equal(100);
    let held = 0;
    for (let n = 0; n <= 100; n++) if (cache.get('projects', `P-${n}`)) held++;
    expect(held).to.be.at.most(100).and.at.least(80);
    cache.clear();
    expect(cache.get('projects', 'P-0')).to.equal(undefined);
  });
});
