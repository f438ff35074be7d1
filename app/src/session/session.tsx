import { createContext, useContext, useState, type ReactNode } from 'react';
import { enrollKey, signIn, type KeyHolder } from '@luohu/client';
import { api, useSessionToken } from '../api/client';
import type { paths } from '../api/schema';
import { heldKey, keepKey } from '../keys/key-store';

/** Who is signed in, as GET /v1/me says. */
export type Me = paths['/v1/me']['get']['responses']['200']['content']['application/json'];

/** A signed-in person: their account, and the key on this device that signs their writes. */
export interface Session {
  me: Me;
  holder: KeyHolder;
}

interface SessionState {
  session: Session | undefined;
  /** Signs in with the key this device holds for `username`. */
  signInWithKey(username: string): Promise<void>;
  /** Makes a key on this device, enrolls it with the admin's one-time code, keeps it, and signs in with it. */
  enrollAndSignIn(username: string, code: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

/** The session for the app: held in memory only (a reload signs in again with the key, which stays on the device). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>();

  const open = async (holder: KeyHolder) => {
    const token = await signIn('', holder);
    useSessionToken(token);
    const { data, error } = await api.GET('/v1/me');
    if (!data) throw new Error(JSON.stringify(error));
    setSession({ me: data, holder });
  };

  const state: SessionState = {
    session,
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
    signOut() {
      void api.DELETE('/v1/sessions/current');
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
