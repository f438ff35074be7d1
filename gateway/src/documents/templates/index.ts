/** The documents the system generates from ledger records, one template each. */
export { approvalDecision, type ApprovalDecisionFacts } from './approval-decision';
export { acceptanceReport, type AcceptanceReportFacts } from './acceptance-report';
export { changeRecord, type ChangeRecordFacts } from './change-record';
export { payoutVoucher, type PayoutVoucherFacts } from './payout-voucher';
export {
  amountInWords,
  SIGNATURE_SLOTS,
  type DocumentHeader,
  type LedgerReference,
  type SignatureSlot,
} from './layout';
