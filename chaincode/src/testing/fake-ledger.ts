/**
 * An in-memory stand-in for a peer, for unit tests. It follows the Fabric rules the chaincode relies on:
 * reads see only committed state (not the transaction's own writes); a transaction that throws commits
 * nothing; only the last setEvent of a transaction survives; and at commit time every written key that carries
 * a key-level endorsement policy (state-based endorsement) is checked against the orgs that endorsed.
 */
import { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';

const SEP = '\u0000';
const MAX_RUNE = '\u{10FFFF}';

export interface Identity {
  mspId: string;
  name: string;
  attrs: Record<string, string>;
}

export function identity(mspId: string, name: string, attrs: Record<string, string> = {}): Identity {
  return { mspId, name, attrs };
}

/** The X.509 identity string ctx.clientIdentity.getID() returns for a test identity. */
export function idOf(who: Identity): string {
  return `x509::/OU=client/CN=${who.name}::/C=CN/L=Shenzhen/O=${who.mspId}/CN=ca.${who.mspId}`;
}

export interface CommittedEvent {
  txId: string;
  name: string;
  payload: Buffer;
}

interface Modification {
  txId: string;
  timestamp: { seconds: { toNumber(): number }; nanos: number };
  value: Buffer;
  isDelete: boolean;
}

export class EndorsementPolicyFailure extends Error {
  override name = 'EndorsementPolicyFailure';
}

function longLike(n: number): { toNumber(): number; low: number; high: number } {
  return { toNumber: () => n, low: n % 4294967296, high: Math.floor(n / 4294967296) };
}

function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function iteratorOf<T>(items: T[]) {
  let i = 0;
  return {
    next: async () =>
      i < items.length ? { value: items[i++], done: false } : { value: undefined as unknown as T, done: true },
    close: async () => undefined,
  };
}

export class World {
  readonly state = new Map<string, Buffer>();
  readonly validation = new Map<string, Buffer>();
  readonly history = new Map<string, Modification[]>();
  readonly events: CommittedEvent[] = [];
  readonly writeLog: Array<{ txId: string; key: string; value: Buffer | null }> = [];
  #seconds: number;
  #tx = 0;

  constructor(startIso = '2025-03-03T01:00:00.000Z') {
    this.#seconds = Math.floor(Date.parse(startIso) / 1000);
  }

  /** Sets the timestamp of the next transactions. */
  setTime(iso: string): void {
    this.#seconds = Math.floor(Date.parse(iso) / 1000);
  }

  get lastEvent(): CommittedEvent {
    const e = this.events[this.events.length - 1];
    if (!e) throw new Error('no event has been committed');
    return e;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  lastEventJson<T = any>(): T {
    return JSON.parse(this.lastEvent.payload.toString('utf8')) as T;
  }

  /** Endorse and commit a transaction; `endorsers` are the orgs whose peers endorsed it (default: all three). */
  async submit<T>(
    who: Identity,
    fn: (ctx: Context) => Promise<T>,
    endorsers: string[] = ['HousingMSP', 'FinanceMSP', 'AuditMSP'],
  ): Promise<T> {
    const stub = this.#newStub(who);
    const result = await fn(stub.context);
    this.#validateEndorsement(stub, endorsers);
    this.#commit(stub);
    return result;
  }

  /** Run a transaction without committing it (a query, or an endorsement that is never submitted). */
  async evaluate<T>(who: Identity, fn: (ctx: Context) => Promise<T>): Promise<T> {
    return fn(this.#newStub(who).context);
  }

  #newStub(who: Identity): FakeStub {
    this.#tx += 1;
    this.#seconds += 60;
    return new FakeStub(this, who, `tx${String(this.#tx).padStart(6, '0')}`, this.#seconds);
  }

  #validateEndorsement(stub: FakeStub, endorsers: string[]): void {
    for (const key of [...stub.writes.keys(), ...stub.validationWrites.keys()]) {
      const param = this.validation.get(key);
      if (!param) continue;
      const required = new KeyEndorsementPolicy(param).listOrgs();
      const missing = required.filter((org) => !endorsers.includes(org));
      if (missing.length > 0) {
        throw new EndorsementPolicyFailure(
          `ENDORSEMENT_POLICY_FAILURE: key ${JSON.stringify(key)} also needs ${missing.join(', ')}`,
        );
      }
    }
  }

  #commit(stub: FakeStub): void {
    const timestamp = { seconds: longLike(stub.seconds), nanos: 0 };
    for (const [key, value] of stub.writes) {
      if (value === null) this.state.delete(key);
      else this.state.set(key, value);
      const list = this.history.get(key) ?? [];
      list.push({ txId: stub.txId, timestamp, value: value ?? Buffer.alloc(0), isDelete: value === null });
      this.history.set(key, list);
      this.writeLog.push({ txId: stub.txId, key, value });
    }
    for (const [key, value] of stub.validationWrites) {
      this.validation.set(key, value);
    }
    if (stub.event) {
      this.events.push({ txId: stub.txId, ...stub.event });
    }
  }

  /** Committed value of a record, parsed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  read(kind: string, ...parts: string[]): any {
    const bytes = this.state.get(compositeKey(kind, parts));
    return bytes ? JSON.parse(bytes.toString('utf8')) : undefined;
  }

  rawBytes(kind: string, ...parts: string[]): Buffer | undefined {
    return this.state.get(compositeKey(kind, parts));
  }

  keysOf(kind: string): string[] {
    const prefix = compositeKey(kind, []);
    return [...this.state.keys()].filter((k) => k.startsWith(prefix));
  }
}

export function compositeKey(objectType: string, attributes: readonly string[]): string {
  for (const part of [objectType, ...attributes]) {
    if (part.includes(SEP) || part.includes(MAX_RUNE)) {
      throw new Error(`composite key part ${JSON.stringify(part)} contains a reserved character`);
    }
  }
  return SEP + objectType + SEP + attributes.map((a) => a + SEP).join('');
}

class FakeStub {
  readonly writes = new Map<string, Buffer | null>();
  readonly validationWrites = new Map<string, Buffer>();
  event: { name: string; payload: Buffer } | undefined;
  readonly context: Context;

  constructor(
    private readonly world: World,
    who: Identity,
    readonly txId: string,
    readonly seconds: number,
  ) {
    const id = idOf(who);
    const idBytes = Buffer.from(`-----BEGIN CERTIFICATE-----\n${who.name}@${who.mspId}\n-----END CERTIFICATE-----\n`);
    const clientIdentity = {
      getMSPID: () => who.mspId,
      getID: () => id,
      getIDBytes: () => idBytes,
      getAttributeValue: (name: string) => (name in who.attrs ? who.attrs[name] : null),
      assertAttributeValue: (name: string, value: string) => who.attrs[name] === value,
    };
    const stub = {
      getTxID: () => this.txId,
      getChannelID: () => 'works',
      getMspID: () => who.mspId,
      getCreator: () => ({ mspid: who.mspId, idBytes }),
      getTxTimestamp: () => ({ seconds: longLike(this.seconds), nanos: 0 }),
      getDateTimestamp: () => {
        throw new Error('use getTxTimestamp (getDateTimestamp is not used by this chaincode)');
      },
      getState: async (key: string) => world.state.get(key) ?? Buffer.alloc(0),
      putState: async (key: string, value: Uint8Array) => {
        if (!key) throw new Error('putState: empty key');
        this.writes.set(key, Buffer.from(value));
      },
      deleteState: async (key: string) => {
        this.writes.set(key, null);
      },
      setStateValidationParameter: async (key: string, ep: Uint8Array) => {
        this.validationWrites.set(key, Buffer.from(ep));
      },
      getStateValidationParameter: async (key: string) => world.validation.get(key) ?? Buffer.alloc(0),
      createCompositeKey: compositeKey,
      splitCompositeKey: (key: string) => {
        const parts = key.split(SEP).slice(1, -1);
        return { objectType: parts[0], attributes: parts.slice(1) };
      },
      getStateByPartialCompositeKey: async (objectType: string, attributes: string[]) =>
        iteratorOf(this.#range(compositeKey(objectType, attributes))),
      getStateByPartialCompositeKeyWithPagination: async (
        objectType: string,
        attributes: string[],
        pageSize: number,
        bookmark = '',
      ) => {
        const all = this.#range(compositeKey(objectType, attributes)).filter(
          (kv) => !bookmark || compareKeys(kv.key, bookmark) >= 0,
        );
        const page = all.slice(0, pageSize);
        const next = all[pageSize];
        const bookmarkOut = next ? next.key : '';
        // Like fabric-shim: an all-default QueryResponseMetadata (no record, no bookmark) serialises to no bytes,
        // and the shim then returns no `metadata` at all.
        return page.length === 0 && !bookmarkOut
          ? { iterator: iteratorOf(page) }
          : { iterator: iteratorOf(page), metadata: { fetchedRecordsCount: page.length, bookmark: bookmarkOut } };
      },
      getHistoryForKey: async (key: string) => iteratorOf([...(world.history.get(key) ?? [])].reverse()),
      setEvent: (name: string, payload: Uint8Array) => {
        this.event = { name, payload: Buffer.from(payload) };
      },
    };
    this.context = { stub, clientIdentity } as unknown as Context;
  }

  #range(prefix: string) {
    return [...this.world.state.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([key, value]) => ({ namespace: 'works', key, value }));
  }
}
