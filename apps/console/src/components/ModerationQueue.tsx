import { useState } from 'react';
import { App, Button, Form, Input, InputNumber, List, Modal, Space, Tag, Typography } from 'antd';
import { errorMessage } from '../api/errors';
import { useBanMember, useModerationQueue, useModeratePost } from '../hooks/communities';
import { useI18n, usePageT } from '../i18n/i18n';
import { dateTime } from './format';
import { QueryView } from './states';
import { messages } from './moderation.messages';

const DAY_MS = 86_400_000;

function BanDialog({ communityId, userId, name, onClose }: { communityId: string; userId: string; name: string; onClose: () => void }) {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const ban = useBanMember(communityId);
  const [days, setDays] = useState(7);
  const [reason, setReason] = useState('');
  return (
    <Modal
      open
      title={t('moderation.banTitle', { name })}
      onCancel={onClose}
      okButtonProps={{ disabled: reason.trim().length === 0, danger: true, loading: ban.isPending }}
      okText={t('moderation.ban')}
      onOk={() =>
        ban.mutateAsync({ userId, until: new Date(Date.now() + days * DAY_MS).toISOString(), reason: reason.trim() }).then(
          (b) => {
            message.success(t('moderation.banned', { d: dateTime(b.until, lang) }));
            onClose();
          },
          (e) => message.error(errorMessage(e, lang)),
        )
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('moderation.banDays')}>
          <InputNumber min={1} max={365} value={days} onChange={(v) => setDays(v ?? 1)} />
        </Form.Item>
        <Form.Item label={t('moderation.banReason')} required>
          <Input maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A community's reported posts, most reported first: hide or keep (either resolves the reports), ban the author. */
export function ModerationQueue({ communityId }: { communityId: string }) {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const queue = useModerationQueue(communityId);
  const moderate = useModeratePost();
  const [note, setNote] = useState('');
  const [banning, setBanning] = useState<{ userId: string; name: string }>();
  const fail = (e: unknown) => message.error(errorMessage(e, lang));
  const act = (postId: string, action: 'hide' | 'restore') =>
    moderate.mutateAsync({ postId, action, reason: note.trim() || undefined }).then(() => {
      setNote('');
      message.success(t(action === 'hide' ? 'moderation.hidden' : 'moderation.kept'));
    }, fail);
  return (
    <>
      <Input style={{ maxWidth: 420, marginBottom: 8 }} placeholder={t('moderation.reasonOptional')} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
      <QueryView query={queue} isEmpty={(d) => d.items.length === 0} empty={t('moderation.none')}>
        {(data) => (
          <List
            dataSource={data.items}
            pagination={data.items.length > 10 ? { pageSize: 10, size: 'small' } : false}
            data-testid="moderation-queue"
            renderItem={({ post, reasons }) => (
              <List.Item
                data-testid="reported-post"
                actions={[
                  <Button key="hide" size="small" danger loading={moderate.isPending} onClick={() => void act(post.postId, 'hide')} data-testid="hide-post">{t('moderation.hide')}</Button>,
                  <Button key="keep" size="small" loading={moderate.isPending} onClick={() => void act(post.postId, 'restore')} data-testid="keep-post">{t('moderation.keep')}</Button>,
                  <Button key="ban" size="small" type="text" danger onClick={() => setBanning({ userId: post.authorUserId, name: post.authorName })} data-testid="ban-author">{t('moderation.ban')}</Button>,
                ]}
              >
                <List.Item.Meta
                  title={
                    <Space wrap>
                      {post.authorName}
                      <Tag color="red">{t('moderation.reports', { n: post.openReports })}</Tag>
                      {post.status === 'hidden' ? <Tag>{t('moderation.hiddenTag')}</Tag> : null}
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{dateTime(post.createdAt, lang)}</Typography.Text>
                    </Space>
                  }
                  description={
                    <>
                      <Typography.Paragraph style={{ marginBottom: 4 }}>{post.body}</Typography.Paragraph>
                      <Typography.Text type="secondary">{t('moderation.reasons')}: {reasons.join('；')}</Typography.Text>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </QueryView>
      {banning ? <BanDialog communityId={communityId} userId={banning.userId} name={banning.name} onClose={() => setBanning(undefined)} /> : null}
    </>
  );
}
