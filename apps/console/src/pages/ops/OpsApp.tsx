import { lazy, Suspense, type ReactNode } from 'react';
import { Layout, Menu, Skeleton } from 'antd';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { RefundReviews } from '../../components/RefundReviews';
import { useI18n, usePageT } from '../../i18n/i18n';
import { ApplicationsPage } from './ApplicationsPage';
import { AssetsPage } from './AssetsPage';
import { CampaignsPage } from './CampaignsPage';
import { CataloguePage } from './CataloguePage';
import { InsightsPage } from './InsightsPage';
import { messages } from './ops.messages';

// Pages with their own chunk: loaded when first opened.
const ProvidersPage = lazy(() => import('./ProvidersPage'));
const ModerationPage = lazy(() => import('./ModerationPage'));
const ProposalsPage = lazy(() => import('./ProposalsPage'));
const FunnelPage = lazy(() => import('./FunnelPage'));

const later = (page: ReactNode) => <Suspense fallback={<Skeleton active />}>{page}</Suspense>;

export default function OpsApp() {
  const { t } = useI18n();
  const tp = usePageT(messages);
  const location = useLocation();
  const navigate = useNavigate();
  const section = location.pathname.split('/')[2] ?? 'assets';
  const items = [
    { key: 'assets', label: t('ops.assets') },
    { key: 'funnel', label: tp('funnel.title') },
    { key: 'campaigns', label: t('ops.campaigns') },
    { key: 'catalogue', label: t('ops.catalogue') },
    { key: 'applications', label: t('ops.applications') },
    { key: 'providers', label: tp('providers.title') },
    { key: 'refunds', label: t('review.title') },
    { key: 'moderation', label: tp('moderation.title') },
    { key: 'proposals', label: tp('proposals.title') },
    { key: 'insights', label: t('ops.insights') },
  ];
  return (
    <Layout style={{ background: 'transparent' }}>
      <Layout.Sider width={200} breakpoint="md" collapsedWidth={0} theme="light" style={{ marginRight: 16 }}>
        <Menu mode="inline" selectedKeys={[section]} items={items} onClick={({ key }) => navigate(`/ops/${key}`)} data-testid="ops-menu" />
      </Layout.Sider>
      <Layout.Content>
        <Routes>
          <Route index element={<Navigate to="assets" replace />} />
          <Route path="assets" element={<AssetsPage />} />
          <Route path="funnel" element={later(<FunnelPage />)} />
          <Route path="campaigns" element={<CampaignsPage />} />
          <Route path="catalogue" element={<CataloguePage />} />
          <Route path="applications" element={<ApplicationsPage />} />
          <Route path="providers" element={later(<ProvidersPage />)} />
          <Route path="refunds" element={<RefundReviews />} />
          <Route path="moderation" element={later(<ModerationPage />)} />
          <Route path="proposals" element={later(<ProposalsPage />)} />
          <Route path="insights" element={<InsightsPage />} />
        </Routes>
      </Layout.Content>
    </Layout>
  );
}
