import { Badge, Card, List, Typography } from 'antd';
import { dateTime } from '../../components/format';
import { QueryView } from '../../components/states';
import { useInbox, useMarkRead } from '../../hooks/leader-care';
import { useI18n } from '../../i18n/i18n';

/** The resident's in-app inbox (care messages from their leader); opening one marks it read. */
export function InboxCard() {
  const { t, lang } = useI18n();
  const inbox = useInbox();
  const read = useMarkRead();
  return (
    <Card size="small" title={<span>{t('inbox.title')} {inbox.data?.unread ? <Badge count={inbox.data.unread} /> : null}</span>} data-testid="inbox">
      <QueryView query={inbox} isEmpty={(d) => d.messages.length === 0} empty={t('inbox.empty')}>
        {(data) => (
          <List
            size="small"
            dataSource={data.messages}
            renderItem={(m) => (
              <List.Item onClick={() => (m.read ? undefined : read.mutate(m.messageId))} style={{ cursor: m.read ? 'default' : 'pointer' }} data-testid="inbox-message">
                <List.Item.Meta
                  title={<Typography.Text strong={!m.read}>{m.title}</Typography.Text>}
                  description={
                    <>
                      <Typography.Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}>{m.body}</Typography.Paragraph>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{dateTime(m.createdAt, lang)}</Typography.Text>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </QueryView>
    </Card>
  );
}
