import { useEffect } from 'react';
import { App, Badge, Button, Layout, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n';
import { useSession } from '../session/session';
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { workspacesOf } from '../workspaces';
import { onBusy } from '../api/client';
import { useLive } from '../live/LiveProvider';

/** The frame of every page: the system's name, the signed-in person, the language switch and sign-out. */
export function AppLayout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { session, signOut } = useSession();
  const { online } = useLive();
  const { message } = App.useApp();
  // "Busy, trying again in N s": the request is retried by the API client; the person is told, nothing is lost.
  useEffect(
    () =>
      onBusy((seconds) => void message.loading({ key: 'busy', content: t('busy', { seconds }), duration: seconds })),
    [message, t],
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          alignItems: 'center',
          justifyContent: 'space-between',
          height: 'auto',
          lineHeight: '32px',
          padding: '8px 16px',
          gap: 8,
        }}
      >
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, fontSize: 18, whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Typography.Title>
        {session && (
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
        )}
        <Space wrap>
          {!session && (
            <NavLink to="/public" style={{ color: '#fff' }}>
              {t('public.title')}
            </NavLink>
          )}
          {!session && (
            <NavLink to="/sign-in" style={{ color: '#fff' }}>
              {t('public.staff')}
            </NavLink>
          )}
          {session && (
            <Badge
              status={online ? 'success' : 'default'}
              text={<span style={{ color: '#fff' }}>{t(online ? 'live.online' : 'live.offline')}</span>}
            />
          )}
          {session && (
            <Typography.Text style={{ color: '#fff' }}>
              {session.me.displayName}（{session.me._id}）
            </Typography.Text>
          )}
          <Button size="small" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
            {t('nav.language')}
          </Button>
          {session && (
            <Button size="small" onClick={signOut}>
              {t('nav.signOut')}
            </Button>
          )}
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 16 }}>{children}</Layout.Content>
    </Layout>
  );
}
