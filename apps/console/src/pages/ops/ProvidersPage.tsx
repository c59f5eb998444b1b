import { useState } from 'react';
import { App, Button, Input, Popconfirm, Segmented, Space, Table, Tag, Typography } from 'antd';
import { errorMessage } from '../../api/errors';
import { dateTime } from '../../components/format';
import { QueryView } from '../../components/states';
import { type ProviderStatus, useDecideProvider, useProviders } from '../../hooks/local-services';
import { useCompounds } from '../../hooks/ops';
import { useI18n, usePageT } from '../../i18n/i18n';
import { messages as services } from '../resident/growth.messages';
import { messages } from './ops.messages';

const STATUSES: ProviderStatus[] = ['pending', 'approved', 'rejected', 'suspended'];

/** Local-services providers applying to join: approve, or reject with a reason the applicant sees. */
export default function ProvidersPage() {
  const { t: common, lang } = useI18n();
  const t = usePageT(messages);
  const ts = usePageT(services);
  const { message } = App.useApp();
  const [status, setStatus] = useState<ProviderStatus>('pending');
  const providers = useProviders(status);
  const compounds = useCompounds();
  const decide = useDecideProvider();
  const [reason, setReason] = useState('');
  const fail = (e: unknown) => message.error(errorMessage(e, lang));
  const compoundName = (id: string) => compounds.data?.compounds.find((c) => c.compoundId === id)?.name ?? id;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>{t('providers.title')}</Typography.Title>
      <Segmented value={status} onChange={(v) => setStatus(v as ProviderStatus)} options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))} data-testid="provider-status" />
      <QueryView query={providers} isEmpty={(d) => d.providers.length === 0} empty={t('providers.none')}>
        {(data) => (
          <Table
            size="small"
            rowKey="providerId"
            dataSource={data.providers}
            pagination={{ pageSize: 10, hideOnSinglePage: true, showTotal: (n) => common('common.total', { n }) }}
            data-testid="providers"
            columns={[
              { title: t('providers.company'), dataIndex: 'companyName' },
              { title: t('providers.contact'), dataIndex: 'contactPhone' },
              { title: t('providers.categories'), render: (_, p) => p.categories.map((c) => <Tag key={c}>{ts(`category.${c}`)}</Tag>) },
              { title: t('providers.licences'), render: (_, p) => p.licenceRefs.map((l) => `${l.kind} ${l.number}`).join('；') },
              { title: t('providers.compounds'), render: (_, p) => p.compoundIds.map(compoundName).join('、') },
              { title: t('providers.createdAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v, lang) },
              {
                title: status === 'pending' ? common('ops.actions') : t('providers.decision'),
                render: (_, p) =>
                  p.status === 'pending' ? (
                    <Space>
                      <Button size="small" type="primary" data-testid="approve-provider" onClick={() => decide.mutateAsync({ providerId: p.providerId }).then(() => message.success(common('ops.approved')), fail)}>
                        {common('ops.approve')}
                      </Button>
                      <Popconfirm
                        title={<Input placeholder={common('ops.rejectReason')} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="reject-reason" />}
                        okButtonProps={{ disabled: reason.trim().length === 0 }}
                        onConfirm={() => decide.mutateAsync({ providerId: p.providerId, reject: reason.trim() }).then(() => { setReason(''); message.success(common('ops.rejected')); }, fail)}
                      >
                        <Button size="small" danger data-testid="reject-provider">{common('ops.reject')}</Button>
                      </Popconfirm>
                    </Space>
                  ) : (
                    <span>
                      <Tag>{t(`status.${p.status}`)}</Tag>
                      {p.decisionReason ?? ''}
                      {p.decidedAt ? ` · ${dateTime(p.decidedAt, lang)}` : ''}
                    </span>
                  ),
              },
            ]}
          />
        )}
      </QueryView>
    </Space>
  );
}

