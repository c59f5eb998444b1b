import { useState } from 'react';
import { App, Button, Card, Col, Form, Input, List, Row, Segmented, Space, Table, Tag, Typography } from 'antd';
import { errorMessage } from '../../api/errors';
import { dateTime } from '../../components/format';
import { ModerationQueue } from '../../components/ModerationQueue';
import { QueryView } from '../../components/states';
import { type Community, useAppointModerator, useCommunityList, useCreateCommunity, useInviteCustomers, useMembers } from '../../hooks/communities';
import { useI18n, usePageT } from '../../i18n/i18n';
import { usePoint } from './LeaderApp';
import { messages } from './groups.messages';

function CreateGroup({ pickupPointId }: { pickupPointId: string }) {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const create = useCreateCommunity();
  const [form] = Form.useForm<{ name: string; description?: string; tags?: string }>();
  return (
    <Card size="small" title={t('groups.create')}>
      <Form
        form={form}
        layout="vertical"
        data-testid="create-group"
        onFinish={(v) =>
          create
            .mutateAsync({
              name: v.name.trim(),
              pickupPointId,
              ...(v.description?.trim() ? { description: v.description.trim() } : {}),
              ...(v.tags?.trim() ? { tags: v.tags.split(/[,，]/).map((x) => x.trim()).filter(Boolean) } : {}),
            })
            .then(() => {
              form.resetFields();
              message.success(t('groups.created'));
            }, (e) => message.error(errorMessage(e, lang)))
        }
      >
        <Form.Item name="name" label={t('groups.name')} rules={[{ required: true, whitespace: true, max: 60 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="description" label={t('groups.description')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="tags" label={t('groups.tags')}>
          <Input />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>{t('groups.create')}</Button>
      </Form>
    </Card>
  );
}

function Members({ community }: { community: Community }) {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const members = useMembers(community.communityId);
  const appoint = useAppointModerator(community.communityId);
  const mayAppoint = community.myRole === 'owner';
  return (
    <QueryView query={members} isEmpty={(d) => d.members.length === 0} empty={t('groups.noMembers')}>
      {(data) => (
        <Table
          size="small"
          rowKey="userId"
          dataSource={data.members}
          pagination={{ pageSize: 10, hideOnSinglePage: true, size: 'small' }}
          data-testid="group-members"
          columns={[
            { title: t('groups.members'), dataIndex: 'displayName' },
            { title: t('groups.role'), dataIndex: 'role', render: (r: 'owner' | 'moderator' | 'member') => <Tag>{t(`role.${r}`)}</Tag> },
            { title: t('groups.joinedAt'), dataIndex: 'joinedAt', render: (v: string) => dateTime(v, lang) },
            ...(mayAppoint
              ? [
                  {
                    key: 'appoint',
                    render: (_: unknown, m: (typeof data.members)[number]) =>
                      m.role === 'member' ? (
                        <Button size="small" loading={appoint.isPending} onClick={() => appoint.mutateAsync(m.userId).then(() => message.success(t('groups.appointed')), (e) => message.error(errorMessage(e, lang)))}>
                          {t('groups.appoint')}
                        </Button>
                      ) : null,
                  },
                ]
              : []),
          ]}
        />
      )}
    </QueryView>
  );
}

function Group({ community }: { community: Community }) {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const invite = useInviteCustomers();
  const [tab, setTab] = useState<'members' | 'queue'>('members');
  return (
    <Card
      size="small"
      title={
        <Space wrap>
          {community.name}
          <Tag>{t('groups.memberCount', { n: community.memberCount })}</Tag>
          {community.myRole ? <Tag color="orange">{t(`role.${community.myRole}`)}</Tag> : null}
        </Space>
      }
      extra={
        <Button size="small" loading={invite.isPending} onClick={() => invite.mutateAsync(community.communityId).then((r) => message.success(t('groups.invited', { n: r.invited })), (e) => message.error(errorMessage(e, lang)))} data-testid="invite-customers">
          {t('groups.invite')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{community.description}</Typography.Paragraph>
      <Space wrap size={4} style={{ marginBottom: 8 }}>{community.tags.map((tag) => <Tag key={tag}>{tag}</Tag>)}</Space>
      <div>
        <Segmented size="small" value={tab} onChange={(v) => setTab(v as typeof tab)} options={[{ value: 'members', label: t('groups.members') }, { value: 'queue', label: t('groups.queue') }]} style={{ marginBottom: 8 }} />
      </div>
      {tab === 'members' ? <Members community={community} /> : <ModerationQueue communityId={community.communityId} />}
    </Card>
  );
}

/** The interest groups of the leader's pickup point: create one, see members, invite the point's customers, appoint moderators, handle reports. */
export default function GroupsPage() {
  const t = usePageT(messages);
  const pickupPointId = usePoint()!;
  const groups = useCommunityList({ pickupPointId });
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={16}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>{t('groups.title')}</Typography.Title>
        <QueryView query={groups} isEmpty={(d) => d.communities.length === 0} empty={t('groups.none')}>
          {(data) => (
            <List
              dataSource={data.communities}
              pagination={data.communities.length > 5 ? { pageSize: 5, size: 'small' } : false}
              renderItem={(c) => (
                <List.Item data-testid="group" style={{ display: 'block' }}>
                  <Group community={c} />
                </List.Item>
              )}
            />
          )}
        </QueryView>
      </Col>
      <Col xs={24} lg={8}>
        <CreateGroup pickupPointId={pickupPointId} />
      </Col>
    </Row>
  );
}
