import { useEffect, useState } from 'react';
import { Card, Skeleton, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { countdown } from '../../components/format';
import { ApiError } from '../../api/client';
import { ErrorState, QueryView } from '../../components/states';
import { useCampaigns, useMyPickupPoint } from '../../hooks/resident';
import { useI18n } from '../../i18n/i18n';
import { PickupPointChooser } from './PickupPointChooser';

/** Re-renders every second (for countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function Countdown({ cutoffAt }: { cutoffAt: string }) {
  const { t, lang } = useI18n();
  const now = useNow();
  const left = Date.parse(cutoffAt) - now;
  return left > 0 ? <Tag color="volcano" data-testid="countdown">{t('campaign.cutoffIn', { t: countdown(left, lang) })}</Tag> : <Tag>{t('campaign.closed')}</Tag>;
}

export function TodayPage() {
  const { t } = useI18n();
  const binding = useMyPickupPoint();
  const campaigns = useCampaigns(!!binding.data?.current);
  // Just bound: the orders service hears of it in a moment (the query asks again meanwhile).
  const syncing = campaigns.error instanceof ApiError && campaigns.error.code === 'ORDERS.NOT_BOUND';
  return (
    <>
      <Typography.Title level={4}>{t('resident.today')}</Typography.Title>
      {binding.isError ? (
        <ErrorState error={binding.error} onRetry={() => void binding.refetch()} />
      ) : binding.isSuccess && !binding.data.current ? (
        <>
          <Typography.Paragraph type="secondary">{t('campaign.notBound')}</Typography.Paragraph>
          <PickupPointChooser />
        </>
      ) : syncing ? <Skeleton active /> : <QueryView query={campaigns} isEmpty={(d) => d.campaigns.length === 0} empty={t('campaign.empty')}>
        {(data) =>
          data.campaigns.map((campaign) => (
            <Link key={campaign.campaignId} to={`/resident/campaigns/${campaign.campaignId}`} data-testid="campaign-card">
              <Card hoverable style={{ marginBottom: 12 }} title={campaign.title} extra={<Countdown cutoffAt={campaign.cutoffAt} />}>
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>{campaign.description}</Typography.Paragraph>
                <Typography.Text>{t('campaign.delivery', { d: campaign.deliveryDate })}</Typography.Text>
                <div style={{ marginTop: 8 }}>
                  {campaign.offers.slice(0, 4).map((offer) => (
                    <Tag key={offer.offerId}>{offer.name}</Tag>
                  ))}
                  {campaign.offers.length > 4 ? <Tag>+{campaign.offers.length - 4}</Tag> : null}
                </div>
              </Card>
            </Link>
          ))
        }
      </QueryView>}
    </>
  );
}
