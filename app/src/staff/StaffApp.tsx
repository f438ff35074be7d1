import { Suspense } from 'react';
import { App } from 'antd';
import { Navigate, Route, Routes } from 'react-router';
import { AppLayout } from '../layout/AppLayout';
import { LiveProvider } from '../live/LiveProvider';
import { SignIn } from '../pages/SignIn';
import { SessionProvider, useSession } from '../session/session';
import { homeOf, ProjectPage, WORKSPACES } from '../workspaces';

function StaffPages() {
  const { session, restoring } = useSession();
  if (restoring) return <AppLayout>{null}</AppLayout>;
  const home = session ? homeOf(session.me.role) : '/sign-in';
  const signedIn = (page: React.ReactNode) => (session ? page : <Navigate to="/sign-in" replace />);
  return (
    <LiveProvider>
      <AppLayout>
        <Suspense fallback={null}>
          <Routes>
            <Route path="/sign-in" element={session ? <Navigate to={home} replace /> : <SignIn />} />
            {WORKSPACES.map((w) => (
              <Route key={w.path} path={`${w.path}/*`} element={signedIn(<w.page />)} />
            ))}
            <Route path="/projects/:id" element={signedIn(<ProjectPage />)} />
            <Route path="*" element={<Navigate to={home} replace />} />
          </Routes>
        </Suspense>
      </AppLayout>
    </LiveProvider>
  );
}

/**
 * Everything behind sign-in: the session (keys in IndexedDB, the signing protocol, X.509), the live connection and
 * the workspaces, with antd's message and notification hooks (App). Loaded when a staff page is first opened, so that a citizen's phone never downloads it.
 */
export default function StaffApp() {
  return (
    <App>
      <SessionProvider>
        <StaffPages />
      </SessionProvider>
    </App>
  );
}
