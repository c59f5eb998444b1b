import { List, Tag, Typography } from 'antd';
import { QueryView } from '../../components/states';
import { useRecommendations } from '../../hooks/resident';
import { useI18n } from '../../i18n/i18n';

export function ForYouPage() {
  const { t } = useI18n();
  const recommendations = useRecommendations();
  return (
    <>
      <Typography.Title level={4}>{t('reco.title')}</Typography.Title>
      <QueryView query={recommendations} isEmpty={(d) => d.items.length === 0}>
        {(data) => (
          <>
            <Typography.Paragraph type="secondary">{data.personalised ? t('reco.personalised') : t('reco.popular')}</Typography.Paragraph>
            <List
              dataSource={data.items}
              renderItem={(item) => (
                <List.Item data-testid="recommendation">
                  <List.Item.Meta title={item.name ?? item.itemId} description={<span data-testid="reason">{item.reason.text}</span>} />
                  <Tag>{item.reason.kind.replace(/_/g, ' ')}</Tag>
                </List.Item>
              )}
            />
          </>
        )}
      </QueryView>
    </>
  );
}
