import { useState } from 'react';
import { Button, Input, Space, Table, Tag } from 'antd';
import { Link } from 'react-router-dom';
import { dateTime, percent, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { useLeaderCustomers } from '../../hooks/leader-care';
import { useI18n } from '../../i18n/i18n';

const RISK_COLOR = { low: 'green', medium: 'gold', high: 'red' } as const;

/** The leader's customers (residents bound to their points): stage, risk, value, tier, last order. */
export function CustomersPage() {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const customers = useLeaderCustomers(cursors[cursors.length - 1], q);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input.Search allowClear placeholder={t('customers.search')} onSearch={(v) => { setQ(v.trim()); setCursors([undefined]); }} style={{ maxWidth: 320 }} />
      <QueryView query={customers}>
        {(data) => (
          <>
            <Table
              size="small"
              rowKey="userId"
              dataSource={data.customers}
              pagination={false}
              data-testid="customers"
              columns={[
                { title: t('leader.resident'), render: (_, c) => <Link to={`/leader/customers/${c.userId}`}>{c.nickname ?? c.userId.slice(0, 8)}</Link> },
                { title: t('leader.lifecycle'), dataIndex: 'stage', render: (v: string | null) => v ?? '—' },
                { title: t('leader.churn'), render: (_, c) => (c.riskBand ? <Tag color={RISK_COLOR[c.riskBand]}>{percent(c.churnRisk)}</Tag> : '—') },
                { title: t('leader.clv'), dataIndex: 'clvCents', render: (v: number | null) => (v === null ? '—' : `¥${yuan(Math.round(v))}`) },
                { title: t('assets.orders'), dataIndex: 'completedOrders' },
                { title: t('assets.revenue'), dataIndex: 'spentCents', render: (v: number) => `¥${yuan(v)}` },
                { title: t('customers.lastOrder'), dataIndex: 'lastOrderAt', render: (v: string | null) => (v ? dateTime(v, lang) : '—') },
              ]}
            />
            <Space style={{ marginTop: 8 }}>
              <Button size="small" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>‹</Button>
              <Button size="small" disabled={!data.nextAfter} onClick={() => setCursors((c) => [...c, data.nextAfter ?? undefined])}>›</Button>
            </Space>
          </>
        )}
      </QueryView>
    </Space>
  );
}
