import { useState } from 'react';
import { App, Button, Card, Form, Input, InputNumber, List, Modal, Popconfirm, Radio, Rate, Segmented, Space, Tag, Typography } from 'antd';
import { errorMessage } from '../../api/errors';
import { dateTime, yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { usePointsStatement } from '../../hooks/growth';
import { type Booking, type ServiceCategory, useBookSlot, useCancelBooking, useMyBookings, useOfferings, useReviewBooking } from '../../hooks/local-services';
import type { Schemas } from '../../api/client';
import { usePageT, useI18n } from '../../i18n/i18n';
import { messages } from './growth.messages';

type Offering = Schemas['ServiceOffering'];
const CATEGORIES: ServiceCategory[] = ['housekeeping', 'clinic', 'health-check', 'tutoring', 'repairs', 'elderly-care', 'other'];
const PAGE = 6;
const BOOKING_COLOURS: Record<Booking['status'], string> = { pending_payment: 'orange', paid: 'blue', confirmed: 'cyan', completed: 'green', no_show: 'default', cancelled: 'default' };
/** Slots shown per offering (the API lists the upcoming open ones). */
const SLOTS_SHOWN = 6;

/** Points pay `points / pointsPrice` of the price, rounded down — the service's own rule. */
const pointsValueCents = (priceCents: number, pointsPrice: number | null, points: number) => (points === 0 || pointsPrice === null ? 0 : Math.floor((priceCents * points) / pointsPrice));

function BookDialog({ offering, onClose }: { offering: Offering; onClose: () => void }) {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const points = usePointsStatement();
  const book = useBookSlot();
  const open = offering.slots.filter((s) => s.status === 'open' && s.booked < s.capacity);
  const [slotId, setSlotId] = useState(open[0]?.slotId);
  const [spend, setSpend] = useState(0);
  const [note, setNote] = useState('');
  const balance = points.data?.balance ?? 0;
  const max = offering.pointsPrice === null ? 0 : Math.min(balance, offering.pointsPrice);
  const pointsCents = pointsValueCents(offering.priceCents, offering.pointsPrice, spend);
  return (
    <Modal
      open
      title={t('services.bookTitle', { title: offering.title })}
      onCancel={onClose}
      okText={t('services.book')}
      okButtonProps={{ disabled: !slotId, loading: book.isPending, 'data-testid': 'confirm-booking' }}
      onOk={() =>
        book.mutateAsync({ slotId: slotId!, points: spend || undefined, note: note.trim() || undefined }).then(
          () => {
            message.success(t('services.booked'));
            onClose();
          },
          (e) => message.error(errorMessage(e, lang)),
        )
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('services.slot')}>
          <Radio.Group value={slotId} onChange={(e) => setSlotId(e.target.value as string)}>
            <Space direction="vertical">
              {open.slice(0, SLOTS_SHOWN * 2).map((s) => (
                <Radio key={s.slotId} value={s.slotId}>
                  {dateTime(s.startsAt, lang)} <Typography.Text type="secondary">{t('services.seatsLeft', { n: s.capacity - s.booked })}</Typography.Text>
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        {offering.pointsPrice !== null ? (
          <Form.Item label={t('services.usePoints')} extra={t('services.pointsHint', { n: balance, max })}>
            <InputNumber min={0} max={max} step={10} value={spend} onChange={(v) => setSpend(v ?? 0)} data-testid="booking-points" />
          </Form.Item>
        ) : null}
        <Typography.Paragraph>{t('services.pointsValue', { v: yuan(pointsCents), c: yuan(offering.priceCents - pointsCents) })}</Typography.Paragraph>
        <Form.Item label={t('services.note')}>
          <Input.TextArea rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Catalogue() {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const [category, setCategory] = useState<ServiceCategory>();
  const offerings = useOfferings(category);
  const [booking, setBooking] = useState<Offering>();
  return (
    <>
      <Segmented
        size="small"
        style={{ marginBottom: 8, maxWidth: '100%', overflowX: 'auto' }}
        value={category ?? 'all'}
        onChange={(v) => setCategory(v === 'all' ? undefined : (v as ServiceCategory))}
        options={[{ value: 'all', label: t('services.allCategories') }, ...CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))]}
      />
      <QueryView query={offerings} isEmpty={(d) => d.offerings.length === 0} empty={t('services.none')}>
        {(data) => (
          <List
            dataSource={data.offerings}
            pagination={data.offerings.length > PAGE ? { pageSize: PAGE, size: 'small' } : false}
            renderItem={(o) => {
              const open = o.slots.filter((s) => s.status === 'open' && s.booked < s.capacity);
              return (
                <List.Item data-testid="offering" style={{ display: 'block' }}>
                  <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
                    <span>
                      <Typography.Text strong>{o.title}</Typography.Text>
                      <br />
                      <Typography.Text type="secondary">{o.providerName}</Typography.Text>
                    </span>
                    <Typography.Text strong style={{ color: '#e8590c', whiteSpace: 'nowrap' }}>¥{yuan(o.priceCents)}</Typography.Text>
                  </Space>
                  <Space wrap size={4} style={{ marginTop: 4 }}>
                    <Tag>{t(`category.${o.category}`)}</Tag>
                    <Tag>{t('services.duration', { n: o.durationMinutes })}</Tag>
                    {o.pointsPrice !== null ? <Tag color="gold">{t('services.pointsPrice', { p: o.pointsPrice })}</Tag> : null}
                  </Space>
                  {o.description ? <Typography.Paragraph type="secondary" style={{ margin: '4px 0' }}>{o.description}</Typography.Paragraph> : null}
                  {o.mode === 'calendar' ? (
                    <Typography.Text type="secondary">{t('services.calendar')}</Typography.Text>
                  ) : open.length ? (
                    <Space style={{ width: '100%', justifyContent: 'space-between' }} align="center">
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {open.slice(0, 2).map((s) => dateTime(s.startsAt, lang)).join(' · ')}
                        {open.length > 2 ? ' …' : ''}
                      </Typography.Text>
                      <Button type="primary" size="small" onClick={() => setBooking(o)} data-testid="book">{t('services.book')}</Button>
                    </Space>
                  ) : (
                    <Typography.Text type="secondary">{t('services.noSlots')}</Typography.Text>
                  )}
                </List.Item>
              );
            }}
          />
        )}
      </QueryView>
      {booking ? <BookDialog offering={booking} onClose={() => setBooking(undefined)} /> : null}
    </>
  );
}

function ReviewForm({ booking }: { booking: Booking }) {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const review = useReviewBooking();
  const [rating, setRating] = useState(5);
  const [text, setText] = useState('');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Rate value={rating} onChange={setRating} />
      <Input.TextArea rows={2} maxLength={1000} placeholder={t('services.reviewText')} value={text} onChange={(e) => setText(e.target.value)} />
      <Button
        size="small"
        type="primary"
        loading={review.isPending}
        data-testid="review-booking"
        onClick={() => review.mutateAsync({ bookingId: booking.bookingId, rating, text: text.trim() || undefined }).then(() => message.success(t('services.reviewed')), (e) => message.error(errorMessage(e, lang)))}
      >
        {t('services.review')}
      </Button>
    </Space>
  );
}

function MyBookings() {
  const { lang } = useI18n();
  const t = usePageT(messages);
  const { message } = App.useApp();
  const bookings = useMyBookings();
  const cancel = useCancelBooking();
  return (
    <QueryView query={bookings} isEmpty={(d) => d.bookings.length === 0} empty={t('services.noBookings')}>
      {(data) => (
        <List
          dataSource={data.bookings}
          pagination={data.bookings.length > PAGE ? { pageSize: PAGE, size: 'small' } : false}
          renderItem={(b) => (
            <List.Item data-testid="booking" style={{ display: 'block' }}>
              <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
                <Typography.Text strong>{b.offeringTitle}</Typography.Text>
                <Tag color={BOOKING_COLOURS[b.status]} data-testid="booking-status">{t(`booking.${b.status}`)}</Tag>
              </Space>
              <Typography.Paragraph type="secondary" style={{ margin: '4px 0' }}>
                {dateTime(b.startsAt, lang)} · {t('services.paid', { c: yuan(b.cashCents), p: b.pointsUsed })}
              </Typography.Paragraph>
              {b.status === 'pending_payment' || b.status === 'paid' || b.status === 'confirmed' ? (
                <Popconfirm
                  title={t('services.cancelConfirm')}
                  onConfirm={() => cancel.mutateAsync(b.bookingId).then(() => message.success(t('services.cancelled')), (e) => message.error(errorMessage(e, lang)))}
                >
                  <Button size="small" danger data-testid="cancel-booking">{t('services.cancel')}</Button>
                </Popconfirm>
              ) : null}
              {b.status === 'completed' && !b.review ? <ReviewForm booking={b} /> : null}
              {b.review ? (
                <div>
                  <Space size={8} style={{ whiteSpace: 'nowrap' }}>
                    <Typography.Text type="secondary">{t('services.myReview')}</Typography.Text>
                    <Rate disabled value={b.review.rating} style={{ fontSize: 14 }} />
                  </Space>
                  {b.review.text ? <Typography.Paragraph style={{ margin: 0 }}>{b.review.text}</Typography.Paragraph> : null}
                </div>
              ) : null}
            </List.Item>
          )}
        />
      )}
    </QueryView>
  );
}

/** Local services of the resident's compound: browse by category, book a slot (part in points), my bookings: cancel, review. */
export default function ServicesPage() {
  const t = usePageT(messages);
  const [tab, setTab] = useState<'browse' | 'mine'>('browse');
  return (
    <>
      <Typography.Title level={4}>{t('services.title')}</Typography.Title>
      <Segmented
        block
        value={tab}
        onChange={(v) => setTab(v as typeof tab)}
        options={[{ value: 'browse', label: t('services.browse') }, { value: 'mine', label: t('services.mine') }]}
        style={{ marginBottom: 12 }}
        data-testid="services-tabs"
      />
      <Card size="small">{tab === 'browse' ? <Catalogue /> : <MyBookings />}</Card>
    </>
  );
}
