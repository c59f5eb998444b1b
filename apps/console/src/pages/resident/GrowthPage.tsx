import { Card, Col, List, Progress, Row, Space, Statistic, Steps, Tag, Typography } from 'antd';
import { dateTime } from '../../components/format';
import { QueryView } from '../../components/states';
import { useMyBadges, useMyJourney, useMyTier, usePointsStatement } from '../../hooks/growth';
import { usePageT, useI18n } from '../../i18n/i18n';
import { messages } from './growth.messages';

const PAGE = 8;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function PointsCard() {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const points = usePointsStatement();
  return (
    <Card size="small" title={t('growth.points')} data-testid="points">
      <QueryView query={points}>
        {(data) => (
          <>
            <Row gutter={8}>
              <Col span={12}><Statistic title={t('growth.balance')} value={data.balance} data-testid="points-balance" /></Col>
              <Col span={12}><Statistic title={t('growth.held')} value={data.held} /></Col>
            </Row>
            <Typography.Text strong style={{ display: 'block', marginTop: 12 }}>{t('growth.statement')}</Typography.Text>
            <List
              size="small"
              dataSource={data.entries}
              locale={{ emptyText: t('growth.noEntries') }}
              pagination={data.entries.length > PAGE ? { pageSize: PAGE, size: 'small' } : false}
              renderItem={(e) => (
                <List.Item
                  data-testid="points-entry"
                  extra={
                    <span style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
                      <Typography.Text strong type={e.delta < 0 ? 'danger' : 'success'}>{signed(e.delta)}</Typography.Text>
                      {e.heldDelta !== 0 ? <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('growth.heldDelta', { n: signed(e.heldDelta) })}</Typography.Text></div> : null}
                    </span>
                  }
                >
                  <List.Item.Meta
                    title={<Space size={4}><Tag>{t(`entry.${e.kind}`)}</Tag>{e.description}</Space>}
                    description={`${dateTime(e.at, lang)}${e.expiresAt ? ` · ${t('growth.expires', { d: dateTime(e.expiresAt, lang) })}` : ''}`}
                  />
                </List.Item>
              )}
            />
          </>
        )}
      </QueryView>
    </Card>
  );
}

function TierCard() {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const tier = useMyTier();
  return (
    <Card size="small" title={t('growth.tier')} data-testid="tier">
      <QueryView query={tier}>
        {(data) => {
          const next = data.progress.next;
          return (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Typography.Title level={4} style={{ margin: 0 }} data-testid="tier-name">{data.tierName}</Typography.Title>
                <Typography.Text type="secondary">{t('growth.since', { d: dateTime(data.since, lang) })}</Typography.Text>
              </Space>
              <Typography.Text>{t('growth.score', { days: data.progress.windowDays, score: data.progress.score })}</Typography.Text>
              {next ? (
                <>
                  <Progress percent={Math.min(100, Math.round((data.progress.score / Math.max(1, next.minScore)) * 100))} size="small" />
                  <Typography.Text type="secondary">{t('growth.next', { tier: next.tierName })}</Typography.Text>
                  {next.missing.map((m) => (
                    <div key={m.requirement}>
                      <Typography.Text>{m.requirement}</Typography.Text>
                      <Progress percent={Math.min(100, Math.round((m.have / Math.max(1, m.need)) * 100))} format={() => `${m.have}/${m.need}`} size="small" />
                    </div>
                  ))}
                </>
              ) : (
                <Tag color="gold">{t('growth.top')}</Tag>
              )}
              <Space wrap size={4}>
                <Typography.Text type="secondary">{t('growth.perks')}:</Typography.Text>
                <Tag>{t('growth.multiplier', { x: data.perks.pointsMultiplier })}</Tag>
                <Tag>{t('growth.voteWeight', { n: data.perks.voteWeight })}</Tag>
                {data.perks.earlyAccessHours > 0 ? <Tag>{t('growth.earlyAccess', { n: data.perks.earlyAccessHours })}</Tag> : null}
                {data.perks.canBackProposals ? <Tag>{t('growth.canBack')}</Tag> : null}
              </Space>
            </Space>
          );
        }}
      </QueryView>
    </Card>
  );
}

function JourneyCard() {
  const t = usePageT(messages);
  const journey = useMyJourney();
  return (
    <Card size="small" title={t('growth.journey')} data-testid="journey">
      <QueryView query={journey} isEmpty={(d) => d.journeys.length === 0} empty={t('growth.noJourney')}>
        {(data) => (
          <Space direction="vertical" style={{ width: '100%' }} size="large">
            {data.journeys.map((j) => {
              const done = j.steps.filter((s) => s.completedAt).length;
              return (
                <div key={j.journeyId} data-testid="journey-plan">
                  <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                    <Typography.Text strong>{j.title}</Typography.Text>
                    <Tag color={j.completed ? 'green' : 'blue'}>{j.completed ? t('growth.journeyDone') : t('growth.day', { n: j.day })}</Tag>
                  </Space>
                  <Progress percent={Math.round((done / Math.max(1, j.steps.length)) * 100)} format={() => `${done}/${j.steps.length}`} size="small" />
                  <Steps
                    direction="vertical"
                    size="small"
                    current={-1}
                    items={j.steps.map((s) => ({
                      title: s.title,
                      status: s.completedAt ? 'finish' : 'wait',
                      description: `${s.completedAt ? t('growth.done') : t('growth.todo')} · ${t('growth.dueDay', { n: s.dueDay })}`,
                    }))}
                  />
                </div>
              );
            })}
          </Space>
        )}
      </QueryView>
    </Card>
  );
}

function BadgesCard() {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const badges = useMyBadges();
  return (
    <Card size="small" title={t('growth.badges')} data-testid="badges">
      <QueryView query={badges} isEmpty={(d) => d.badges.length === 0} empty={t('growth.noBadges')}>
        {(data) => (
          <List
            size="small"
            dataSource={data.badges}
            pagination={data.badges.length > PAGE ? { pageSize: PAGE, size: 'small' } : false}
            renderItem={(b) => (
              <List.Item>
                <List.Item.Meta title={<Tag color="gold">{b.title}</Tag>} description={`${b.description} · ${dateTime(b.awardedAt, lang)}`} />
              </List.Item>
            )}
          />
        )}
      </QueryView>
    </Card>
  );
}

/** Points balance and statement, tier with its progress and perks, the journeys' steps and the badges. */
export default function GrowthPage() {
  const t = usePageT(messages);
  return (
    <>
      <Typography.Title level={4}>{t('growth.title')}</Typography.Title>
      <Space direction="vertical" style={{ width: '100%' }}>
        <TierCard />
        <PointsCard />
        <JourneyCard />
        <BadgesCard />
      </Space>
    </>
  );
}
