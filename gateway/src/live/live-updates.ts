import type http from 'node:http';
import type { Role } from '@luohu/domain';
import type { ChaincodeEvent, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { Server, Socket } from 'socket.io';
import type { IdentityService } from '../identity/identity-service';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import type { Ledger, SigningUser } from '../ledger/ledger';
import type { Logger } from '../platform/logger';
import type { DatabaseCheckpointer } from '../projection/checkpoint';
import { LedgerEvent, toLedgerEvent } from '../projection/events';
import { interestedRoles, roleRoom } from './rooms';
import { mayRead, type ReadableRecord } from '../access/read-policy';
import type { ReadModel, RecordType } from '../projection/read-model';
import { EventBatches } from '../projection/event-batches';
import { inParallel } from '../platform/in-parallel';
import { batchLookup, companyOf, type Lookup, readModelLookup } from '../projection/record-company';

/** An event with what the read policy needs to know of its record (its kind and company). */
interface Push {
  event: LedgerEvent;
  record: ReadableRecord;
}

interface LiveSocketData {
  user?: AuthenticatedUser;
  token?: string;
  checkedAt: number;
  cursor: number;
  replaying: boolean;
  buffer: Push[];
  projects: Set<string>;
}

/**
 * A socket's session is checked again at least this often (and before a push when older): sign-out, revocation
 * or expiry through any replica closes the socket within this plus the identity service's session cache.
 */
export const LIVE_SESSION_CHECK_MS = 2_000;

/** A batch pushed later than this after it arrived (waiting for the read model, then the read policy) is logged. */
const SLOW_PUSH_MS = 1_000;
/** At most this many events per batch of pushes; the read policy's lookups of a batch, at most this many at once. */
const LIVE_BATCH = 256;
const LOOKUPS_IN_FLIGHT = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Pushes ledger events to signed-in clients once the read model has them (so a client that re-reads finds them).
 * Every replica follows the ledger itself; a reconnecting client sends the last position it saw and gets every
 * event after it, replayed from the ledger, before live events resume — none missed, none twice.
 */
export class LiveUpdates {
  private readonly io: Server;
  private position = -1;
  private stopped = false;
  private closeStream?: () => void;
  private loop?: Promise<void>;
  private sessionCheck?: NodeJS.Timeout;

  constructor(
    server: http.Server,
    private readonly identities: IdentityService,
    private readonly ledger: Ledger,
    private readonly reader: () => Promise<SigningUser>,
    private readonly checkpoint: DatabaseCheckpointer,
    private readonly logger: Logger,
    private readonly readModel?: ReadModel,
  ) {
    this.io = new Server(server, { path: '/live', serveClient: false, cors: { origin: false } });
    this.io.use(async (socket, next) => {
      try {
        const token = socket.handshake.auth?.token;
        socket.data = {
          cursor: -1,
          checkedAt: Date.now(),
          replaying: false,
          buffer: [],
          projects: new Set<string>(),
        } satisfies LiveSocketData;
        if (typeof token !== 'string') return next(new Error('unauthorized: a session token is required'));
        (socket.data as LiveSocketData).user = await this.identities.authenticate(token);
        (socket.data as LiveSocketData).token = token;
        next();
      } catch {
        next(new Error('unauthorized: session expired or unknown'));
      }
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  /**
   * A client that saw events before sends the last position in its handshake (`auth.since`); it first gets every
   * event after that, replayed from the ledger, then live ones. 'ready' tells it the position it is caught up to.
   */
  private onConnection(socket: Socket): void {
    const data = socket.data as LiveSocketData;
    void socket.join(roleRoom(data.user!.role));
    socket.on('subscribe', (msg: { projectId?: unknown }, ack?: (r: unknown) => void) => {
      if (typeof msg?.projectId === 'string' && msg.projectId.length <= 128) data.projects.add(msg.projectId);
      ack?.({ projects: [...data.projects] });
    });
    const since = socket.handshake.auth?.since;
    if (typeof since === 'number' && Number.isSafeInteger(since) && since < this.position) {
      this.replay(socket, since).then(
        () => socket.emit('ready', { position: data.cursor }),
        (err) => {
          this.logger.warn({ err: (err as Error).message }, 'live replay failed');
          socket.disconnect(true);
        },
      );
    } else {
      data.cursor = this.position;
      socket.emit('ready', { position: this.position });
    }
  }

  /** Only what the user may read over REST (access/read-policy.ts); of that, their role's families and their projects. */
  private interested(data: LiveSocketData, { event, record }: Push): boolean {
    const user = data.user!;
    if (!mayRead(user, record)) return false;
    if (event.ids.projectId && data.projects.has(event.ids.projectId)) return true;
    return interestedRoles(event.type).includes(user.role);
  }

  /** The event's record as the read policy sees it: its kind and the company it belongs to. */
  private async readable(event: LedgerEvent, lookup?: Lookup): Promise<ReadableRecord> {
    const kind = event.state.docType as RecordType;
    if (!this.readModel) return { kind, company: null };
    const records = [event.state, ...Object.values(event.related ?? {})] as Record<string, unknown>[];
    return {
      kind,
      company: await companyOf(
        event.state,
        records,
        lookup ?? readModelLookup((t) => this.readModel!.model(t) as never),
      ),
    };
  }

  /** Re-checks the sessions of sockets not checked for maxAgeMs; a socket whose session ended is closed. */
  private async revalidate(maxAgeMs: number): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.io.sockets.sockets.values()].map(async (socket) => {
        const data = socket.data as LiveSocketData;
        if (!data.token || now - data.checkedAt < maxAgeMs) return;
        data.checkedAt = now;
        try {
          data.user = await this.identities.authenticate(data.token);
        } catch {
          socket.emit('session-ended', { reason: 'signed out, revoked or expired' });
          socket.disconnect(true);
        }
      }),
    );
  }

  private deliver(socket: Socket, push: Push): void {
    const { event } = push;
    const data = socket.data as LiveSocketData;
    if (!socket.connected) return;
    if (event.position <= data.cursor || !this.interested(data, push)) {
      data.cursor = Math.max(data.cursor, event.position);
      return;
    }
    data.cursor = event.position;
    socket.emit('ledger-event', {
      position: event.position,
      type: event.type,
      ids: event.ids,
      transactionId: event.transactionId,
      blockNumber: event.blockNumber,
      state: event.state,
    });
  }

  /** Sends a socket every event after `since` from the ledger, holding live events back until it has caught up. */
  private async replay(socket: Socket, since: number): Promise<void> {
    const data = socket.data as LiveSocketData;
    data.replaying = true;
    data.cursor = since;
    const until = this.position;
    try {
      if (since < until) {
        const startBlock = BigInt(Math.max(0, Math.floor(since / 100_000)));
        const network = this.ledger.gateway(await this.reader()).getNetwork(this.ledger.channel);
        const events = await network.getChaincodeEvents(this.ledger.chaincode, { startBlock });
        try {
          let block = -1;
          let index = 0;
          for await (const raw of events) {
            const blockNumber = Number(raw.blockNumber);
            index = blockNumber === block ? index + 1 : 0;
            block = blockNumber;
            const event = toLedgerEvent(raw, index);
            if (event.position > until) break;
            this.deliver(socket, { event, record: await this.readable(event) });
            if (event.position >= until) break; // caught up with the live stream
          }
        } finally {
          events.close();
        }
      }
    } finally {
      data.replaying = false;
      for (const e of data.buffer.splice(0)) this.deliver(socket, e);
      data.cursor = Math.max(data.cursor, until);
    }
  }

  /** Pushes a gateway notice (not a ledger event: e.g. a reconciliation finding) to the signed-in clients of these roles. */
  notifyRoles(roles: readonly Role[], event: string, payload: unknown): void {
    this.io.to(roles.map(roleRoom)).emit(event, payload);
  }

  start(): void {
    this.loop = this.run();
    this.sessionCheck = setInterval(() => {
      this.revalidate(LIVE_SESSION_CHECK_MS).catch((err) =>
        this.logger.warn({ err: (err as Error).message }, 'live session check failed'),
      );
    }, LIVE_SESSION_CHECK_MS / 2);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.follow();
      } catch (err) {
        if (!this.stopped)
          this.logger.warn({ err: (err as Error).message }, 'live event stream interrupted; reconnecting');
        await sleep(1_000);
      }
    }
  }

  /**
   * Follows the ledger in batches (every event at hand, as the projector takes them): one wait for the read model to
   * pass the batch's last event, the read policy's lookups for the batch at once (one read per parent record), then
   * the pushes in ledger order. One event at a time, a saturated database made the pushes fall tens of seconds behind.
   */
  private async follow(): Promise<void> {
    await this.checkpoint.load();
    const projected = this.checkpoint.position;
    if (this.position < 0) this.position = projected;
    const startBlock = BigInt(Math.max(0, Math.floor(Math.max(this.position, 0) / 100_000)));
    const gateway = this.ledger.gateway(await this.reader());
    const events = await gateway
      .getNetwork(this.ledger.channel)
      .getChaincodeEvents(this.ledger.chaincode, { startBlock });
    this.closeStream = () => events.close();
    // A silent peer would keep the stream open and empty (projector.ts does the same).
    const unwatch = this.ledger.connections.watchStream(gateway, () => events.close());
    try {
      await this.push(events, projected);
    } finally {
      unwatch();
    }
  }

  /** Pushes the stream's events as the read model passes them. */
  private async push(events: CloseableAsyncIterable<ChaincodeEvent>, projected: number): Promise<void> {
    const batches = new EventBatches(events[Symbol.asyncIterator](), undefined, LIVE_BATCH);
    let readModelAt = projected;
    for (let batch = await batches.next(); batch && !this.stopped; batch = await batches.next()) {
      const fresh = batch.events.filter((event) => event.position > this.position);
      if (fresh.length === 0) continue;
      const received = performance.now();
      const last = fresh[fresh.length - 1].position;
      // The read model first, then the socket: wait (briefly) for the projector to pass these events.
      for (let waited = 0; readModelAt < last && waited < 5_000 && !this.stopped; waited += 50) {
        await sleep(50);
        readModelAt = await this.checkpoint.readPosition();
      }
      this.position = last;
      if (this.io.sockets.sockets.size === 0) continue; // nobody to push to: no policy lookups
      const projectedMs = performance.now() - received;
      // Each parent read once per batch (a batch of alerts mostly names a few projects).
      const lookup = batchLookup(
        () => undefined,
        readModelLookup((t) => this.readModel!.model(t) as never),
      );
      const records = await inParallel(fresh, LOOKUPS_IN_FLIGHT, (event) => this.readable(event, lookup));
      await this.revalidate(LIVE_SESSION_CHECK_MS); // no push to a session that has ended
      for (const [i, event] of fresh.entries()) {
        const push = { event, record: records[i] };
        for (const socket of this.io.sockets.sockets.values()) {
          const data = socket.data as LiveSocketData;
          if (data.replaying) data.buffer.push(push);
          else this.deliver(socket, push);
        }
      }
      const ms = performance.now() - received;
      if (ms > SLOW_PUSH_MS)
        this.logger.warn(
          { events: fresh.length, position: last, projectedMs: Math.round(projectedMs), ms: Math.round(ms) },
          'slow live push',
        );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sessionCheck);
    this.closeStream?.();
    await this.loop?.catch(() => undefined);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}
