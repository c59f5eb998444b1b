import { useState } from 'react';
import { App, Button, Card, Input, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/errors';
import { dateTime } from '../../components/format';
import { QueryView } from '../../components/states';
import { useCommunities, useEvents, useJoinCommunity, usePost, usePosts, useRsvp } from '../../hooks/communities';
import { useMyPickupPoint } from '../../hooks/resident';
import { useI18n } from '../../i18n/i18n';

function Posts({ communityId }: { communityId: string }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const posts = usePosts(communityId);
  const post = usePost(communityId);
  const [text, setText] = useState('');
  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 8 }}>
      <Space.Compact style={{ width: '100%' }}>
        <Input value={text} maxLength={2000} onChange={(e) => setText(e.target.value)} placeholder={t('community.postPlaceholder')} />
        <Button
          type="primary"
          disabled={!text.trim()}
          loading={post.isPending}
          onClick={() => post.mutateAsync(text.trim()).then(() => setText(''), (e) => message.error(errorMessage(e, lang)))}
        >
          {t('community.post')}
        </Button>
      </Space.Compact>
      <QueryView query={posts} isEmpty={(d) => d.posts.length === 0}>
        {(data) => (
          <List
            size="small"
            dataSource={data.posts}
            renderItem={(p) => (
              <List.Item>
                <List.Item.Meta title={<Space>{p.authorName}<Typography.Text type="secondary" style={{ fontSize: 12 }}>{dateTime(p.createdAt, lang)}</Typography.Text></Space>} description={p.body} />
              </List.Item>
            )}
          />
        )}
      </QueryView>
    </Space>
  );
}

/** Interest communities and events of the resident's compound: join, post, RSVP. Links to points and growth and to local services. */
export function CommunityPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const binding = useMyPickupPoint();
  const compoundId = binding.data?.current?.compoundId;
  const communities = useCommunities(compoundId);
  const events = useEvents(compoundId);
  const join = useJoinCommunity();
  const rsvp = useRsvp();
  const [open, setOpen] = useState<string>();
  const fail = (e: unknown) => message.error(errorMessage(e, lang));
  return (
    <>
      <Typography.Title level={4}>{t('resident.community')}</Typography.Title>
      {compoundId ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Card size="small" title={t('community.communities')}>
            <QueryView query={communities} isEmpty={(d) => d.communities.length === 0} empty={t('community.none')}>
              {(data) => (
                <List
                  dataSource={data.communities}
                  renderItem={(c) => (
                    <List.Item data-testid="community" style={{ display: 'block' }}>
                      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                        <span>
                          <Typography.Text strong>{c.name}</Typography.Text> <Tag>{t('community.members', { n: c.memberCount })}</Tag>
                        </span>
                        {c.myRole ? (
                          <Button size="small" onClick={() => setOpen(open === c.communityId ? undefined : c.communityId)}>{t('community.open')}</Button>
                        ) : (
                          <Button size="small" type="primary" loading={join.isPending} onClick={() => join.mutateAsync(c.communityId).catch(fail)}>{t('community.join')}</Button>
                        )}
                      </Space>
                      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>{c.description}</Typography.Paragraph>
                      {open === c.communityId ? <Posts communityId={c.communityId} /> : null}
                    </List.Item>
                  )}
                />
              )}
            </QueryView>
          </Card>
          <Card size="small" title={t('community.events')}>
            <QueryView query={events} isEmpty={(d) => d.events.length === 0} empty={t('community.noEvents')}>
              {(data) => (
                <List
                  dataSource={data.events}
                  renderItem={(e) => (
                    <List.Item
                      data-testid="event"
                      actions={[<Button key="r" size="small" loading={rsvp.isPending} onClick={() => rsvp.mutateAsync(e.eventId).then(() => message.success(t('community.rsvped')), fail)}>{t('community.rsvp')}</Button>]}
                    >
                      <List.Item.Meta title={e.title} description={`${dateTime(e.startsAt, lang)} · ${e.address ?? ''} · ${e.confirmed}/${e.capacity}`} />
                    </List.Item>
                  )}
                />
              )}
            </QueryView>
          </Card>
        </Space>
      ) : null}
      <Card size="small" style={{ marginTop: 12 }}>
        <Space direction="vertical">
          <Link to="/resident/growth" data-testid="growth-link">{t('resident.growth')} ›</Link>
          <Link to="/resident/services" data-testid="services-link">{t('resident.servicesLink')} ›</Link>
        </Space>
      </Card>
    </>
  );
}
