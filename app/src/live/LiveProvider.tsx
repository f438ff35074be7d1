import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { App } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { sessionToken } from '../api/client';
import { useSession } from '../session/session';
import { LiveConnection, type LiveEvent } from './live-connection';
import { isNewAlert, noticeStaleRoots, staleQueryRoots } from './stale-queries';

interface LiveState {
  /** Connected and caught up with the ledger. */
  online: boolean;
  /** Asks for one project's events (its page). */
  subscribe(projectId: string): void;
}

const LiveContext = createContext<LiveState>({ online: false, subscribe: () => undefined });

/** Re-reads are batched: a burst of events (a block) costs one re-read per query, not one per event. */
const BATCH_MS = 150;

/**
 * The signed-in app's one socket.io connection: each ledger event marks the queries showing its records stale (the
 * gateway pushes only once the read model has the event, so the re-read sees it); a new safety alert also pops up.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { session, signOut } = useSession();
  const queryClient = useQueryClient();
  const { notification } = App.useApp();
  const [online, setOnline] = useState(false);
  const connection = useRef<LiveConnection>(undefined);
  const username = session?.me._id;

  useEffect(() => {
    const token = sessionToken();
    if (!username || !token) return;
    const stale = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const roots = [...stale];
      stale.clear();
      void queryClient.invalidateQueries({ predicate: (q) => roots.includes(String(q.queryKey[0])) });
    };
    const live = new LiveConnection(token, {
      event(e: LiveEvent) {
        for (const root of staleQueryRoots(e.type)) stale.add(root);
        timer ??= setTimeout(flush, BATCH_MS);
        if (isNewAlert(e.type)) {
          // The event carries the alert as the read model holds it: shown at once, before the re-read confirms it.
          queryClient.setQueriesData<Record<string, unknown>[]>({ queryKey: ['work-queue', 'alerts'] }, (alerts) =>
            alerts && !alerts.some((a) => a.id === e.state.id) ? [e.state, ...alerts] : alerts,
          );
          notification.warning({
            key: e.ids.alertId,
            title: t('live.alertTitle'),
            description: t('live.alertText', {
              kind: t(`alertType.${String(e.state.alertType ?? 'other')}`),
              project: e.ids.projectId,
            }),
            placement: 'topRight',
            duration: 0, // an alarm stays until the clerk closes it: it must not vanish unseen
          });
        }
      },
      notice(name) {
        for (const root of noticeStaleRoots(name)) stale.add(root);
        timer ??= setTimeout(flush, BATCH_MS);
      },
      status: setOnline,
      ended: signOut,
    });
    connection.current = live;
    return () => {
      clearTimeout(timer);
      live.close();
      connection.current = undefined;
      setOnline(false);
    };
    // One connection per signed-in person (t, notification and signOut change identity on re-render).
  }, [username, queryClient]);

  const state: LiveState = { online, subscribe: (projectId) => connection.current?.subscribe(projectId) };
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

/** The live connection's state (inside LiveProvider). */
export const useLive = (): LiveState => useContext(LiveContext);
