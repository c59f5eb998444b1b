import { useState } from 'react';
import { Card, Select, Space, Typography } from 'antd';
import { ModerationQueue } from '../../components/ModerationQueue';
import { EmptyState, QueryView } from '../../components/states';
import { type Community, useCommunityList } from '../../hooks/communities';
import { useCompounds } from '../../hooks/ops';
import { usePageT } from '../../i18n/i18n';
import { messages } from './ops.messages';

/** Reported posts of a community, most reported first: hide or keep (either resolves the reports), ban the author. */
export default function ModerationPage() {
  const t = usePageT(messages);
  const communities = useCommunityList();
  const compounds = useCompounds();
  const [communityId, setCommunityId] = useState<string>();
  const label = (c: Community) => {
    const where = c.compoundId ? (compounds.data?.compounds.find((x) => x.compoundId === c.compoundId)?.name ?? c.compoundId) : t('moderation.city');
    return `${c.name} · ${where} · ${t('moderation.members', { n: c.memberCount })}`;
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>{t('moderation.title')}</Typography.Title>
      <QueryView query={communities}>
        {(data) => (
          <Select
            showSearch
            optionFilterProp="label"
            style={{ minWidth: 360 }}
            placeholder={t('moderation.choose')}
            value={communityId}
            onChange={setCommunityId}
            options={data.communities.map((c) => ({ value: c.communityId, label: label(c) }))}
            data-testid="moderation-community"
          />
        )}
      </QueryView>
      <Card size="small">{communityId ? <ModerationQueue communityId={communityId} /> : <EmptyState text={t('moderation.chooseHint')} />}</Card>
    </Space>
  );
}
