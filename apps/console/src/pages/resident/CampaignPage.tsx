import { useState } from 'react';
import { App, Button, Card, InputNumber, List, Space, Tag, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { errorMessage } from '../../api/errors';
import { yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { usePointsBalance } from '../../hooks/growth';
import { useCampaign, usePlaceOrder } from '../../hooks/resident';
import { useI18n } from '../../i18n/i18n';
import { Countdown } from './TodayPage';

/** A campaign's offers with a quantity each; the cart is the chosen quantities. */
export function CampaignPage() {
  const { campaignId = '' } = useParams();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const campaign = useCampaign(campaignId);
  const place = usePlaceOrder();
  const [cart, setCart] = useState<Record<string, number>>({});
  const balance = usePointsBalance();
  const [points, setPoints] = useState(0);

  return (
    <QueryView query={campaign}>
      {(data) => {
        const lines = data.offers.filter((o) => (cart[o.offerId] ?? 0) > 0).map((o) => ({ offer: o, quantity: cart[o.offerId]! }));
        const total = lines.reduce((sum, l) => sum + l.offer.priceCents * l.quantity, 0);
        const count = lines.reduce((sum, l) => sum + l.quantity, 0);
        const order = async () => {
          try {
            const placed = await place.mutateAsync({
              campaignId,
              lines: lines.map((l) => ({ offerId: l.offer.offerId, quantity: l.quantity })),
              expectedTotalCents: total,
              ...(points > 0 ? { pointsToSpend: points } : {}),
            });
            navigate(`/resident/orders/${placed.orderId}`);
          } catch (error) {
            message.error(errorMessage(error, lang));
          }
        };
        return (
          <>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Title level={4} style={{ marginBottom: 0 }}>{data.title}</Typography.Title>
              <Space wrap>
                <Countdown cutoffAt={data.cutoffAt} />
                <Typography.Text type="secondary">{t('campaign.delivery', { d: data.deliveryDate })}</Typography.Text>
              </Space>
            </Space>
            <List
              style={{ marginTop: 12 }}
              dataSource={data.offers}
              renderItem={(offer) => (
                <List.Item
                  data-testid="offer"
                  extra={
                    <InputNumber
                      min={0}
                      max={Math.min(offer.available, offer.perCustomerLimit ?? 99)}
                      value={cart[offer.offerId] ?? 0}
                      disabled={offer.available === 0}
                      onChange={(value) => setCart((c) => ({ ...c, [offer.offerId]: value ?? 0 }))}
                      style={{ width: 72 }}
                      aria-label={offer.name}
                    />
                  }
                >
                  <List.Item.Meta
                    title={offer.name}
                    description={
                      <Space size={4} wrap>
                        {offer.spec ? <span>{offer.spec}</span> : null}
                        {offer.available === 0 ? <Tag color="default">{t('campaign.soldOut')}</Tag> : <Tag color="green">{t('campaign.available', { n: offer.available })}</Tag>}
                        {offer.perCustomerLimit ? <Tag>{t('campaign.limit', { n: offer.perCustomerLimit })}</Tag> : null}
                      </Space>
                    }
                  />
                  <div style={{ minWidth: 80 }}>
                    <Typography.Text strong style={{ color: '#e8590c' }}>¥{yuan(offer.priceCents)}</Typography.Text>
                    {offer.listPriceCents > offer.priceCents ? (
                      <div><Typography.Text delete type="secondary" style={{ fontSize: 12 }}>{t('campaign.listPrice', { v: yuan(offer.listPriceCents) })}</Typography.Text></div>
                    ) : null}
                  </div>
                </List.Item>
              )}
            />
            <Card size="small" style={{ position: 'sticky', bottom: 56, marginTop: 12 }} data-testid="cart">
              {count > 0 && (balance.data ?? 0) > 0 ? (
                <Space style={{ width: '100%', marginBottom: 8 }} wrap>
                  <Typography.Text>{t('cart.usePoints', { n: balance.data ?? 0 })}</Typography.Text>
                  <InputNumber min={0} max={balance.data ?? 0} precision={0} value={points} onChange={(value) => setPoints(value ?? 0)} style={{ width: 96 }} aria-label="points" data-testid="points-to-spend" />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('cart.pointsHint')}</Typography.Text>
                </Space>
              ) : null}
              <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                <span>
                  {count > 0 ? (
                    <>
                      <Typography.Text strong>{t('cart.total', { v: yuan(total) })}</Typography.Text> · {t('cart.items', { n: count })}
                    </>
                  ) : (
                    <Typography.Text type="secondary">{t('cart.empty')}</Typography.Text>
                  )}
                </span>
                <Button type="primary" disabled={count === 0} loading={place.isPending} onClick={() => void order()} data-testid="place-order">
                  {t('cart.placeOrder')}
                </Button>
              </Space>
            </Card>
          </>
        );
      }}
    </QueryView>
  );
}
