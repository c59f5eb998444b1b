import { useState } from 'react';
import { Card, Col, List, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { BarChart } from '../../components/charts';
import { percent, yuan } from '../../components/format';
import { EmptyState, QueryView } from '../../components/states';
import { useCompounds, useInsights } from '../../hooks/ops';
import { useI18n } from '../../i18n/i18n';

/** Demand insights of one compound: households, category demand, what is bought together, suggestions. */
export function InsightsPage() {
  const { t } = useI18n();
  const compounds = useCompounds();
  const [chosen, setChosen] = useState<string>();
  const compoundId = chosen ?? compounds.data?.compounds[0]?.compoundId;
  const insights = useInsights(compoundId);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Select style={{ minWidth: 240 }} value={compoundId} onChange={setChosen} options={compounds.data?.compounds.map((c) => ({ value: c.compoundId, label: c.name }))} />
      {compoundId ? (
        <QueryView query={insights}>
          {(data) => (
            <Row gutter={[16, 16]}>
              <Col xs={24} md={8}>
                <Card size="small">
                  <Statistic title={t('assets.customers')} value={data.customers} />
                  <Statistic title={t('insights.completeness')} value={percent(data.tagCompleteness)} />
                </Card>
              </Col>
              <Col xs={24} md={16}>
                <Card size="small" title={t('insights.household')}>
                  {data.household.length ? <BarChart labels={data.household.map((h) => h.tag)} values={data.household.map((h) => h.declared + h.inferred)} /> : <EmptyState />}
                </Card>
              </Col>
              <Col xs={24} md={12}>
                <Card size="small" title={t('insights.categories')}>
                  <Table
                    size="small"
                    rowKey="category"
                    pagination={{ pageSize: 8 }}
                    dataSource={data.categories}
                    columns={[
                      { title: t('ops.category'), dataIndex: 'category' },
                      { title: t('assets.orders'), dataIndex: 'orders' },
                      { title: t('assets.revenue'), dataIndex: 'revenueCents', render: (v: number) => `¥${yuan(v)}` },
                      { title: '↗', dataIndex: 'monthlyGrowth', render: (v: number | null) => percent(v) },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} md={12}>
                <Card size="small" title={t('insights.pairs')}>
                  <List
                    size="small"
                    dataSource={data.boughtTogether.slice(0, 8)}
                    locale={{ emptyText: <EmptyState /> }}
                    renderItem={(p) => (
                      <List.Item>
                        {p.antecedent.name ?? p.antecedent.itemId} → {p.consequent.name ?? p.consequent.itemId}
                        <Typography.Text type="secondary"> lift {p.lift.toFixed(2)}</Typography.Text>
                      </List.Item>
                    )}
                  />
                </Card>
              </Col>
              <Col span={24}>
                <Card size="small" title={t('insights.suggestions')}>
                  <List size="small" dataSource={data.suggestions} locale={{ emptyText: <EmptyState /> }} renderItem={(s) => <List.Item><List.Item.Meta title={s.title} description={s.evidence} /></List.Item>} />
                </Card>
              </Col>
            </Row>
          )}
        </QueryView>
      ) : (
        <EmptyState />
      )}
    </Space>
  );
}
