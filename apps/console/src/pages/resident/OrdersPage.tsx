import { useState } from 'react';
import { List, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { dateTime, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { PAGE_SIZE, useMyOrders } from '../../hooks/resident';
import { useI18n } from '../../i18n/i18n';
import { StatusTag } from './OrderPage';

export function OrdersPage() {
  const { t, lang } = useI18n();
  const [page, setPage] = useState(1);
  const orders = useMyOrders(page);
  return (
    <>
      <Typography.Title level={4}>{t('resident.orders')}</Typography.Title>
      <QueryView query={orders} isEmpty={(d) => d.total === 0} empty={t('order.noOrders')}>
        {(data) => (
          <List
            dataSource={data.orders}
            pagination={{ current: page, pageSize: PAGE_SIZE, total: data.total, onChange: setPage, size: 'small', showTotal: (n) => t('common.total', { n }) }}
            renderItem={(order) => (
              <List.Item data-testid="order-row" extra={<StatusTag status={order.status} />}>
                <Link to={`/resident/orders/${order.orderId}`}>
                  <List.Item.Meta
                    title={order.lines.map((l) => `${l.name} × ${l.quantity}`).join('，')}
                    description={`¥${yuan(order.totalCents)} · ${dateTime(order.placedAt, lang)}`}
                  />
                </Link>
              </List.Item>
            )}
          />
        )}
      </QueryView>
    </>
  );
}
