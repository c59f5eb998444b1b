import { useState } from 'react';
import { App, Button, Segmented, Space, Table } from 'antd';
import { errorMessage } from '../../api/errors';
import { dateTime } from '../../components/format';
import { QueryView } from '../../components/states';
import { OPS_PAGE_SIZE, useOpsCampaigns, usePublishCampaign, useShipCampaign } from '../../hooks/ops';
import { useI18n } from '../../i18n/i18n';
import { CreateCampaign } from './CreateCampaign';

const STATUSES = ['published', 'draft', 'closing', 'closed', 'cancelled'] as const;

export function CampaignsPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('published');
  const [page, setPage] = useState(1);
  const campaigns = useOpsCampaigns(status, page);
  const publish = usePublishCampaign();
  const ship = useShipCampaign();
  const fail = (e: unknown) => message.error(errorMessage(e, lang));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <CreateCampaign />
        <Segmented value={status} onChange={(v) => { setStatus(v as typeof status); setPage(1); }} options={STATUSES.map((s) => ({ value: s, label: t(`campaignStatus.${s}`) }))} />
      </Space>
      <QueryView query={campaigns}>
        {(data) => (
          <Table
            size="small"
            rowKey="campaignId"
            dataSource={data.campaigns}
            pagination={{ current: page, pageSize: OPS_PAGE_SIZE, onChange: setPage, total: data.campaigns.length < OPS_PAGE_SIZE ? (page - 1) * OPS_PAGE_SIZE + data.campaigns.length : page * OPS_PAGE_SIZE + 1 }}
            columns={[
              { title: t('ops.title'), dataIndex: 'title' },
              { title: t('ops.cutoff'), dataIndex: 'cutoffAt', render: (v: string) => dateTime(v, lang) },
              { title: t('ops.deliveryDate'), dataIndex: 'deliveryDate' },
              { title: t('ops.offers'), render: (_, c) => c.offers.length },
              {
                title: t('ops.actions'),
                render: (_, c) => (
                  <Space>
                    {c.status === 'draft' ? <Button size="small" onClick={() => publish.mutateAsync(c.campaignId).then(() => message.success(t('ops.published')), fail)}>{t('ops.publish')}</Button> : null}
                    {c.status === 'closing' || c.status === 'closed' ? (
                      <Button size="small" onClick={() => ship.mutateAsync(c.campaignId).then((r) => message.success(t('ops.shipped', { n: r.shippedOrders })), fail)}>{t('ops.ship')}</Button>
                    ) : null}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </Space>
  );
}
