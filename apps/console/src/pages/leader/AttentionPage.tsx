import { List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { QueryView } from '../../components/states';
import { useAttention } from '../../hooks/leader-care';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { CareDraftButton } from './CareDraftButton';

const COLOR: Record<string, string> = { 'at-risk': 'red', 'replenishment-due': 'blue', birthday: 'magenta', festival: 'gold', 'journey-stuck': 'purple', 'pickup-waiting': 'green' };

/** Who needs the leader today: at risk, replenishment due, birthdays and festivals ahead, stuck journeys, pickups waiting. */
export function AttentionPage() {
  const { t } = useI18n();
  const attention = useAttention();
  return (
    <QueryView query={attention} isEmpty={(d) => d.items.length === 0} empty={t('attention.empty')}>
      {(data) => (
        <List
          data-testid="attention-list"
          header={<Typography.Text type="secondary">{t('attention.asOf', { d: data.asOf })}</Typography.Text>}
          dataSource={data.items}
          pagination={{ pageSize: 15, size: 'small' }}
          renderItem={(item, i) => (
            <List.Item key={i} actions={item.userId ? [<CareDraftButton key="draft" userId={item.userId} />] : []}>
              <List.Item.Meta
                title={
                  <Space>
                    <Tag color={COLOR[item.kind]}>{t(`attention.kind.${item.kind}` as MessageKey)}</Tag>
                    {item.userId ? <Link to={`/leader/customers/${item.userId}`}>{item.nickname ?? item.userId.slice(0, 8)}</Link> : null}
                    {item.date ? <Typography.Text type="secondary">{item.date}</Typography.Text> : null}
                  </Space>
                }
                description={item.reason}
              />
            </List.Item>
          )}
        />
      )}
    </QueryView>
  );
}
