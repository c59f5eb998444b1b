import { useState } from 'react';
import { Card, Descriptions, Input, Space, Table, Tag } from 'antd';
import { dateTime, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { useSettlement } from '../../hooks/leader-care';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';

const lastMonth = () => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
};

/** A month's settlement statement with its lines and how each was reached. */
export function SettlementPage() {
  const { t, lang } = useI18n();
  const [month, setMonth] = useState(lastMonth);
  const statement = useSettlement(month);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} style={{ maxWidth: 200 }} data-testid="settlement-month" />
      <QueryView query={statement}>
        {(s) => (
          <Card size="small" title={`${t('settlement.title')} ${s.month}`} extra={<Tag>{t(`settlement.status.${s.status}` as MessageKey)}</Tag>}>
            <Descriptions size="small" column={{ xs: 1, md: 3 }}>
              <Descriptions.Item label={t('settlement.total')}>¥{yuan(s.totalCents)}</Descriptions.Item>
              <Descriptions.Item label={t('dashboard.score')}>{s.score} · {s.level.name}</Descriptions.Item>
              <Descriptions.Item label={t('settlement.issuedAt')}>{dateTime(s.issuedAt, lang)}</Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              rowKey="lineId"
              pagination={false}
              dataSource={s.lines}
              columns={[
                { title: t('settlement.line'), dataIndex: 'kind', render: (k: string) => t(`settlement.kind.${k}` as MessageKey) },
                { title: t('settlement.explanation'), dataIndex: 'explanation' },
                { title: t('review.amount'), dataIndex: 'amountCents', render: (v: number) => `¥${yuan(v)}` },
              ]}
            />
          </Card>
        )}
      </QueryView>
    </Space>
  );
}
