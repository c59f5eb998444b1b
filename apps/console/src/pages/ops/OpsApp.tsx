import { Layout, Menu } from 'antd';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { RefundReviews } from '../../components/RefundReviews';
import { useI18n } from '../../i18n/i18n';
import { ApplicationsPage } from './ApplicationsPage';
import { AssetsPage } from './AssetsPage';
import { CampaignsPage } from './CampaignsPage';
import { CataloguePage } from './CataloguePage';
import { InsightsPage } from './InsightsPage';
import { OpsComingPage } from './OpsComingPage';

export default function OpsApp() {
  const { t } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const section = location.pathname.split('/')[2] ?? 'assets';
  const items = [
    { key: 'assets', label: t('ops.assets') },
    { key: 'campaigns', label: t('ops.campaigns') },
    { key: 'catalogue', label: t('ops.catalogue') },
    { key: 'applications', label: t('ops.applications') },
    { key: 'refunds', label: t('review.title') },
    { key: 'insights', label: t('ops.insights') },
    { key: 'coming', label: `${t('coming.moderation')} · ${t('coming.cocreation')}` },
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
          <Route path="campaigns" element={<CampaignsPage />} />
          <Route path="catalogue" element={<CataloguePage />} />
          <Route path="applications" element={<ApplicationsPage />} />
          <Route path="refunds" element={<RefundReviews />} />
          <Route path="insights" element={<InsightsPage />} />
          <Route path="coming" element={<OpsComingPage />} />
        </Routes>
      </Layout.Content>
    </Layout>
  );
}
