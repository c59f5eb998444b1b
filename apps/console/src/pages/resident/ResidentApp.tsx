import { lazy, Suspense } from 'react';
import { Skeleton } from 'antd';
import { Route, Routes, NavLink } from 'react-router-dom';
import { useI18n } from '../../i18n/i18n';
import { CampaignPage } from './CampaignPage';
import { CommunityPage } from './CommunityPage';
import { ForYouPage } from './ForYouPage';
import { MePage } from './MePage';
import { OrderPage } from './OrderPage';
import { OrdersPage } from './OrdersPage';
import { TodayPage } from './TodayPage';

// Pages with their own chunk (and their own strings): loaded when first opened.
const GrowthPage = lazy(() => import('./GrowthPage'));
const ServicesPage = lazy(() => import('./ServicesPage'));

/** The resident H5: a phone-width column with a tab bar at the bottom. */
export default function ResidentApp() {
  const { t } = useI18n();
  const tabs = [
    { to: '/resident', label: t('resident.today'), end: true },
    { to: '/resident/orders', label: t('resident.orders') },
    { to: '/resident/for-you', label: t('resident.forYou') },
    { to: '/resident/community', label: t('resident.community') },
    { to: '/resident/services', label: t('resident.services') },
    { to: '/resident/me', label: t('resident.me') },
  ];
  return (
    <div style={{ maxWidth: 480, margin: '0 auto', paddingBottom: 64 }}>
      <Routes>
        <Route index element={<TodayPage />} />
        <Route path="campaigns/:campaignId" element={<CampaignPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="orders/:orderId" element={<OrderPage />} />
        <Route path="for-you" element={<ForYouPage />} />
        <Route path="community" element={<CommunityPage />} />
        <Route path="me" element={<MePage />} />
        <Route path="growth" element={<Suspense fallback={<Skeleton active />}><GrowthPage /></Suspense>} />
        <Route path="services" element={<Suspense fallback={<Skeleton active />}><ServicesPage /></Suspense>} />
      </Routes>
      <nav style={{ position: 'fixed', bottom: 0, left: 0, right: 0, background: '#fff', borderTop: '1px solid #f0f0f0', display: 'flex', justifyContent: 'center', zIndex: 10 }}>
        <div style={{ display: 'flex', width: '100%', maxWidth: 480 }}>
          {tabs.map((tab) => (
            <NavLink key={tab.to} to={tab.to} end={tab.end} style={({ isActive }) => ({ flex: 1, textAlign: 'center', padding: '12px 0', color: isActive ? '#e8590c' : '#555', fontWeight: isActive ? 600 : 400 })}>
              {tab.label}
            </NavLink>
          ))}
        </div>
      </nav>
    </div>
  );
}
