import { useState } from 'react';
import { App, Button, Card, List, Segmented, Space, Tag, Typography } from 'antd';
import { errorMessage } from '../../api/errors';
import { dateTime } from '../../components/format';
import { QueryView } from '../../components/states';
import { useApproveDraft, useDrafts, useSendDraft, useSentMessages } from '../../hooks/leader-care';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';

/** Care messages: drafts to approve, approved ones to send (in-app inbox), and what was sent. */
export function CarePage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<'draft' | 'approved' | 'sent'>('draft');
  const drafts = useDrafts(status);
  const sent = useSentMessages();
  const approve = useApproveDraft();
  const send = useSendDraft();
  const fail = (e: unknown) => message.error(errorMessage(e, lang));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Segmented
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
        options={[
          { value: 'draft', label: t('care.status.draft') },
          { value: 'approved', label: t('care.status.approved') },
          { value: 'sent', label: t('care.status.sent') },
        ]}
      />
      <QueryView query={drafts} isEmpty={(d) => d.drafts.length === 0} empty={t('care.empty')}>
        {(data) => (
          <List
            data-testid="drafts"
            dataSource={data.drafts}
            pagination={{ pageSize: 10, size: 'small' }}
            renderItem={(d) => (
              <List.Item
                data-testid="draft"
                actions={[
                  d.status === 'draft' ? (
                    <Button key="a" size="small" onClick={() => approve.mutateAsync(d.draftId).then(() => message.success(t('care.approvedDone')), fail)} data-testid="approve-draft">{t('ops.approve')}</Button>
                  ) : null,
                  d.status === 'approved' ? (
                    <Button key="s" size="small" type="primary" onClick={() => send.mutateAsync(d.draftId).then(() => message.success(t('care.sentDone')), fail)} data-testid="send-draft">{t('care.send')}</Button>
                  ) : null,
                ].filter(Boolean)}
              >
                <List.Item.Meta
                  title={
                    <Space>
                      <Tag>{t(`care.kind.${d.kind}` as MessageKey)}</Tag>
                      <Typography.Text type="secondary">{d.userId.slice(0, 8)} · {dateTime(d.createdAt, lang)}</Typography.Text>
                    </Space>
                  }
                  description={<Typography.Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}>{d.text}</Typography.Paragraph>}
                />
              </List.Item>
            )}
          />
        )}
      </QueryView>
      <Card size="small" title={t('care.sentMessages')}>
        <QueryView query={sent} isEmpty={(d) => d.messages.length === 0}>
          {(data) => (
            <List
              size="small"
              dataSource={data.messages}
              pagination={{ pageSize: 10, size: 'small' }}
              renderItem={(m) => (
                <List.Item data-testid="sent-message">
                  <List.Item.Meta title={m.title} description={m.body} />
                  <Space direction="vertical" align="end">
                    <Tag color={m.deliveryStatus === 'delivered' ? 'green' : m.deliveryStatus === 'failed' ? 'red' : 'gold'}>{t(`care.delivery.${m.deliveryStatus}` as MessageKey)}</Tag>
                    {m.readAt ? <Typography.Text type="secondary">{t('care.read')}</Typography.Text> : null}
                  </Space>
                </List.Item>
              )}
            />
          )}
        </QueryView>
      </Card>
    </Space>
  );
}
