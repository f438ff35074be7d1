import { PROJECT_TYPES, requiredFiles, STAGE_DEADLINES } from '@luohu/domain';
import { SANDBOX_ACCOUNTS } from './funds/bank-simulator';

/** The document's introduction: what the paths alone do not say (live updates, deadlines, required files, the bank sandbox). */
export function apiDescription(): string {
  const files = PROJECT_TYPES.map((t) => `| ${t} | ${requiredFiles(t).join(', ')} |`).join('\n');
  const deadlines = Object.entries(STAGE_DEADLINES)
    .map(([stage, days]) => `${stage}: ${days}`)
    .join('; ');
  const bank = (Object.entries(SANDBOX_ACCOUNTS) as [keyof typeof SANDBOX_ACCOUNTS, string][])
    .map(([behaviour, digits]) => `| …${digits} | ${SANDBOX_BEHAVIOUR[behaviour]} |`)
    .join('\n');
  return `Every change is anchored on the Fabric ledger; responses to changes carry the transaction receipt.

This document as JSON: [/openapi.json](/openapi.json) (generate clients from it); this page: /docs. Money is integer fen; paths are under /v1.

**Writes.** An anchored write answers 201 \`{ operationId, status, receipt, result }\`: \`result\` is the record the ledger transaction wrote.
Send \`Idempotency-Key\` to retry safely, \`Prefer: respond-async\` to get 202 and poll GET /v1/operations/{id}. Send the
\`X-Consistency-Token\` of a write back as \`X-Consistent-After\` on a read to see it.

**Writes by people who hold their own key** (registered without a password; enrolled with POST /v1/enrollments; signed in with
POST /v1/sessions/challenges then POST /v1/sessions): the gateway never holds their key, so a write answers 202
\`{ transactionId, stage: "proposal", message, expiresAt, reference }\` with Location …/proposal-signature. Sign the base64
\`message\` (ECDSA P-256 with SHA-256; base64 DER or r‖s) and POST \`{ signature }\` there: the gateway endorses and answers 200 with the
transaction's \`message\`; sign it and POST to …/transaction-signature, which answers as any write (201 with the receipt, or the
refusal). \`reference\` names the chaincode function. Each step lapses after 5 minutes.
 Lists answer \`{ items, next }\`: pass \`next\` as \`?after=\`.

**Live updates (socket.io).** Connect to the gateway's origin with socket.io path \`/live\` and \`auth: { token: <session token>, since?: <last position seen> }\`.
Events: \`ready\` \`{ position }\` (caught up, after replaying every event since \`since\`); \`ledger-event\`
\`{ position, type, ids, transactionId, blockNumber, state }\` for records the user may read (their role's families; send \`subscribe\`
\`{ projectId }\` to follow a project); \`session-ended\` \`{ reason }\` (signed out, revoked or expired: the socket closes);
to auditors and admins \`reconciliation-finding\` (a finding, as GET /v1/reconciliation/findings lists it) and \`reconciliation-run-ended\` (a run).

**Project applications.** Files each project type must name (kinds; each an uploaded file's SHA-256):

| type | required files |
|---|---|
${files}

Stage deadlines, in Chinese working days: ${deadlines} (15 working days end to end; 补正 correction stops the clock).

**Bank.** POST /v1/payouts/{id}/bank-transfer sends the payee account the contract holds to the bank, which calls back
POST /v1/bank/notifications, signed: \`x-bank-timestamp\` (ms) and \`x-bank-signature\` = hex HMAC-SHA256 of
"<timestamp>.<canonical JSON body>" under the shared secret; duplicates are answered 200 and change nothing. The bank simulator
(development and tests) picks its behaviour by the last four digits of the payee account (set it on the contract, or change it
with an approved change order):

| account ends | the simulated bank |
|---|---|
${bank}
| anything else | settles, one notification |`;
}

const SANDBOX_BEHAVIOUR: Record<keyof typeof SANDBOX_ACCOUNTS, string> = {
  duplicateNotification: 'settles; the notification is delivered twice (repeat)',
  rejected: 'refuses at once: account closed (bank_rejected; a later request sends a new instruction)',
  settlementFails: 'accepts, then settlement fails: a "failed" notification (settlement_failed)',
  firstAnswerLost: 'books it but the answer is lost (timeout); the resend is answered as a duplicate and settles',
  unreachable: 'unreachable: every submission times out (retrying, then needs_attention)',
};
