import { lazy, Suspense, useEffect, useSyncExternalStore } from 'react';
import { App as AntApp, ConfigProvider, Skeleton } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ApiError } from '../api/client';
import { session, type Session } from '../api/session';
import { I18nProvider, useI18n } from '../i18n/i18n';
import { Shell } from './Shell';
import { SignIn } from './SignIn';

const ResidentApp = lazy(() => import('../pages/resident/ResidentApp'));
const LeaderApp = lazy(() => import('../pages/leader/LeaderApp'));
const OpsApp = lazy(() => import('../pages/ops/OpsApp'));

/** One query cache for the whole console; client errors (4xx) are not retried. */
const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2, staleTime: 5_000, refetchOnWindowFocus: false },
  },
});

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.get);
}

/** Where a user lands: ops → ops console, leader → workbench, everyone else → resident H5. */
export function homeOf(current: Session): string {
  if (current.roles.includes('ops')) return '/ops';
  if (current.roles.includes('leader')) return '/leader';
  return '/resident';
}

function Routed() {
  const current = useSession();
  const { lang } = useI18n();
  useEffect(() => {
    if (!current) queryClient.clear();
  }, [current]);
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#e8590c', borderRadius: 8 } }}>
      <AntApp>
        <Routes>
          <Route path="/sign-in" element={current ? <Navigate to={homeOf(current)} replace /> : <SignIn />} />
          <Route element={current ? <Shell /> : <Navigate to="/sign-in" replace />}>
            <Route path="/resident/*" element={<Suspense fallback={<Skeleton active />}><ResidentApp /></Suspense>} />
            <Route path="/leader/*" element={<Suspense fallback={<Skeleton active />}><LeaderApp /></Suspense>} />
            <Route path="/ops/*" element={<Suspense fallback={<Skeleton active />}><OpsApp /></Suspense>} />
            <Route path="*" element={current ? <Navigate to={homeOf(current)} replace /> : null} />
          </Route>
        </Routes>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <BrowserRouter basename="/console">
          <Routed />
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  );
}
