import { describe, expect, it } from 'vitest';
import { alertWork, complaintQueries, complaintWork } from './site-steps';

const housingClerk = { role: 'clerk', dept: 'housing', mspId: 'HousingMSP' };
const labourClerk = { role: 'clerk', dept: 'labour', mspId: 'HousingMSP' };
const director = { role: 'director', dept: 'housing', mspId: 'HousingMSP' };
const financeOfficer = { role: 'finance', dept: 'finance', mspId: 'FinanceMSP' };

describe('a complaint in the work queue', () => {
  it('when a complaint is received, then the dispatch office may dispatch it and a unit clerk may not', () => {
    expect(complaintWork(housingClerk, { status: 'received', assignedUnit: null })).toEqual(['dispatch']);
    expect(complaintWork(director, { status: 'escalated', assignedUnit: 'labour' })).toEqual(['dispatch']);
    expect(complaintWork(labourClerk, { status: 'received', assignedUnit: null })).toEqual([]);
  });
  it('when a complaint went to a unit, then only that unit’s clerks start, answer and close it, each in its turn', () => {
    expect(complaintWork(labourClerk, { status: 'dispatched', assignedUnit: 'labour' })).toEqual(['start']);
    expect(complaintWork(labourClerk, { status: 'in_progress', assignedUnit: 'labour' })).toEqual(['answer']);
    expect(complaintWork(labourClerk, { status: 'answered', assignedUnit: 'labour' })).toEqual(['close']);
    expect(complaintWork(housingClerk, { status: 'in_progress', assignedUnit: 'labour' })).toEqual([]);
    expect(complaintWork(director, { status: 'in_progress', assignedUnit: 'housing' })).toEqual([]);
  });
  it('when someone outside Housing looks, then there is nothing for them to do', () => {
    expect(complaintWork(financeOfficer, { status: 'received', assignedUnit: null })).toEqual([]);
    expect(complaintQueries(financeOfficer)).toEqual([]);
  });
  it('when the queue is read, then the dispatch office reads what awaits dispatch and a unit clerk their unit', () => {
    expect(complaintQueries(housingClerk)).toEqual([
      { status: 'received' },
      { status: 'reopened' },
      { status: 'escalated' },
      { unit: 'housing' },
    ]);
    expect(complaintQueries(labourClerk)).toEqual([{ unit: 'labour' }]);
  });
});

describe('a safety alert in the work queue', () => {
  it('when an alert is open, then a Housing clerk acknowledges it, then resolves it; others do neither', () => {
    expect(alertWork(housingClerk, { status: 'open' })).toEqual(['acknowledge']);
    expect(alertWork(labourClerk, { status: 'acknowledged' })).toEqual(['resolve']);
    expect(alertWork(housingClerk, { status: 'resolved' })).toEqual([]);
    expect(alertWork(director, { status: 'open' })).toEqual([]);
  });
});
