/**
 * Every refusal the chaincode makes: a stable code (the domain package's list), a sentence naming the rule, and the
 * record it is about. Fabric carries a transaction's error as its message only, so the message is the encoded
 * refusal; the gateway decodes it and maps the code to an HTTP status with one table.
 */
import { encodeRefusal, RefusalCode, RefusalSubject } from '@luohu/domain';

/** The error a transaction throws to say no: its message is the encoded refusal, which is all Fabric carries. */
export class Refused extends Error {
  constructor(
    readonly code: RefusalCode,
    readonly reason: string,
    readonly subject?: RefusalSubject,
  ) {
    super(encodeRefusal({ code, message: reason, ...(subject ? { subject } : {}) }));
    this.name = 'Refused';
  }
}

/** `throw refuse('not_found', \`project ${id} does not exist\`, { kind: 'project', id })`: nothing is written. */
export function refuse(code: RefusalCode, reason: string, subject?: RefusalSubject): Refused {
  return new Refused(code, reason, subject);
}
