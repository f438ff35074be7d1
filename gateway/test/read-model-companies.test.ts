import crypto from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ReadModel } from '../src/projection/read-model';
import { testConfig } from './support/gateway';

/** A read model projected before records carried their company (on the suite's FerretDB, in a database of its own). */
describe('read model: records projected before the read policy get their company', function () {
  this.timeout(120_000);
  let connection: mongoose.Connection;

  before(async () => {
    const url = testConfig().mongoUrl.replace(
      /\/[^/?]*(\?|$)/,
      `/luohu_companies_${crypto.randomBytes(3).toString('hex')}$1`,
    );
    connection = await mongoose.createConnection(url).asPromise();
  });
  after(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  it("when the projector resumes over records without a company, then each gets its own or its parent's, once", async () => {
    const readModel = new ReadModel(connection);
    await readModel
      .model('project')
      .collection.insertOne({ _id: 'P-1', docType: 'project', id: 'P-1', contractorId: 'C-A', _position: 1 } as never);
    await readModel.model('contract').collection.insertOne({
      _id: 'HT-1',
      docType: 'contract',
      id: 'HT-1',
      projectId: 'P-1',
      contractorId: 'C-A',
      _position: 2,
    } as never);
    await readModel.model('payout').collection.insertOne({
      _id: 'PAY-1',
      docType: 'payout',
      id: 'PAY-1',
      contractId: 'HT-1',
      projectId: 'P-1',
      _position: 3,
    } as never);
    await readModel
      .model('complaint')
      .collection.insertOne({ _id: 'CP-1', docType: 'complaint', id: 'CP-1', _position: 4 } as never);
    await readModel.resume();
    const company = async (type: 'project' | 'contract' | 'payout', id: string) =>
      (await readModel.model(type).findById(id).lean<Record<string, unknown>>())?._company;
    expect(await company('project', 'P-1')).to.equal('C-A');
    expect(await company('contract', 'HT-1')).to.equal('C-A');
    expect(await company('payout', 'PAY-1')).to.equal('C-A');
    // Done once: a record that appears later without a company (none should) is not scanned for at every resume.
    await readModel.model('payout').collection.insertOne({
      _id: 'PAY-2',
      docType: 'payout',
      id: 'PAY-2',
      contractId: 'HT-1',
      _position: 5,
    } as never);
    await readModel.resume();
    expect(await company('payout', 'PAY-2')).to.equal(undefined);
  });
});
