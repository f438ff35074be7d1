import { io, type Socket } from 'socket.io-client';

/** A ledger event as the gateway pushes it (gateway/src/live/live-updates.ts), after the read model has it. */
export interface LiveEvent {
  position: number;
  type: string;
  ids: Record<string, string>;
  transactionId: string;
  blockNumber: number;
  state: Record<string, unknown>;
}

/** What the connection tells the app. */
export interface LiveListener {
  /** A ledger event this user may see. */
  event(e: LiveEvent): void;
  /** A gateway notice that is not a ledger event (e.g. a reconciliation finding). */
  notice?(name: string, payload: unknown): void;
  /** Connected and caught up (after a reconnect: every missed event was delivered first), or the link is down. */
  status?(online: boolean): void;
  /** The session was signed out, revoked or expired elsewhere. */
  ended?(): void;
}

/** Gateway notices the app listens to besides ledger events. */
export const NOTICES = ['reconciliation-finding', 'reconciliation-run-ended'] as const;

/**
 * The app's one socket.io connection. It signs in with the session token and, on every reconnect, sends the
 * position of the last event it saw (`auth.since`), so the gateway replays what was missed, none twice.
 */
export class LiveConnection {
  private readonly socket: Socket;
  private since: number | undefined;

  constructor(token: string, listener: LiveListener, url = '') {
    this.socket = io(url, {
      path: '/live',
      transports: ['websocket'],
      // A function: read at each (re)connection, so a reconnect resumes after the newest event seen.
      auth: (send) => send(this.since === undefined ? { token } : { token, since: this.since }),
    });
    this.socket.on('ledger-event', (e: LiveEvent) => {
      if (this.since !== undefined && e.position <= this.since) return; // delivered before a reconnect
      this.since = e.position;
      listener.event(e);
    });
    this.socket.on('ready', ({ position }: { position: number }) => {
      if (this.since === undefined || position > this.since) this.since = position;
      listener.status?.(true);
    });
    for (const name of NOTICES) this.socket.on(name, (payload: unknown) => listener.notice?.(name, payload));
    this.socket.on('disconnect', () => listener.status?.(false));
    this.socket.on('session-ended', () => listener.ended?.());
  }

  /** Asks for a project's events too (a page showing one project). */
  subscribe(projectId: string): void {
    this.socket.emit('subscribe', { projectId });
  }

  close(): void {
    this.socket.close();
  }
}
