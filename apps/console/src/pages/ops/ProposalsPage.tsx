import { useState } from 'react';
import { App, Button, Card, Descriptions, Form, List, Modal, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { errorMessage } from '../../api/errors';
import { dateTime, percent, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { type Proposal, useLaunchProposal, useOpenFeedbackRound, useProposalBacking, useProposals } from '../../hooks/communities';
import { useOpsCampaigns } from '../../hooks/ops';
import { useI18n, usePageT } from '../../i18n/i18n';
import { messages } from './ops.messages';

const PAGE = 8;

function LaunchDialog({ proposal, onClose }: { proposal: Proposal; onClose: () => void }) {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const campaigns = useOpsCampaigns('published', 1);
  const launch = useLaunchProposal();
  const [campaignId, setCampaignId] = useState<string>();
  const [skuIds, setSkuIds] = useState<string[]>([]);
  const campaign = campaigns.data?.campaigns.find((c) => c.campaignId === campaignId);
  return (
    <Modal
      open
      title={t('proposals.launchTitle', { title: proposal.title })}
      onCancel={onClose}
      okText={t('proposals.launch')}
      okButtonProps={{ disabled: !campaignId || skuIds.length === 0, loading: launch.isPending }}
      onOk={() =>
        launch.mutateAsync({ proposalId: proposal.proposalId, campaignId: campaignId!, skuIds }).then(
          () => {
            message.success(t('proposals.launchedOk'));
            onClose();
          },
          (e) => message.error(errorMessage(e, lang)),
        )
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('proposals.campaign')} required>
          <Select
            loading={campaigns.isPending}
            value={campaignId}
            onChange={(v) => {
              setCampaignId(v);
              setSkuIds([]);
            }}
            options={campaigns.data?.campaigns.map((c) => ({ value: c.campaignId, label: c.title }))}
          />
        </Form.Item>
        <Form.Item label={t('proposals.skus')} required>
          <Select
            mode="multiple"
            disabled={!campaign}
            value={skuIds}
            onChange={setSkuIds}
            options={campaign?.offers.filter((o) => o.skuId).map((o) => ({ value: o.skuId!, label: `${o.name}${o.spec ? ` ${o.spec}` : ''}` }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Backing({ proposalId }: { proposalId: string }) {
  const t = usePageT(messages);
  const backing = useProposalBacking(proposalId);
  return (
    <QueryView query={backing}>
      {(b) => <Typography.Text>{t('proposals.backers', { n: b.backers.length, p: b.totalPoints, w: b.votes.weighted })}</Typography.Text>}
    </QueryView>
  );
}

function Details({ proposal }: { proposal: Proposal }) {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const c = proposal.conversion;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table
        size="small"
        rowKey="round"
        pagination={false}
        dataSource={proposal.feedbackRounds}
        columns={[
          { title: '#', dataIndex: 'round', render: (n: number) => t('proposals.round', { n }) },
          { title: t('proposals.col.responses'), dataIndex: 'responses' },
          { title: t('proposals.col.taste'), dataIndex: 'meanTaste', render: (v: number | null) => (v === null ? '—' : v.toFixed(1)) },
          { title: t('proposals.col.price'), dataIndex: 'medianPriceCents', render: (v: number | null) => (v === null ? '—' : `¥${yuan(v)}`) },
          { title: t('proposals.packSizes'), dataIndex: 'packSizes', render: (v: Record<string, number>) => Object.entries(v).map(([size, n]) => `${size} × ${n}`).join('，') || '—' },
        ]}
      />
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('proposals.backing')}><Backing proposalId={proposal.proposalId} /></Descriptions.Item>
        {proposal.launchedAt ? <Descriptions.Item label={t('proposals.launched')}>{t('proposals.launchedAt', { d: dateTime(proposal.launchedAt, lang) })}</Descriptions.Item> : null}
        {c ? (
          <Descriptions.Item label={t('proposals.conversionLabel')}>
            <span data-testid="proposal-conversion">
              {t('proposals.conversion', { b: c.coCreatorBuyers, n: c.coCreators, r: percent(c.coCreatorRate), m: percent(c.memberRate), buyers: c.buyers })}
            </span>
          </Descriptions.Item>
        ) : null}
      </Descriptions>
    </Space>
  );
}

/** Co-creation proposals, most voted first: votes, feedback rounds, backing; open a feedback round, launch into a campaign. */
export default function ProposalsPage() {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const [status, setStatus] = useState<'open' | 'launched'>('open');
  const proposals = useProposals(status);
  const round = useOpenFeedbackRound();
  const [launching, setLaunching] = useState<Proposal>();
  const [expanded, setExpanded] = useState<string>();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>{t('proposals.title')}</Typography.Title>
      <Segmented value={status} onChange={(v) => setStatus(v as typeof status)} options={[{ value: 'open', label: t('proposals.open') }, { value: 'launched', label: t('proposals.launched') }]} />
      <Card size="small">
        <QueryView query={proposals} isEmpty={(d) => d.proposals.length === 0} empty={t('proposals.none')}>
          {(data) => (
            <List
              dataSource={data.proposals}
              pagination={data.proposals.length > PAGE ? { pageSize: PAGE, size: 'small' } : false}
              renderItem={(p) => (
                <List.Item data-testid="proposal" style={{ display: 'block' }}>
                  <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
                    <Space wrap>
                      <Typography.Text strong>{p.title}</Typography.Text>
                      <Tag>{t(`proposals.kind.${p.kind}`)}</Tag>
                      <Tag color="orange" data-testid="proposal-votes">{t('proposals.votes', { n: p.votes })}</Tag>
                      <Tag color="blue">{t('proposals.round', { n: p.feedback.round })} · {t('proposals.responses', { n: p.feedback.responses })}</Tag>
                    </Space>
                    <Space>
                      <Button size="small" onClick={() => setExpanded(expanded === p.proposalId ? undefined : p.proposalId)} data-testid="proposal-details">{expanded === p.proposalId ? '▲' : '▼'}</Button>
                      {p.status === 'open' ? (
                        <>
                          <Button
                            size="small"
                            loading={round.isPending}
                            onClick={() => round.mutateAsync(p.proposalId).then(() => message.success(t('proposals.roundOpened')), (e) => message.error(errorMessage(e, lang)))}
                          >
                            {t('proposals.newRound')}
                          </Button>
                          <Button size="small" type="primary" onClick={() => setLaunching(p)}>{t('proposals.launch')}</Button>
                        </>
                      ) : null}
                    </Space>
                  </Space>
                  <Typography.Paragraph type="secondary" style={{ margin: '4px 0' }}>
                    {p.description} · {t('proposals.createdAt')} {dateTime(p.createdAt, lang)}
                  </Typography.Paragraph>
                  <Typography.Text>
                    {[
                      p.feedback.meanTaste === null ? null : t('proposals.taste', { v: p.feedback.meanTaste.toFixed(1) }),
                      p.feedback.medianPriceCents === null ? null : t('proposals.price', { v: yuan(p.feedback.medianPriceCents) }),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Typography.Text>
                  {expanded === p.proposalId ? <Details proposal={p} /> : null}
                </List.Item>
              )}
            />
          )}
        </QueryView>
      </Card>
      {launching ? <LaunchDialog proposal={launching} onClose={() => setLaunching(undefined)} /> : null}
    </Space>
  );
}
