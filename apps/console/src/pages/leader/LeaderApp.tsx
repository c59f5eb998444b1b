import { createContext, lazy, Suspense, useContext, useState } from 'react';
import { Menu, Select, Skeleton, Space, Typography } from 'antd';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { RefundReviews } from '../../components/RefundReviews';
import { EmptyState, QueryView } from '../../components/states';
import { useMyPoints } from '../../hooks/leader';
import { useI18n } from '../../i18n/i18n';
import { AttentionPage } from './AttentionPage';
import { CarePage } from './CarePage';
import { CustomerPage } from './CustomerPage';
import { RemindersPage } from './RemindersPage';
import { SettlementPage } from './SettlementPage';
import { CustomersPage } from './CustomersPage';
import { PointOrdersPage } from './PointOrdersPage';
import { ScanPage } from './ScanPage';
import { SortingPage } from './SortingPage';

// The charts load with the dashboard, not with the workbench's first screen.
const DashboardPage = lazy(() => import('./DashboardPage'));
const GroupsPage = lazy(() => import('./GroupsPage'));

const PointContext = createContext<string | undefined>(undefined);
export const usePoint = () => useContext(PointContext);

/** The leader workbench: one pickup point at a time (the leader's first by default). */
export default function LeaderApp() {
  const { t } = useI18n();
  const points = useMyPoints();
  const [chosen, setChosen] = useState<string>();
  const location = useLocation();
  const navigate = useNavigate();
  const section = location.pathname.split('/')[2] ?? 'sorting';
  const items = [
    { key: 'sorting', label: t('leader.sorting') },
    { key: 'scan', label: t('leader.scan') },
    { key: 'orders', label: t('leader.orders') },
    { key: 'attention', label: t('leader.attention') },
    { key: 'customers', label: t('leader.customers') },
    { key: 'care', label: t('leader.care') },
    { key: 'reminders', label: t('leader.reminders') },
    { key: 'refunds', label: t('review.title') },
    { key: 'dashboard', label: t('leader.dashboard') },
    { key: 'settlement', label: t('leader.settlement') },
    { key: 'groups', label: t('leader.groups') },
  ];
  return (
    <QueryView query={points} isEmpty={(d) => d.pickupPoints.length === 0} empty={t('leader.noPoint')}>
      {(data) => {
        const pointId = chosen ?? data.pickupPoints[0]?.pickupPointId;
        return (
          <PointContext.Provider value={pointId}>
            <Space wrap style={{ marginBottom: 12 }}>
              <Typography.Text strong>{t('leader.point')}</Typography.Text>
              <Select
                style={{ minWidth: 260 }}
                value={pointId}
                onChange={setChosen}
                options={data.pickupPoints.map((p) => ({ value: p.pickupPointId, label: p.name }))}
                data-testid="point-select"
              />
            </Space>
            <Menu mode="horizontal" selectedKeys={[section]} items={items} onClick={({ key }) => navigate(`/leader/${key}`)} style={{ marginBottom: 16 }} />
            {pointId ? (
              <Routes>
                <Route index element={<Navigate to="sorting" replace />} />
                <Route path="sorting" element={<SortingPage />} />
                <Route path="scan" element={<ScanPage />} />
                <Route path="orders" element={<PointOrdersPage />} />
                <Route path="refunds" element={<RefundReviews />} />
                <Route path="customers" element={<CustomersPage />} />
                <Route path="customers/:userId" element={<CustomerPage />} />
                <Route path="dashboard" element={<Suspense fallback={<Skeleton active />}><DashboardPage /></Suspense>} />
                <Route path="attention" element={<AttentionPage />} />
                <Route path="care" element={<CarePage />} />
                <Route path="reminders" element={<RemindersPage />} />
                <Route path="settlement" element={<SettlementPage />} />
                <Route path="groups" element={<Suspense fallback={<Skeleton active />}><GroupsPage /></Suspense>} />
              </Routes>
            ) : (
              <EmptyState text={t('leader.noPoint')} />
            )}
          </PointContext.Provider>
        );
      }}
    </QueryView>
  );
}
