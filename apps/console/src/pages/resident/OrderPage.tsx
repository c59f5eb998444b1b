import { useState } from 'react';
import { App, Button, Card, Descriptions, Form, Input, InputNumber, List, Popconfirm, QRCode, Space, Tag, Timeline, Typography } from 'antd';
import { useParams } from 'react-router-dom';
import { errorMessage } from '../../api/errors';
import { dateTime, yuan } from '../../components/format';
import { EmptyState, QueryView } from '../../components/states';
import { hasPickupCode, useCancelOrder, useOrder, usePay, usePickupCode, useRefunds, useRequestRefund, type Order } from '../../hooks/resident';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';

const STATUS_COLOR: Record<Order['status'], string> = {
  pending_payment: 'gold',
  paid: 'blue',
  locked: 'geekblue',
  shipped: 'cyan',
  received: 'green',
  picked_up: 'success',
  completed: 'success',
  cancelled: 'default',
  expired: 'default',
};

export function StatusTag({ status }: { status: Order['status'] }) {
  const { t } = useI18n();
  return <Tag color={STATUS_COLOR[status]} data-testid="order-status">{t(`orders.status.${status}` as MessageKey)}</Tag>;
}

function PickupCode({ order }: { order: Order }) {
  const { t } = useI18n();
  const code = usePickupCode(order);
  return (
    <Card title={t('order.pickupCode')} size="small" style={{ marginTop: 12, textAlign: 'center' }}>
      <QueryView query={code}>
        {(data) => (
          <Space direction="vertical" align="center">
            <QRCode value={data.code} size={180} type="svg" />
            <Typography.Text strong style={{ fontSize: 28, letterSpacing: 4 }} data-testid="pickup-code">{data.code}</Typography.Text>
            <Typography.Text type="secondary">{t('order.pickupCodeHint')}</Typography.Text>
          </Space>
        )}
      </QueryView>
    </Card>
  );
}

function Refunds({ order }: { order: Order }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const refunds = useRefunds(order.orderId);
  const request = useRequestRefund(order.orderId);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const canComplain = order.status === 'picked_up' || order.status === 'completed';
  const submit = async (values: { description: string; photoUrl: string }) => {
    const lines = Object.entries(quantities).filter(([, q]) => q > 0).map(([lineId, quantity]) => ({ lineId, quantity }));
    try {
      await request.mutateAsync({ lines, description: values.description, photoUrls: [values.photoUrl] });
      message.success(t('order.refundDone'));
      setQuantities({});
    } catch (error) {
      message.error(errorMessage(error, lang));
    }
  };
  return (
    <Card title={t('order.refunds')} size="small" style={{ marginTop: 12 }}>
      <QueryView query={refunds}>
        {(data) =>
          data.refunds.length === 0 ? (
            <EmptyState />
          ) : (
            <List
              size="small"
              dataSource={data.refunds}
              renderItem={(r) => (
                <List.Item>
                  <Space wrap>
                    <Tag>{t(`refund.reason.${r.reason}` as MessageKey)}</Tag>
                    <Typography.Text>¥{yuan(r.amountCents)}</Typography.Text>
                    <Typography.Text type="secondary">{dateTime(r.createdAt, lang)}</Typography.Text>
                    {r.status !== 'succeeded' ? <Tag color={r.status === 'pending_review' ? 'gold' : 'red'}>{t(`refund.status.${r.status}` as MessageKey)}</Tag> : null}
                  </Space>
                </List.Item>
              )}
            />
          )
        }
      </QueryView>
      {canComplain ? (
        <Form layout="vertical" onFinish={(v) => void submit(v)} style={{ marginTop: 12 }}>
          <Typography.Text strong>{t('order.refundApply')}</Typography.Text>
          <Form.Item label={t('order.refundLines')}>
            {order.lines.map((line) => (
              <Space key={line.lineId} style={{ display: 'flex', justifyContent: 'space-between', marginBottom: 4 }}>
                <span>{line.name}</span>
                <InputNumber min={0} max={line.quantity} value={quantities[line.lineId] ?? 0} onChange={(v) => setQuantities((q) => ({ ...q, [line.lineId]: v ?? 0 }))} />
              </Space>
            ))}
          </Form.Item>
          <Form.Item name="description" label={t('order.refundDescription')} rules={[{ required: true, max: 500 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="photoUrl" label={t('order.refundPhoto')} rules={[{ required: true, type: 'url', max: 500 }]}>
            <Input placeholder="https://…" />
          </Form.Item>
          <Button htmlType="submit" loading={request.isPending} disabled={!Object.values(quantities).some((q) => q > 0)}>{t('order.refundSubmit')}</Button>
        </Form>
      ) : null}
    </Card>
  );
}

export function OrderPage() {
  const { orderId = '' } = useParams();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [awaitingPayment, setAwaitingPayment] = useState(false);
  const order = useOrder(orderId, awaitingPayment);
  const pay = usePay(orderId);
  const cancel = useCancelOrder(orderId);
  if (awaitingPayment && order.data && order.data.status !== 'pending_payment') setAwaitingPayment(false);

  const startPaying = async () => {
    try {
      await pay.mutateAsync();
      setAwaitingPayment(true);
    } catch (error) {
      message.error(errorMessage(error, lang));
    }
  };
  const doCancel = async () => {
    try {
      await cancel.mutateAsync();
    } catch (error) {
      message.error(errorMessage(error, lang));
    }
  };

  return (
    <QueryView query={order}>
      {(data) => (
        <>
          <Typography.Title level={4}>{t('order.title')}</Typography.Title>
          <Card size="small">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('ops.status')}><StatusTag status={data.status} /></Descriptions.Item>
              <Descriptions.Item label={t('order.placedAt')}>{dateTime(data.placedAt, lang)}</Descriptions.Item>
              <Descriptions.Item label={t('order.total')}>
                <Typography.Text strong>¥{yuan(data.totalCents)}</Typography.Text>
                {data.refundedCents > 0 ? <Typography.Text type="secondary"> · {t('order.refunded', { v: yuan(data.refundedCents) })}</Typography.Text> : null}
              </Descriptions.Item>
              {data.pointsSpent > 0 ? (
                <Descriptions.Item label={t('order.payable')}>
                  <Typography.Text strong>¥{yuan(data.payableCents)}</Typography.Text>
                  <Typography.Text type="secondary" data-testid="order-points"> · {t('order.points', { n: data.pointsSpent, v: yuan(data.pointsDiscountCents) })}</Typography.Text>
                </Descriptions.Item>
              ) : null}
            </Descriptions>
            <List
              size="small"
              dataSource={data.lines}
              renderItem={(line) => (
                <List.Item>
                  <span>{line.name} × {line.quantity}</span>
                  <span>¥{yuan(line.amountCents)}</span>
                </List.Item>
              )}
            />
            <Space style={{ marginTop: 8 }}>
              {data.status === 'pending_payment' ? (
                <Button type="primary" onClick={() => void startPaying()} loading={pay.isPending || awaitingPayment} data-testid="pay">
                  {awaitingPayment ? t('order.paying') : t('order.pay')}
                </Button>
              ) : null}
              {data.status === 'pending_payment' || data.status === 'paid' ? (
                <Popconfirm title={t('order.cancelConfirm')} onConfirm={() => void doCancel()} okText={t('common.ok')} cancelText={t('common.cancel')}>
                  <Button danger loading={cancel.isPending}>{t('order.cancel')}</Button>
                </Popconfirm>
              ) : null}
            </Space>
          </Card>
          {hasPickupCode(data) ? <PickupCode order={data} /> : null}
          <Card title={t('order.history')} size="small" style={{ marginTop: 12 }}>
            <Timeline
              items={data.transitions.map((tr) => ({
                content: (
                  <span>
                    {t(`orders.status.${tr.to}` as MessageKey)} · <Typography.Text type="secondary">{dateTime(tr.at, lang)}</Typography.Text>
                  </span>
                ),
              }))}
            />
          </Card>
          <Refunds order={data} />
        </>
      )}
    </QueryView>
  );
}
