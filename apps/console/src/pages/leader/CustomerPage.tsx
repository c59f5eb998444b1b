import { Card, Descriptions, Tag, Typography } from 'antd';
import { useParams } from 'react-router-dom';
import { percent, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { useCustomerAssets } from '../../hooks/leader';
import { useI18n } from '../../i18n/i18n';

/** One customer of the point: RFM, lifecycle, predicted value and tags (inferred tags only with consent). */
export function CustomerPage() {
  const { userId } = useParams();
  const { t } = useI18n();
  const assets = useCustomerAssets(userId);
  return (
    <Card title={`${t('leader.customerAssets')} · ${userId?.slice(0, 8)}`}>
      <QueryView query={assets}>
        {(data) => (
          <>
            <Descriptions column={{ xs: 1, md: 3 }} size="small" bordered>
              <Descriptions.Item label="R / F / M">{data.rfm ? `${data.rfm.R} / ${data.rfm.F} / ${data.rfm.M}` : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('leader.lifecycle')}>{data.lifecycle?.stage ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('leader.clv')}>{data.predictions?.clvCents != null ? `¥${yuan(Math.round(data.predictions.clvCents))}` : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('leader.churn')}>{percent(data.predictions?.churnRisk)}</Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5} style={{ marginTop: 16 }}>{t('leader.tags')}</Typography.Title>
            {data.tags.length === 0 ? '—' : data.tags.map((tag) => <Tag key={tag.tag} color={tag.source === 'declared' ? 'blue' : 'purple'}>{tag.tag}: {String(tag.value)}</Tag>)}
          </>
        )}
      </QueryView>
    </Card>
  );
}
