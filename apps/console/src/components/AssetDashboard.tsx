import { Button, Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { type AssetScope, useAssetMetrics } from '../hooks/ops';
import { useI18n } from '../i18n/i18n';
import { BarChart, LineChart } from './charts';
import { percent, yuan } from './format';
import { QueryView } from './states';

/** The asset pool in one picture: data, relationship and value assets now and over the last 8 weeks. */
export function AssetDashboard({ scope, range }: { scope: AssetScope; range?: { from: string; to: string } }) {
  const { t } = useI18n();
  const { summary, weeks, weekly } = useAssetMetrics(scope, range);
  const labels = weeks.map((w) => w.to.slice(5));
  const series = (pick: (m: NonNullable<(typeof weekly)[number]['data']>) => number | null) => weekly.map((q) => (q.data ? pick(q.data) : null));
  return (
    <QueryView query={summary}>
      {(m) => (
        <Row gutter={[16, 16]}>
          <Col span={24}>
            <Typography.Text type="secondary" data-testid="metrics-range">{t('assets.rangeShown', { from: m.from.slice(0, 10), to: m.to.slice(0, 10) })}</Typography.Text>
          </Col>
          <Col xs={24} lg={8}>
            <Card title={t('assets.data')} size="small">
              <Row gutter={8}>
                <Col span={12}><Statistic title={t('assets.customers')} value={m.customers} data-testid="metric-customers" /></Col>
                <Col span={12}><Statistic title={t('assets.orders')} value={m.orders} data-testid="metric-orders" /></Col>
              </Row>
            </Card>
          </Col>
          <Col xs={24} lg={8}>
            <Card title={t('assets.relationship')} size="small">
              <Row gutter={8}>
                <Col span={12}><Statistic title={t('assets.repurchase')} value={percent(m.repurchaseRate)} /></Col>
                <Col span={12}><Statistic title={t('assets.crossPurchase')} value={percent(m.crossPurchaseRate)} /></Col>
                <Col span={12}><Statistic title={t('assets.nps')} value={m.nps.value ?? '—'} /></Col>
                <Col span={12}><Statistic title={t('assets.kFactor')} value={m.kFactor.value ?? '—'} /></Col>
              </Row>
            </Card>
          </Col>
          <Col xs={24} lg={8}>
            <Card title={t('assets.value')} size="small">
              <Row gutter={8}>
                <Col span={12}><Statistic title={t('assets.revenue')} value={`¥${yuan(m.revenueCents)}`} data-testid="metric-revenue" /></Col>
                <Col span={12}><Statistic title={t('assets.arpu')} value={m.arpuCents === null ? '—' : `¥${yuan(Math.round(m.arpuCents))}`} /></Col>
                <Col span={12}><Statistic title={t('assets.ltvMean')} value={m.ltv.meanCents === null ? '—' : `¥${yuan(Math.round(m.ltv.meanCents))}`} /></Col>
              </Row>
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('assets.weekly')} size="small">
              <LineChart
                testId="chart-weekly"
                labels={labels}
                series={[
                  { name: t('assets.orders'), values: series((w) => w.orders) },
                  { name: t('assets.customers'), values: series((w) => w.customers) },
                ]}
                format={(v) => String(Math.round(v))}
              />
              <LineChart labels={labels} series={[{ name: t('assets.revenue'), values: series((w) => w.revenueCents / 100) }]} format={(v) => `¥${Math.round(v)}`} />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('assets.ltvHistogram')} size="small">
              {m.ltv.histogram.length ? (
                <BarChart
                  testId="chart-ltv"
                  labels={m.ltv.histogram.map((b) => `¥${Math.round(b.fromCents / 100)}${b.toCents === null ? '+' : ''}`)}
                  values={m.ltv.histogram.map((b) => b.customers)}
                />
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              )}
            </Card>
          </Col>
          <Col span={24}>
            <Card title={t('assets.cohorts')} size="small">
              <Table
                size="small"
                rowKey="cohort"
                pagination={false}
                dataSource={m.cohorts}
                columns={[
                  { title: t('assets.cohort'), dataIndex: 'cohort' },
                  { title: t('assets.size'), dataIndex: 'size' },
                  ...Array.from({ length: Math.max(0, ...m.cohorts.map((c) => c.retention.length)) }, (_, i) => ({
                    title: `M${i}`,
                    key: `m${i}`,
                    render: (_: unknown, c: (typeof m.cohorts)[number]) => percent(c.retention[i]),
                  })),
                ]}
              />
              {m.notes.length ? (
                <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                  {t('assets.notes')}: {m.notes.join(' · ')}
                </Typography.Paragraph>
              ) : null}
            </Card>
          </Col>
        </Row>
      )}
    </QueryView>
  );
}

export function RefreshAssetsButton({ onClick, loading }: { onClick: () => void; loading: boolean }) {
  const { t } = useI18n();
  return <Button onClick={onClick} loading={loading} data-testid="refresh-assets">{t('assets.refresh')}</Button>;
}
