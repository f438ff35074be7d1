import { useEffect } from 'react';
import { App, Badge, Button, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { onBusy } from '../api/client';
import { useLive } from '../live/LiveProvider';
import { useSession } from '../session/session';
import { workspacesOf } from '../workspaces';
import { Frame } from './Frame';

/** The staff pages' frame: the role's workspaces, the live link's state, the signed-in person and sign-out. */
export function AppLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { session, signOut } = useSession();
  const { online } = useLive();
  const { message } = App.useApp();
  // "Busy, trying again in N s": the request is retried by the API client; the person is told, nothing is lost.
  useEffect(
    () =>
      onBusy((seconds) => void message.loading({ key: 'busy', content: t('busy', { seconds }), duration: seconds })),
    [message, t],
  );
  const header = session ? (
    <>
      <nav aria-label={t('nav.menu')}>
        <Space wrap size="middle">
          {workspacesOf(session.me.role).map((w) => (
            <NavLink
              key={w.path}
              to={w.path}
              style={({ isActive }) => ({ color: '#fff', fontWeight: isActive ? 700 : 400 })}
            >
              {t(w.label)}
            </NavLink>
          ))}
        </Space>
      </nav>
      <Badge
        status={online ? 'success' : 'default'}
        text={<span style={{ color: '#fff' }}>{t(online ? 'live.online' : 'live.offline')}</span>}
      />
      <Typography.Text style={{ color: '#fff' }}>
        {/* A bureau's admin account is the system's, named in English when it was made: named here in the page's language. */}
        {session.me.role === 'admin'
          ? t('nav.bureauAdmin', { bureau: t(`dept.${session.me.org}`) })
          : session.me.displayName}
        （{session.me._id}）
      </Typography.Text>
      <Button size="small" onClick={signOut}>
        {t('nav.signOut')}
      </Button>
    </>
  ) : (
    <NavLink to="/public" style={{ color: '#fff' }}>
      {t('public.title')}
    </NavLink>
  );
  return <Frame header={header}>{children}</Frame>;
}
