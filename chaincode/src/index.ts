/** The chaincode module: fabric-chaincode-node loads `contracts` from here (package.json "main"). */
import { AnchorContract } from './anchor/anchor-contract';
import { ApprovalContract } from './approval/approval-contract';
import { AuditContract } from './audit/audit-contract';
import { ComplaintContract } from './complaint/complaint-contract';
import { WorksContractContract } from './contract/contract-contract';
import { DocumentContract } from './document/document-contract';
import { MonitoringContract } from './monitoring/monitoring-contract';
import { PaymentContract } from './payment/payment-contract';
import { RegistryContract } from './registry/registry-contract';

export {
  AnchorContract,
  ApprovalContract,
  AuditContract,
  ComplaintContract,
  DocumentContract,
  MonitoringContract,
  PaymentContract,
  RegistryContract,
  WorksContractContract,
};

export const contracts: unknown[] = [
  RegistryContract,
  ApprovalContract,
  DocumentContract,
  WorksContractContract,
  PaymentContract,
  MonitoringContract,
  ComplaintContract,
  AnchorContract,
  AuditContract,
];
