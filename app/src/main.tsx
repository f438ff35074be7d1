import { lazy, StrictMode, Suspense, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import './i18n';
import { PublicLayout } from './layout/PublicLayout';
import { PublicHome } from './pages/PublicHome';

/**
 * antd's tokens where its defaults fall below WCAG AA contrast (4.5:1), as axe-core measured them: the primary and
 * link blue (#1677ff: 4.1:1 under white text), and the secondary, description, placeholder and disabled greys (25–45 % black).
 */
const THEME = {
  token: {
    colorPrimary: '#0958d9',
    colorPrimaryHover: '#003eb3', // darker on hover, not lighter: white text keeps its contrast
    colorPrimaryActive: '#002c8c',
    colorLink: '#0958d9',
    colorError: '#cf1322', // danger buttons and error text: 5.9:1 on white (#ff4d4f is 3.3:1)
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.65)', // descriptions' labels
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
    colorTextDisabled: 'rgba(0, 0, 0, 0.58)', // an empty table's "nothing here" uses it: read, not a disabled control
  },
};

// Public pages beyond the first load when opened too.
const ProjectPublicPage = lazy(() =>
  import('./public/ProjectPublicPage').then((m) => ({ default: m.ProjectPublicPage })),
);
const ComplaintTracking = lazy(() =>
  import('./pages/ComplaintTracking').then((m) => ({ default: m.ComplaintTracking })),
);
const VerifyPage = lazy(() => import('./public/VerifyPage').then((m) => ({ default: m.VerifyPage })));

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 5_000 } } });

/** Staff pages (sign-in and the workspaces) load on first use: the public pages do not carry them. */
const StaffApp = lazy(() => import('./staff/StaffApp'));

function Pages() {
  return (
    <Suspense fallback={null}>
      <Routes>
        <Route
          path="/public"
          element={
            <PublicLayout>
              <PublicHome />
            </PublicLayout>
          }
        />
        <Route
          path="/public/complaints/:id"
          element={
            <PublicLayout>
              <ComplaintTracking />
            </PublicLayout>
          }
        />
        <Route
          path="/public/projects/:id"
          element={
            <PublicLayout>
              <ProjectPublicPage />
            </PublicLayout>
          }
        />
        <Route
          path="/public/verify/:id"
          element={
            <PublicLayout>
              <VerifyPage />
            </PublicLayout>
          }
        />
        <Route path="*" element={<StaffApp />} />
      </Routes>
    </Suspense>
  );
}

/** antd's texts in the page's language: Chinese bundled, English loaded with the English strings. */
function useAntdLocale(language: string) {
  const [locale, setLocale] = useState(zhCN);
  useEffect(() => {
    if (language !== 'en') return setLocale(zhCN);
    void import('antd/locale/en_US').then((m) => setLocale(m.default));
  }, [language]);
  return locale;
}

function Root() {
  const { i18n } = useTranslation();
  const locale = useAntdLocale(i18n.language);
  return (
    <ConfigProvider
      locale={locale}
      theme={THEME}
      button={{ autoInsertSpace: false }} // "派单", not "派 单": a screen reader reads the label as written
    >
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Pages />
        </BrowserRouter>
      </QueryClientProvider>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
