import { useState } from 'react';
import { Card, Col, Row, Segmented, Space, Statistic, Table, Typography } from 'antd';
import { BarChart } from '../../components/charts';
import { DayRangePicker } from '../../components/LazyDayRangePicker';
import { percent } from '../../components/format';
import { QueryView } from '../../components/states';
import { type DayRange, useJourneyFunnel } from '../../hooks/growth';
import { usePageT } from '../../i18n/i18n';
import { messages } from './ops.messages';

const JOURNEYS = ['seven-day', 'ninety-day'] as const;

/** A journey's per-step conversion over the members who started it in a range of days (or ever). */
export default function FunnelPage() {
  const t = usePageT(messages);
  const [journeyId, setJourneyId] = useState<(typeof JOURNEYS)[number]>('seven-day');
  const [range, setRange] = useState<DayRange>();
  const funnel = useJourneyFunnel(journeyId, range);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('funnel.title')}</Typography.Title>
        <Segmented value={journeyId} onChange={(v) => setJourneyId(v as typeof journeyId)} options={JOURNEYS.map((j) => ({ value: j, label: t(`funnel.${j}`) }))} data-testid="funnel-journey" />
        <Typography.Text type="secondary">{t('funnel.range')}</Typography.Text>
        <DayRangePicker value={range} onChange={setRange} testId="funnel-range" />
      </Space>
      <QueryView query={funnel}>
        {(f) => (
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={6}>
              <Card size="small" title={f.title}>
                <Statistic title={t('funnel.enrolled')} value={f.enrolled} data-testid="funnel-enrolled" />
                <Typography.Text type="secondary">{f.from || f.to ? `${f.from ?? '…'} ~ ${f.to ?? '…'}` : t('funnel.allTime')}</Typography.Text>
              </Card>
            </Col>
            <Col xs={24} lg={18}>
              <Card size="small">
                {f.enrolled === 0 ? (
                  <Typography.Text type="secondary">{t('funnel.none')}</Typography.Text>
                ) : (
                  <BarChart testId="chart-funnel" labels={f.steps.map((s) => s.title.split(' ')[0] ?? s.title)} values={f.steps.map((s) => s.completed)} />
                )}
                <Table
                  size="small"
                  rowKey="stepId"
                  pagination={false}
                  dataSource={f.steps}
                  data-testid="funnel-steps"
                  columns={[
                    { title: t('funnel.step'), dataIndex: 'title' },
                    { title: t('funnel.completed'), dataIndex: 'completed' },
                    { title: t('funnel.conversion'), dataIndex: 'conversion', render: (v: number | null) => percent(v) },
                    { title: t('funnel.fromPrevious'), dataIndex: 'fromPrevious', render: (v: number | null) => percent(v) },
                    { title: t('funnel.medianDays'), dataIndex: 'medianDays', render: (v: number | null) => (v === null ? '—' : v.toFixed(1)) },
                  ]}
                />
              </Card>
            </Col>
          </Row>
        )}
      </QueryView>
    </Space>
  );
}
