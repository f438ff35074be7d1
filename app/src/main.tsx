import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import './i18n';
import { AppLayout } from './layout/AppLayout';
import { LiveProvider } from './live/LiveProvider';
import { ComplaintTracking } from './pages/ComplaintTracking';
import { PublicHome } from './pages/PublicHome';
import { SignIn } from './pages/SignIn';
import { SessionProvider, useSession } from './session/session';
import { homeOf, ProjectPage, WORKSPACES } from './workspaces';

/**
 * antd's tokens where its defaults fall below WCAG AA contrast (4.5:1), as axe-core measured them: the primary and
 * link blue (#1677ff: 4.1:1 under white text), and the secondary, description and placeholder greys (25–45 % black).
 */
const THEME = {
  token: {
    colorPrimary: '#0958d9',
    colorPrimaryHover: '#003eb3', // darker on hover, not lighter: white text keeps its contrast
    colorPrimaryActive: '#002c8c',
    colorLink: '#0958d9',
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  },
};

// Public pages beyond the first load when opened too.
const ProjectPublicPage = lazy(() =>
  import('./public/ProjectPublicPage').then((m) => ({ default: m.ProjectPublicPage })),
);
const VerifyPage = lazy(() => import('./public/VerifyPage').then((m) => ({ default: m.VerifyPage })));

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 5_000 } } });

function Pages() {
  const { session, restoring } = useSession();
  if (restoring) return <AppLayout>{null}</AppLayout>;
  const home = session ? homeOf(session.me.role) : '/sign-in';
  return (
    <LiveProvider>
      <AppLayout>
        <Suspense fallback={null}>
          <Routes>
            <Route path="/sign-in" element={session ? <Navigate to={home} replace /> : <SignIn />} />
            <Route path="/public" element={<PublicHome />} />
            <Route path="/public/complaints/:id" element={<ComplaintTracking />} />
            <Route path="/public/projects/:id" element={<ProjectPublicPage />} />
            <Route path="/public/verify/:id" element={<VerifyPage />} />
            {WORKSPACES.map((w) => (
              <Route
                key={w.path}
                path={`${w.path}/*`}
                element={session ? <w.page /> : <Navigate to="/sign-in" replace />}
              />
            ))}
            <Route path="/projects/:id" element={session ? <ProjectPage /> : <Navigate to="/sign-in" replace />} />
            <Route path="*" element={<Navigate to={home} replace />} />
          </Routes>
        </Suspense>
      </AppLayout>
    </LiveProvider>
  );
}

function Root() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={THEME}
      button={{ autoInsertSpace: false }} // "派单", not "派 单": a screen reader reads the label as written
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <SessionProvider>
            <BrowserRouter>
              <Pages />
            </BrowserRouter>
          </SessionProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
