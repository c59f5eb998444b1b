import { AssetDashboard } from '../../components/AssetDashboard';
import { usePoint } from './LeaderApp';

/** The point's repurchase, value and retention (the leader-ops dashboard with NPS and income comes with its API). */
export default function DashboardPage() {
  const pointId = usePoint();
  return <AssetDashboard scope={{ pickupPointId: pointId }} />;
}
