import { useState } from 'react';
import { Segmented, Table } from 'antd';
import { Link } from 'react-router-dom';
import { dateTime, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { LEADER_PAGE_SIZE, usePointOrders } from '../../hooks/leader';
import type { Order } from '../../hooks/resident';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { StatusTag } from '../resident/OrderPage';
import { usePoint } from './LeaderApp';

const FILTERS = ['', 'paid', 'locked', 'shipped', 'received', 'picked_up'] as const;

export function PointOrdersPage() {
  const { t, lang } = useI18n();
  const pointId = usePoint();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<string>('');
  const orders = usePointOrders(pointId, page, status || undefined);
  return (
    <>
      <Segmented
        style={{ marginBottom: 12 }}
        value={status}
        onChange={(v) => {
          setStatus(String(v));
          setPage(1);
        }}
        options={FILTERS.map((f) => ({ value: f, label: f ? t(`orders.status.${f}` as MessageKey) : t('common.view') }))}
      />
      <QueryView query={orders}>
        {(data) => (
          <Table<Order>
            size="small"
            rowKey="orderId"
            dataSource={data.orders}
            pagination={{ current: page, pageSize: LEADER_PAGE_SIZE, total: data.total, onChange: setPage, showTotal: (n) => t('common.total', { n }) }}
            columns={[
              { title: t('order.placedAt'), dataIndex: 'placedAt', render: (v: string) => dateTime(v, lang) },
              { title: t('leader.resident'), dataIndex: 'userId', render: (v: string) => <Link to={`/leader/customers/${v}`}>{v.slice(0, 8)}</Link> },
              { title: t('leader.items'), render: (_, o) => o.lines.map((l) => `${l.name} × ${l.quantity}`).join('；') },
              { title: t('order.total'), dataIndex: 'totalCents', render: (v: number) => `¥${yuan(v)}` },
              { title: t('ops.status'), dataIndex: 'status', render: (s: Order['status']) => <StatusTag status={s} /> },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
