import { expect } from 'chai';
import { io, Socket } from 'socket.io-client';
import { api, bearer, gatewayUnderTest, newUser, TestGateway, TestUser, uniqueId } from './support/gateway';
import { roadApplication } from './support/fixtures';

interface LiveEvent { position: number; type: string; ids: Record<string, string>; transactionId: string }

/** Handlers are attached before connecting (autoConnect off), so nothing the server sends at once is missed. */
function connectLive(g: TestGateway, token: string | undefined, since?: number, onEvent?: (e: LiveEvent) => void): Socket {
  const socket = io(g.url, { path: '/live', auth: { ...(token ? { token } : {}), ...(since !== undefined ? { since } : {}) }, transports: ['websocket'], reconnection: false, autoConnect: false });
  if (onEvent) socket.on('ledger-event', onEvent);
  return socket.connect();
}

const waitFor = <T>(socket: Socket, event: string, timeoutMs = 20_000) => new Promise<T>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
  socket.once(event, (payload: T) => { clearTimeout(timer); resolve(payload); });
});

describe('live updates (socket.io)', function () {
  this.timeout(90_000);
  let g: TestGateway;
  let contractor: TestUser;
  let clerk: TestUser;
  before(async () => {
    g = await gatewayUnderTest();
    contractor = await newUser(g, 'contractor');
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
    const received = new Promise<LiveEvent>((resolve) => { resolveEvent = resolve; });
    const socket = connectLive(g, clerk.token, undefined, (e) => { if (e.ids.projectId === id) resolveEvent(e); });
    await waitFor(socket, 'ready');
    const res = await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor)).expect(201);
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
    for (const id of missed) await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor)).expect(201);

    const replayed: LiveEvent[] = [];
    const second = connectLive(g, clerk.token, last, (e) => replayed.push(e));
    await waitFor(second, 'ready');
    // Live events after the replay keep coming; wait until both missed ones are in.
    for (let i = 0; i < 100 && replayed.filter((e) => missed.includes(e.ids.projectId)).length < missed.length; i++) await new Promise((r) => setTimeout(r, 100));
    const mine = replayed.filter((e) => missed.includes(e.ids.projectId));
    expect(mine.map((e) => e.ids.projectId)).to.deep.equal(missed);
    expect(replayed.every((e) => e.position > last)).to.equal(true);
    const positions = replayed.map((e) => e.position);
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).to.equal(positions.length);
    second.close();
  });
});
