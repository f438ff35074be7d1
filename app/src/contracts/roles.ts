import type { Viewer } from '../work/work-items';

/** What a person may do on a contract page, as the chaincode's access rules say (it decides again). */
export const may = {
  accept: (v: Viewer) => v.mspId === 'HousingMSP' && v.role === 'inspector',
  request: (v: Viewer) => v.mspId === 'FinanceMSP' && v.role === 'finance',
  approve: (v: Viewer) => v.mspId === 'HousingMSP' && v.role === 'director',
  reject: (v: Viewer) =>
    (v.mspId === 'HousingMSP' && v.role === 'director') || (v.mspId === 'FinanceMSP' && v.role === 'finance'),
  transfer: (v: Viewer) => v.mspId === 'FinanceMSP' && v.role === 'finance',
  reportProgress: (v: Viewer) => ['contractor', 'clerk', 'inspector'].includes(v.role),
};
