import { expect } from 'chai';
import crypto from 'node:crypto';
import { passwordWeakness } from '../../src/identity/password-policy';
import { SessionTokens } from '../../src/identity/secrets';
import { backoffMs, SIGN_IN_THROTTLE } from '../../src/identity/sign-in-throttle';

describe('sign-in mechanisms (units)', () => {
  const expiresAt = new Date('2026-12-04T18:00:00Z');

  it('when a session token is verified, then only the key, user and expiry it was issued for are accepted', () => {
    const tokens = new SessionTokens(crypto.randomBytes(32));
    const { token, sessionId } = tokens.issue('clerk-a', expiresAt);
    expect(token).to.match(/^[A-Za-z0-9_-]{86}$/);
    expect(tokens.sessionId(token)).to.equal(sessionId);
    expect(tokens.verify(token, 'clerk-a', expiresAt)).to.equal(true);
    expect(tokens.verify(token, 'admin.housing', expiresAt)).to.equal(false);
    expect(tokens.verify(token, 'clerk-a', new Date(expiresAt.getTime() + 1))).to.equal(false);
    expect(new SessionTokens(crypto.randomBytes(32)).verify(token, 'clerk-a', expiresAt)).to.equal(false);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(tokens.verify(flipped, 'clerk-a', expiresAt)).to.equal(false);
    expect(tokens.sessionId(token.slice(0, 43))).to.equal(undefined);
  });

  it('when a password is weak, then the policy names why; when it is strong, then it passes', () => {
    expect(passwordWeakness('clerk-a', 'short-1A')).to.match(/at least 12/);
    expect(passwordWeakness('clerk-a', 'aaaaaaaaaaaa')).to.match(/different characters/);
    expect(passwordWeakness('clerk-a', '111111111111')).to.match(/different characters/);
    expect(passwordWeakness('clerk-a', 'Password1234')).to.match(/common or breached/);
    expect(passwordWeakness('clerk-a', 'qwertyuiop123')).to.match(/common or breached/);
    expect(passwordWeakness('clerk-a', 'my-CLERK-A-secret-9')).to.match(/username/);
    expect(passwordWeakness('clerk-a', 'abcdefghxyzw')).to.match(/mixed/);
    expect(passwordWeakness('clerk-a', 'tram lantern orchid')).to.equal(undefined);
    expect(passwordWeakness('clerk-a', 'Harbour-7-lantern')).to.equal(undefined);
  });

  it('when an account keeps failing, then the wait is zero for the free attempts, then doubles, capped', () => {
    const o = SIGN_IN_THROTTLE;
    expect([1, 2, 3, 4].map((n) => backoffMs(n))).to.deep.equal([0, 0, 0, 0]);
    expect(backoffMs(5)).to.equal(o.baseDelayMs);
    expect(backoffMs(6)).to.equal(2 * o.baseDelayMs);
    expect(backoffMs(7)).to.equal(4 * o.baseDelayMs);
    expect(backoffMs(40)).to.equal(o.maxDelayMs);
    expect(backoffMs(10_000)).to.equal(o.maxDelayMs);
  });
});
