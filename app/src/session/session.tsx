import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { enrollKey, signIn, type KeyHolder } from '@luohu/client';
import { api, useSessionToken } from '../api/client';
import type { paths } from '../api/schema';
import { heldKey, keepKey } from '../keys/key-store';

/** Who is signed in, as GET /v1/me says. */
export type Me = paths['/v1/me']['get']['responses']['200']['content']['application/json'];

/**
 * A signed-in person: their account, and the key on this device that signs their writes — none for a bureau admin,
 * who signs in by password (a custodial identity: admin acts are not personal acts, the gateway signs them).
 */
export interface Session {
  me: Me;
  holder?: KeyHolder;
}

interface SessionState {
  session: Session | undefined;
  /** True while a session kept for this tab is being checked (after a reload). */
  restoring: boolean;
  /** Signs in with the key this device holds for `username`. */
  signInWithKey(username: string): Promise<void>;
  /** Makes a key on this device, enrolls it with the admin's one-time code, keeps it, and signs in with it. */
  enrollAndSignIn(username: string, code: string): Promise<void>;
  /** A bureau admin's sign-in by password (custodial: no key on this device). */
  signInWithPassword(username: string, password: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

/** Where this tab keeps its session token and user, so that a reload stays signed in (the tab's storage only). */
const KEPT = 'luohu.session';

/**
 * The session for the app. The token is kept for this tab (sessionStorage: gone with the tab); the key stays in
 * IndexedDB, non-extractable. After a reload the kept session is checked with GET /v1/me before it is used.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>();
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(KEPT) !== null);

  const begin = async (token: string, holder: KeyHolder | undefined) => {
    useSessionToken(token);
    const { data, error } = await api.GET('/v1/me');
    if (!data) throw new Error(JSON.stringify(error));
    sessionStorage.setItem(KEPT, JSON.stringify({ token, username: data._id, custodial: !holder }));
    setSession({ me: data, holder });
  };
  const open = async (holder: KeyHolder) => begin(await signIn('', holder), holder);

  useEffect(() => {
    const kept = sessionStorage.getItem(KEPT);
    if (!kept) return;
    const { token, username, custodial } = JSON.parse(kept) as { token: string; username: string; custodial?: boolean };
    void (async () => {
      const holder = custodial ? undefined : await heldKey(username);
      if (holder || custodial) await begin(token, holder);
    })()
      .catch(() => {
        sessionStorage.removeItem(KEPT);
        useSessionToken(undefined);
      })
      .finally(() => setRestoring(false));
  }, []);

  const state: SessionState = {
    session,
    restoring,
    async signInWithKey(username) {
      const holder = await heldKey(username);
      if (!holder) throw new Error(`no key of ${username} on this device`);
      await open(holder);
    },
    async enrollAndSignIn(username, code) {
      const holder = await enrollKey('', username, code); // non-extractable: the key never leaves this browser
      await keepKey(holder);
      await open(holder);
    },
    async signInWithPassword(username, password) {
      const { data, error } = await api.POST('/v1/sessions', { body: { username, password } });
      const token = (data as { token?: string } | undefined)?.token;
      if (!token) throw new Error((error as { error?: { message?: string } })?.error?.message ?? 'refused');
      await begin(token, undefined);
    },
    signOut() {
      void api.DELETE('/v1/sessions/current');
      sessionStorage.removeItem(KEPT);
      useSessionToken(undefined);
      setSession(undefined);
    },
  };
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

/** The session state of the app (inside SessionProvider). */
export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
