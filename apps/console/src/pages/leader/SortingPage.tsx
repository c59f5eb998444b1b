import { useState } from 'react';
import { App, Button, Card, Select, Space, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/errors';
import { EmptyState, QueryView } from '../../components/states';
import { sortingListCsv, useConfirmReceipt, usePointCampaigns, useSortingList, type SortingList } from '../../hooks/leader';
import { useI18n } from '../../i18n/i18n';
import { usePoint } from './LeaderApp';

/** Who gets what at the point for one campaign; confirm the delivery arrived. */
export function SortingPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const pointId = usePoint();
  const campaigns = usePointCampaigns(pointId);
  const [chosen, setChosen] = useState<string>();
  const campaignId = chosen ?? campaigns.data?.[0]?.campaignId;
  const list = useSortingList(pointId, campaignId);
  const receipt = useConfirmReceipt(pointId);

  const confirm = async () => {
    try {
      const result = await receipt.mutateAsync(campaignId!);
      message.success(t('leader.received', { n: result.receivedOrders }));
    } catch (error) {
      message.error(errorMessage(error, lang));
    }
  };
  const csv = async () => {
    try {
      const text = await sortingListCsv(pointId!, campaignId!);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `sorting-${campaignId}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (error) {
      message.error(errorMessage(error, lang));
    }
  };

  return (
    <QueryView query={campaigns} isEmpty={(d) => d.length === 0}>
      {(data) => (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Typography.Text>{t('leader.campaign')}</Typography.Text>
            <Select
              style={{ minWidth: 320 }}
              value={campaignId}
              onChange={setChosen}
              placeholder={t('leader.pickCampaign')}
              options={data.map((c) => ({ value: c.campaignId, label: `${c.title} · ${c.deliveryDate}` }))}
              data-testid="campaign-select"
            />
            <Button onClick={() => void confirm()} loading={receipt.isPending} data-testid="confirm-receipt">{t('leader.confirmReceipt')}</Button>
            <Button onClick={() => void csv()}>{t('leader.downloadCsv')}</Button>
          </Space>
          <QueryView query={list}>
            {(sorting) =>
              sorting.residents.length === 0 ? (
                <EmptyState />
              ) : (
                <>
                  <Table
                    size="small"
                    rowKey="userId"
                    dataSource={sorting.residents}
                    pagination={{ pageSize: 20 }}
                    data-testid="sorting-list"
                    columns={[
                      {
                        title: t('leader.resident'),
                        dataIndex: 'userId',
                        render: (userId: string, row) => (
                          <Space direction="vertical" size={0}>
                            <Link to={`/leader/customers/${userId}`}>{userId.slice(0, 8)}</Link>
                            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="sorting-order">{row.orderIds.map((id) => id.slice(0, 8)).join(', ')}</Typography.Text>
                          </Space>
                        ),
                      },
                      {
                        title: t('leader.items'),
                        dataIndex: 'items',
                        render: (items: SortingList['residents'][number]['items']) => items.map((i) => `${i.name} ${i.spec} × ${i.quantity}`).join('；'),
                      },
                    ]}
                  />
                  <Card size="small" title={t('leader.totals')}>
                    <Table
                      size="small"
                      rowKey="skuId"
                      pagination={false}
                      dataSource={sorting.totals}
                      columns={[
                        { title: t('leader.items'), render: (_, row) => `${row.name} ${row.spec}` },
                        { title: t('leader.quantity'), dataIndex: 'quantity', width: 100 },
                      ]}
                    />
                  </Card>
                </>
              )
            }
          </QueryView>
        </Space>
      )}
    </QueryView>
  );
}
