import { Card, Col, List, Row, Statistic, Tag, Typography } from 'antd';
import { AssetDashboard } from '../../components/AssetDashboard';
import { percent, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { useLeaderDashboard } from '../../hooks/leader-care';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { usePoint } from './LeaderApp';

/** The leader's month so far (repurchase, active rate, NPS, income and forecast), then the point's asset metrics. */
export default function DashboardPage() {
  const { t } = useI18n();
  const pointId = usePoint();
  const dashboard = useLeaderDashboard();
  return (
    <>
      <QueryView query={dashboard}>
        {(d) => (
          <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="leader-dashboard">
            <Col xs={24} lg={14}>
              <Card size="small" title={`${t('dashboard.month')} ${d.month}`} extra={<Tag color="orange">{d.level.name} · {t('dashboard.score')} {d.score}</Tag>}>
                <Row gutter={8}>
                  <Col span={8}><Statistic title={t('assets.customers')} value={d.customers} /></Col>
                  <Col span={8}><Statistic title={t('dashboard.activeRate')} value={percent(d.activeRate)} /></Col>
                  <Col span={8}><Statistic title={t('assets.repurchase')} value={percent(d.repurchaseRate)} /></Col>
                  <Col span={8}><Statistic title={t('assets.nps')} value={d.nps ?? '—'} /></Col>
                  <Col span={8}><Statistic title={t('assets.ltvMean')} value={d.averageClvCents === null ? '—' : `¥${yuan(Math.round(d.averageClvCents))}`} /></Col>
                  <Col span={8}><Statistic title={t('insights.completeness')} value={percent(d.tagCompleteness)} /></Col>
                </Row>
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card size="small" title={t('dashboard.income')}>
                <Row gutter={8}>
                  <Col span={12}><Statistic title={t('dashboard.soFar')} value={`¥${yuan(d.income.soFarCents)}`} /></Col>
                  <Col span={12}><Statistic title={t('dashboard.forecast')} value={`¥${yuan(d.income.forecastCents)}`} /></Col>
                </Row>
                <List
                  size="small"
                  dataSource={d.income.lines}
                  renderItem={(line) => (
                    <List.Item>
                      <Typography.Text>{t(`settlement.kind.${line.kind}` as MessageKey)}</Typography.Text>
                      <Typography.Text strong>¥{yuan(line.amountCents)}</Typography.Text>
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
          </Row>
        )}
      </QueryView>
      <AssetDashboard scope={{ pickupPointId: pointId }} />
    </>
  );
}
