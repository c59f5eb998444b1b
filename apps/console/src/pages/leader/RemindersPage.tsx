import { App, Button, Card, List, Space, Tag, Typography } from 'antd';
import { errorMessage } from '../../api/errors';
import { dateTime } from '../../components/format';
import { QueryView } from '../../components/states';
import { useCloseReminder, useReminders } from '../../hooks/leader-care';
import { useI18n } from '../../i18n/i18n';

/** Open reminders (the leader's and accepted proposals) and those the system proposes. */
export function RemindersPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const reminders = useReminders();
  const close = useCloseReminder();
  const fail = (e: unknown) => message.error(errorMessage(e, lang));
  return (
    <QueryView query={reminders}>
      {(data) => (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Card size="small" title={t('reminders.open')}>
            <List
              dataSource={data.reminders}
              locale={{ emptyText: t('state.empty') }}
              renderItem={(r) => (
                <List.Item
                  actions={[
                    <Button key="d" size="small" onClick={() => close.mutateAsync({ reminderId: r.reminderId, status: 'done' }).catch(fail)}>{t('reminders.done')}</Button>,
                    <Button key="x" size="small" type="text" onClick={() => close.mutateAsync({ reminderId: r.reminderId, status: 'dismissed' }).catch(fail)}>{t('reminders.dismiss')}</Button>,
                  ]}
                >
                  <List.Item.Meta title={<Space><Tag>{r.kind}</Tag>{r.text}</Space>} description={dateTime(r.dueAt, lang)} />
                </List.Item>
              )}
            />
          </Card>
          <Card size="small" title={t('reminders.proposed')}>
            <List
              dataSource={data.proposed}
              locale={{ emptyText: t('state.empty') }}
              renderItem={(r) => (
                <List.Item>
                  <List.Item.Meta title={<Space><Tag>{r.kind}</Tag>{r.text}</Space>} description={<Typography.Text type="secondary">{dateTime(r.dueAt, lang)}</Typography.Text>} />
                </List.Item>
              )}
            />
          </Card>
        </Space>
      )}
    </QueryView>
  );
}
