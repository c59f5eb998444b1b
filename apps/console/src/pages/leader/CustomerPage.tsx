import { useState } from 'react';
import { App, Button, Card, Descriptions, Input, Space, Tag, Timeline, Typography } from 'antd';
import { useParams } from 'react-router-dom';
import { errorMessage } from '../../api/errors';
import { dateTime, percent, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { useLeaderCustomer, useSaveNotes } from '../../hooks/leader-care';
import { useI18n } from '../../i18n/i18n';
import { CareDraftButton } from './CareDraftButton';

/** One customer: purchases, lifecycle, risk and value, tags (with consent), birthday, notes and interactions. */
export function CustomerPage() {
  const { userId = '' } = useParams();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const customer = useLeaderCustomer(userId);
  const save = useSaveNotes(userId);
  const [notes, setNotes] = useState<string>();
  return (
    <QueryView query={customer}>
      {(c) => (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Card title={`${t('leader.customerAssets')} · ${c.nickname ?? c.userId.slice(0, 8)}`} extra={<CareDraftButton userId={c.userId} size="middle" />}>
            <Descriptions column={{ xs: 1, md: 3 }} size="small" bordered>
              <Descriptions.Item label={t('leader.lifecycle')}>{c.stage ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('leader.churn')}>{percent(c.churnRisk)}</Descriptions.Item>
              <Descriptions.Item label={t('leader.clv')}>{c.clvCents === null ? '—' : `¥${yuan(Math.round(c.clvCents))}`}</Descriptions.Item>
              <Descriptions.Item label={t('assets.orders')}>{c.purchases.completedOrders}</Descriptions.Item>
              <Descriptions.Item label={t('assets.revenue')}>¥{yuan(c.purchases.spentCents)}</Descriptions.Item>
              <Descriptions.Item label={t('customers.birthday')}>{c.birthday ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('me.building')}>{c.building ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('customers.tier')}>{c.tier ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('insights.completeness')}>{percent(c.tagCompleteness)}</Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5} style={{ marginTop: 16 }}>{t('leader.tags')}</Typography.Title>
            {c.tags.length === 0 ? '—' : c.tags.map((tag) => <Tag key={tag.tag} color={tag.source === 'declared' ? 'blue' : 'purple'}>{tag.tag}: {String(tag.value)}</Tag>)}
          </Card>
          <Card size="small" title={t('customers.notes')}>
            <Input.TextArea rows={3} maxLength={2000} value={notes ?? c.notes} onChange={(e) => setNotes(e.target.value)} />
            <Button
              style={{ marginTop: 8 }}
              loading={save.isPending}
              disabled={notes === undefined || notes === c.notes}
              onClick={() => save.mutateAsync(notes ?? '').then(() => message.success(t('me.saved')), (e) => message.error(errorMessage(e, lang)))}
            >
              {t('me.save')}
            </Button>
          </Card>
          <Card size="small" title={t('customers.interactions')}>
            {c.interactions.length === 0 ? '—' : <Timeline items={c.interactions.map((i) => ({ content: `${dateTime(i.at, lang)} · ${i.summary}` }))} />}
          </Card>
        </Space>
      )}
    </QueryView>
  );
}
