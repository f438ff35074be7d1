import { expect } from 'chai';
import { io, Socket } from 'socket.io-client';
import { api, bearer, gatewayUnderTest, newUser, TestGateway, TestUser, uniqueId } from './support/gateway';
import { LIVE_SESSION_CHECK_MS } from '../src/live/live-updates';
import { roadApplication } from './support/fixtures';
import { ledgerSetup } from './support/ledger-setup';
import { twoCompanies } from './read-access-fixtures';

interface LiveEvent {
  position: number;
  type: string;
  ids: Record<string, string>;
  transactionId: string;
}

/** Handlers are attached before connecting (autoConnect off), so nothing the server sends at once is missed. */
function connectLive(
  g: TestGateway,
  token: string | undefined,
  since?: number,
  onEvent?: (e: LiveEvent) => void,
): Socket {
  const socket = io(g.url, {
    path: '/live',
    auth: { ...(token ? { token } : {}), ...(since !== undefined ? { since } : {}) },
    transports: ['websocket'],
    reconnection: false,
    autoConnect: false,
  });
  if (onEvent) socket.on('ledger-event', onEvent);
  return socket.connect();
}

const waitFor = <T>(socket: Socket, event: string, timeoutMs = 20_000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });

describe('live updates (socket.io)', function () {
  this.timeout(90_000);
  let g: TestGateway;
  let contractor: TestUser;
  let clerk: TestUser;
  before(async () => {
    g = await gatewayUnderTest();
    contractor = await newUser(g, 'contractor'); // roadApplication's contractor
    clerk = await newUser(g, 'clerk');
  });

  it('when a client connects without a valid session, then the connection is refused', async () => {
    const socket = connectLive(g, 'not-a-real-token-at-all-0123456789');
    const err = await waitFor<Error>(socket, 'connect_error');
    expect(err.message).to.match(/unauthorized/);
    socket.close();
  });

  it('when a project changes, then a clerk receives the event once the read model has it', async () => {
    const id = uniqueId('P');
    let resolveEvent: (e: LiveEvent) => void;
    const received = new Promise<LiveEvent>((resolve) => {
      resolveEvent = resolve;
    });
    const socket = connectLive(g, clerk.token, undefined, (e) => {
      if (e.ids.projectId === id) resolveEvent(e);
    });
    await waitFor(socket, 'ready');
    const res = await api(g)
      .post('/v1/projects')
      .set(bearer(contractor))
      .send(roadApplication(id, contractor))
      .expect(201);
    const event = await received;
    expect(event).to.include({ type: 'approval.applied', transactionId: res.body.receipt.transactionId });
    const inModel = await api(g).get(`/v1/projects/${id}`).set(bearer(clerk)).expect(200);
    expect(inModel.body.transactionId).to.equal(event.transactionId);
    socket.close();
  });

  it('when a client reconnects with the last position it saw, then it gets every event it missed, in order, and none twice', async () => {
    const seen: LiveEvent[] = [];
    const first = connectLive(g, clerk.token, undefined, (e) => seen.push(e));
    await waitFor(first, 'ready');
    const id1 = uniqueId('P');
    await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id1, contractor)).expect(201);
    while (!seen.some((e) => e.ids.projectId === id1)) await new Promise((r) => setTimeout(r, 100));
    const last = seen[seen.length - 1].position;
    first.close();

    const missed = [uniqueId('P'), uniqueId('P')];
    for (const id of missed)
      await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor)).expect(201);

    const replayed: LiveEvent[] = [];
    const second = connectLive(g, clerk.token, last, (e) => replayed.push(e));
    await waitFor(second, 'ready');
    // Live events after the replay keep coming; wait until both missed ones are in.
    for (let i = 0; i < 100 && replayed.filter((e) => missed.includes(e.ids.projectId)).length < missed.length; i++)
      await new Promise((r) => setTimeout(r, 100));
    const mine = replayed.filter((e) => missed.includes(e.ids.projectId));
    expect(mine.map((e) => e.ids.projectId)).to.deep.equal(missed);
    expect(replayed.every((e) => e.position > last)).to.equal(true);
    const positions = replayed.map((e) => e.position);
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).to.equal(positions.length);
    second.close();
  });

  /** How long a socket may outlive its session: one session check, the session cache (identity-service), and slack for a busy machine. */
  const SESSION_END_BOUND_MS = 2 * LIVE_SESSION_CHECK_MS + 2_000 + 4_000;
  const disconnectedWithin = (socket: Socket, ms: number) =>
    new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
      socket.once('disconnect', () => {
        clearTimeout(timer);
        resolve(Date.now() - started);
      });
    });

  it('when the user signs out, then their socket is closed within the bound', async () => {
    const user = await newUser(g, 'clerk');
    const socket = connectLive(g, user.token);
    await waitFor(socket, 'ready');
    const closed = disconnectedWithin(socket, SESSION_END_BOUND_MS);
    await api(g).delete('/v1/sessions/current').set(bearer(user)).expect(204);
    await closed;
    socket.close();
  });

  it('when the user is revoked, then their socket is closed within the bound', async () => {
    const user = await newUser(g, 'clerk');
    const admin = await newUser(g, 'admin');
    const socket = connectLive(g, user.token);
    await waitFor(socket, 'ready');
    const closed = disconnectedWithin(socket, 60_000);
    const started = Date.now();
    const res = await api(g)
      .post(`/v1/users/${user.username}/revocation`)
      .set(bearer(admin))
      .send({ reason: 'left the bureau' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await closed;
    expect(Date.now() - started).to.be.below(SESSION_END_BOUND_MS + 15_000); // the revocation itself publishes a CRL first (1-2 s)
    socket.close();
  });

  it("when a contractor subscribes to another company's project, then it receives none of its events, payments included; finance does", async () => {
    const setup = await ledgerSetup();
    const projectB = uniqueId('P');
    const spy = await newUser(g, 'contractor');
    const finance = await newUser(g, 'finance', { dept: 'finance' });
    const spied: LiveEvent[] = [];
    const seenByFinance: LiveEvent[] = [];
    const spySocket = connectLive(g, spy.token, undefined, (e) => {
      if (e.ids.projectId === projectB) spied.push(e);
    });
    const financeSocket = connectLive(g, finance.token, undefined, (e) => {
      if (e.ids.projectId === projectB) seenByFinance.push(e);
    });
    try {
      await Promise.all([waitFor(spySocket, 'ready'), waitFor(financeSocket, 'ready')]);
      const subscribed = await spySocket.emitWithAck('subscribe', { projectId: projectB });
      expect(subscribed.projects).to.include(projectB);
      const w = await twoCompanies(g, setup, projectB);
      for (let i = 0; i < 200 && !seenByFinance.some((e) => e.type === 'payment.overpayment_refused'); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(seenByFinance.map((e) => e.type)).to.include.members(['payment.requested', 'payment.overpayment_refused']);
      expect(seenByFinance.some((e) => e.ids.payoutId === w.payoutB)).to.equal(true);
      expect(spied.map((e) => e.type)).to.deep.equal([]);
    } finally {
      spySocket.close();
      financeSocket.close();
      await setup.close();
    }
  });
});
