import { Table } from 'antd';
import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { dateTime, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { usePoint } from './LeaderApp';

interface Customer {
  userId: string;
  orders: number;
  spentCents: number;
  lastOrderAt: string;
}

/**
 * The point's customers from its latest orders (who, how often, how much, when last); the detail
 * page shows their assets. The leader customer-ops list with attention flags comes with its API.
 */
export function CustomersPage() {
  const { t, lang } = useI18n();
  const pointId = usePoint();
  const customers = useQuery({
    queryKey: ['leader', 'customers', pointId],
    enabled: !!pointId,
    queryFn: async () => {
      const { orders } = unwrap(await api.GET('/v1/leader/pickup-points/{pickupPointId}/orders', { params: { path: { pickupPointId: pointId! }, query: { limit: 200 } } }));
      const byUser = new Map<string, Customer>();
      for (const order of orders) {
        if (order.status === 'cancelled' || order.status === 'expired' || order.status === 'pending_payment') continue;
        const c = byUser.get(order.userId) ?? { userId: order.userId, orders: 0, spentCents: 0, lastOrderAt: order.placedAt };
        c.orders += 1;
        c.spentCents += order.paidCents - order.refundedCents;
        if (order.placedAt > c.lastOrderAt) c.lastOrderAt = order.placedAt;
        byUser.set(order.userId, c);
      }
      return [...byUser.values()].sort((a, b) => b.lastOrderAt.localeCompare(a.lastOrderAt));
    },
  });
  return (
    <QueryView query={customers}>
      {(data) => (
        <Table<Customer>
          size="small"
          rowKey="userId"
          dataSource={data}
          pagination={{ pageSize: 20, showTotal: (n) => t('common.total', { n }) }}
          columns={[
            { title: t('leader.resident'), dataIndex: 'userId', render: (v: string) => <Link to={`/leader/customers/${v}`}>{v.slice(0, 8)}</Link> },
            { title: t('assets.orders'), dataIndex: 'orders' },
            { title: t('assets.revenue'), dataIndex: 'spentCents', render: (v: number) => `¥${yuan(v)}` },
            { title: t('customers.lastOrder'), dataIndex: 'lastOrderAt', render: (v: string) => dateTime(v, lang) },
          ]}
        />
      )}
    </QueryView>
  );
}
