import type http from 'node:http';
import { Server, Socket } from 'socket.io';
import type { IdentityService, AuthenticatedUser } from '../identity/identity-service';
import type { Ledger, SigningUser } from '../ledger/ledger';
import type { Logger } from '../platform/logger';
import type { DatabaseCheckpointer } from '../projection/checkpoint';
import { LedgerEvent, toLedgerEvent } from '../projection/events';
import type { Role } from '../identity/models';
import { interestedRoles, roleRoom } from './rooms';

interface LiveSocketData { user?: AuthenticatedUser; cursor: number; replaying: boolean; buffer: LedgerEvent[]; projects: Set<string> }

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

  constructor(server: http.Server, private readonly identities: IdentityService, private readonly ledger: Ledger, private readonly reader: () => Promise<SigningUser>, private readonly checkpoint: DatabaseCheckpointer, private readonly logger: Logger) {
    this.io = new Server(server, { path: '/live', serveClient: false, cors: { origin: false } });
    this.io.use(async (socket, next) => {
      try {
        const token = socket.handshake.auth?.token;
        socket.data = { cursor: -1, replaying: false, buffer: [], projects: new Set<string>() } satisfies LiveSocketData;
        if (typeof token !== 'string') return next(new Error('unauthorized: a session token is required'));
        (socket.data as LiveSocketData).user = await this.identities.authenticate(token);
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
        (err) => { this.logger.warn({ err: (err as Error).message }, 'live replay failed'); socket.disconnect(true); },
      );
    } else {
      data.cursor = this.position;
      socket.emit('ready', { position: this.position });
    }
  }

  private interested(data: LiveSocketData, event: LedgerEvent): boolean {
    const user = data.user!;
    if (event.ids.projectId && data.projects.has(event.ids.projectId)) return true;
    return interestedRoles(event.type).includes(user.role);
  }

  private deliver(socket: Socket, event: LedgerEvent): void {
    const data = socket.data as LiveSocketData;
    if (event.position <= data.cursor || !this.interested(data, event)) {
      data.cursor = Math.max(data.cursor, event.position);
      return;
    }
    data.cursor = event.position;
    socket.emit('ledger-event', { position: event.position, type: event.type, ids: event.ids, transactionId: event.transactionId, blockNumber: event.blockNumber, state: event.state });
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
            this.deliver(socket, event);
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
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.follow();
      } catch (err) {
        if (!this.stopped) this.logger.warn({ err: (err as Error).message }, 'live event stream interrupted; reconnecting');
        await sleep(1_000);
      }
    }
  }

  private async follow(): Promise<void> {
    await this.checkpoint.load();
    const projected = this.checkpoint.position;
    if (this.position < 0) this.position = projected;
    const startBlock = BigInt(Math.max(0, Math.floor(Math.max(this.position, 0) / 100_000)));
    const network = this.ledger.gateway(await this.reader()).getNetwork(this.ledger.channel);
    const events = await network.getChaincodeEvents(this.ledger.chaincode, { startBlock });
    this.closeStream = () => events.close();
    let block = -1;
    let index = 0;
    let readModelAt = projected;
    for await (const raw of events) {
      const blockNumber = Number(raw.blockNumber);
      index = blockNumber === block ? index + 1 : 0;
      block = blockNumber;
      const event = toLedgerEvent(raw, index);
      if (event.position <= this.position) continue;
      // The read model first, then the socket: wait (briefly) for the projector to pass this event.
      for (let waited = 0; readModelAt < event.position && waited < 5_000 && !this.stopped; waited += 50) {
        await sleep(50);
        readModelAt = await this.checkpoint.readPosition();
      }
      this.position = event.position;
      for (const socket of this.io.sockets.sockets.values()) {
        const data = socket.data as LiveSocketData;
        if (data.replaying) data.buffer.push(event);
        else this.deliver(socket, event);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeStream?.();
    await this.loop?.catch(() => undefined);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}
