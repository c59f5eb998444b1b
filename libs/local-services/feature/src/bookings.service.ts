import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { localServices, type Actor, type RpcRequest } from '@linli/contracts';
import type { BookingRow, OfferingRow } from '@linli/local-services-data-access';
import { PeriodicTask, enqueueEvent } from '@linli/nest-kit';
import { LocalServicesErrors, pgError } from './local-services.exception.js';
import { bookingEventData, toBooking } from './local-services.mappers.js';
import { LOCAL_SERVICES_OPTIONS, type LocalServicesOptions } from './local-services.options.js';
import { LocalServicesStore, type Tx } from './local-services.store.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { POINTS_LEDGER, type PointsLedger } from './points-ledger.js';
import { ProvidersService } from './providers.service.js';
import { WebhooksService } from './webhooks.service.js';

type C = typeof localServices;
type Booking = localServices.Booking;
const LIVE = ['pending_payment', 'paid', 'confirmed'] as const;

/** Cents the points pay: points / pointsPrice of the price, rounded down (the cash part is never short). */
export function pointsValueCents(priceCents: number, pointsPrice: number | null, points: number): number {
  if (points === 0 || pointsPrice === null) return 0;
  return Math.floor((priceCents * points) / pointsPrice);
}

/** What a partner action does to a booking's status, or null when it may not. */
export function partnerTransition(status: localServices.BookingStatus, action: (typeof localServices.PARTNER_BOOKING_ACTIONS)[number]): localServices.BookingStatus | null {
  if (action === 'confirm') return status === 'paid' ? 'confirmed' : null;
  if (action === 'complete') return status === 'paid' || status === 'confirmed' ? 'completed' : null;
  return status === 'paid' || status === 'confirmed' ? 'no_show' : null;
}

/**
 * Bookings: a resident books a slot (a seat taken by one conditional update, so a slot is never over
 * capacity) or a practitioner's time (an exclusion constraint keeps one practitioner's bookings from
 * overlapping), pays the cash part through the payment provider and the rest in points (reserved at
 * booking, committed on completion or no-show, released on cancellation), reschedules or cancels
 * within the provider's notice, and reviews once completed. The provider confirms, completes or
 * marks a no-show through its API. Each change writes its event and its webhook deliveries in the
 * same transaction.
 */
@Injectable()
export class BookingsService {
  private readonly logger = new Logger('Bookings');

  constructor(
    @Inject(LocalServicesStore) private readonly store: LocalServicesStore,
    @Inject(ProvidersService) private readonly providers: ProvidersService,
    @Inject(WebhooksService) private readonly webhooks: WebhooksService,
    @Inject(PAYMENT_PROVIDER) private readonly payments: PaymentProvider,
    @Inject(POINTS_LEDGER) private readonly points: PointsLedger,
    @Inject(LOCAL_SERVICES_OPTIONS) private readonly options: LocalServicesOptions,
  ) {}

  async create(req: RpcRequest<C['createBooking']>): Promise<Booking> {
    const { actor, place } = req;
    const reader = this.store.reader;
    // Everything that can be refused without taking anything is checked first.
    let offering: OfferingRow | null;
    let slotId: string | null = null;
    let practitionerId: string | null = null;
    let startsAt: Date;
    if ('slotId' in place) {
      const slot = await this.store.catalog.slot(reader, place.slotId);
      if (!slot || slot.status !== 'open') throw LocalServicesErrors.slotNotFound(place.slotId);
      offering = await this.store.catalog.offering(reader, slot.offering_id);
      slotId = slot.id;
      practitionerId = slot.practitioner_id;
      startsAt = slot.starts_at;
    } else {
      offering = await this.store.catalog.offering(reader, place.offeringId);
      const practitioner = await this.store.catalog.practitioner(reader, place.practitionerId);
      if (!practitioner || !offering || practitioner.provider_id !== offering.provider_id) throw LocalServicesErrors.practitionerNotFound(place.practitionerId);
      if (offering.mode !== 'calendar') throw LocalServicesErrors.offeringInvalid('this offering is booked in its slots', [{ path: 'place.offeringId', message: 'slot offering' }]);
      practitionerId = practitioner.id;
      startsAt = new Date(place.startsAt);
    }
    if (!offering || !offering.active) throw LocalServicesErrors.offeringNotFound('slotId' in place ? place.slotId : place.offeringId);
    const provider = await this.store.providers.provider(reader, offering.provider_id);
    if (!provider || provider.status !== 'approved') throw LocalServicesErrors.offeringNotFound(offering.id);
    const endsAt = new Date(startsAt.getTime() + offering.duration_minutes * 60_000);
    if (startsAt.getTime() <= Date.now()) throw LocalServicesErrors.outsideAvailability();
    if (!slotId && !(await this.store.catalog.withinWindow(reader, practitionerId!, startsAt, endsAt))) throw LocalServicesErrors.outsideAvailability();
    const compoundId = await this.store.bookings.placeOf(reader, actor.userId);
    if (!compoundId) throw LocalServicesErrors.notBound();
    if (!offering.compound_ids.includes(compoundId)) throw LocalServicesErrors.outsideServiceArea(compoundId);
    if (req.points > 0 && (offering.points_price === null || req.points > offering.points_price)) throw LocalServicesErrors.pointsNotRedeemable(offering.points_price);
    const pointsCents = pointsValueCents(offering.price_cents, offering.points_price, req.points);
    const cashCents = offering.price_cents - pointsCents;

    const bookingId = randomUUID();
    const reservation = req.points > 0 ? await this.points.reserve({ userId: actor.userId, points: req.points, bookingId }) : null;
    const paymentId = cashCents > 0 ? randomUUID() : null;
    let row: BookingRow;
    try {
      row = await this.store.run(async (tx) => {
        if (slotId && !(await this.store.catalog.takeSeat(tx, slotId))) throw LocalServicesErrors.slotFull(slotId);
        await this.store.bookings
          .insert(tx, {
            id: bookingId,
            providerId: offering.provider_id,
            offeringId: offering.id,
            slotId,
            practitionerId,
            userId: actor.userId,
            compoundId,
            startsAt,
            endsAt,
            status: cashCents > 0 ? 'pending_payment' : 'paid',
            priceCents: offering.price_cents,
            pointsUsed: req.points,
            pointsCents,
            cashCents,
            pointsReservationId: reservation?.reservationId ?? null,
          })
          .catch((error: unknown) => {
            const pg = pgError(error);
            if (pg?.code === '23P01') throw LocalServicesErrors.practitionerBusy(practitionerId!);
            if (pg?.code === '23505') throw LocalServicesErrors.alreadyBooked();
            throw error;
          });
        // The note is personal (for a clinic, health data): kept apart, never in events, erased on erasure.
        if (req.note) await this.store.bookings.insertSensitive(tx, bookingId, actor.userId, req.note);
        if (paymentId) await this.store.bookings.insertPayment(tx, { id: paymentId, bookingId, provider: this.payments.name, amountCents: cashCents });
        const booking = (await this.store.bookings.booking(tx, bookingId))!;
        await enqueueEvent(tx, localServices.bookingCreated, bookingEventData(booking));
        await this.webhooks.enqueue(tx, 'booking.created', booking);
        return booking;
      });
    } catch (error) {
      if (reservation) await this.points.release({ userId: actor.userId, reservationId: reservation.reservationId }).catch((e: unknown) => this.logger.error(`points reservation ${reservation.reservationId} not released: ${String(e)}`));
      throw error;
    }
    if (paymentId) {
      const intent = await this.payments.createIntent({ paymentId, amountCents: cashCents, description: offering.title });
      await this.store.bookings.setIntent(this.store.reader, paymentId, intent.providerPaymentId, intent.clientParams);
      row = (await this.store.bookings.booking(this.store.reader, bookingId))!;
    }
    return toBooking(row);
  }

  /**
   * Cancels bookings not paid within the payment timeout (made before `now` minus the timeout): the
   * seat goes back to the slot, reserved points are released, the provider is told. A payment that
   * arrives afterwards is refunded. Returns how many were cancelled.
   */
  async expireUnpaid(now: Date = new Date()): Promise<number> {
    const ids = await this.store.bookings.unpaidBefore(this.store.reader, new Date(now.getTime() - this.options.paymentTimeoutSeconds * 1000), 200);
    let expired = 0;
    for (const id of ids) {
      const row = await this.store.run(async (tx) => {
        await this.store.bookings.lock(tx, id);
        const current = (await this.store.bookings.booking(tx, id))!;
        if (current.status !== 'pending_payment') return null;
        if (current.slot_id) await this.store.catalog.releaseSeat(tx, current.slot_id);
        await this.store.bookings.setStatus(tx, id, 'cancelled');
        const row = (await this.store.bookings.booking(tx, id))!;
        await enqueueEvent(tx, localServices.bookingCancelled, { ...bookingEventData(row), cancelledBy: 'system' });
        await this.webhooks.enqueue(tx, 'booking.cancelled', row);
        return row;
      });
      if (!row) continue;
      expired += 1;
      await this.settleCancelled(row, false);
    }
    return expired;
  }

  async listMine(req: RpcRequest<C['listMyBookings']>): Promise<{ bookings: Booking[] }> {
    return { bookings: (await this.store.bookings.ofUser(this.store.reader, req.actor.userId, req.limit)).map(toBooking) };
  }

  async cancel(actor: Actor, bookingId: string): Promise<Booking> {
    const { row, refund } = await this.store.run(async (tx) => {
      const current = await this.ownLive(tx, actor, bookingId, 'cancelled');
      if (current.slot_id) await this.store.catalog.releaseSeat(tx, current.slot_id);
      await this.store.bookings.setStatus(tx, bookingId, 'cancelled');
      const row = (await this.store.bookings.booking(tx, bookingId))!;
      await enqueueEvent(tx, localServices.bookingCancelled, { ...bookingEventData(row), cancelledBy: 'resident' });
      await this.webhooks.enqueue(tx, 'booking.cancelled', row);
      return { row, refund: current.payment_status === 'succeeded' };
    });
    await this.settleCancelled(row, refund);
    return toBooking((await this.store.bookings.booking(this.store.reader, bookingId))!);
  }

  async reschedule(req: RpcRequest<C['rescheduleBooking']>): Promise<Booking> {
    const { actor, bookingId } = req;
    const row = await this.store.run(async (tx) => {
      const current = await this.ownLive(tx, actor, bookingId, 'rescheduled');
      const offering = (await this.store.catalog.offering(tx, current.offering_id))!;
      let to: { slotId: string | null; practitionerId: string | null; startsAt: Date; endsAt: Date };
      if (current.slot_id) {
        if (!req.slotId) throw LocalServicesErrors.invalid('name the slot to move to', [{ path: 'slotId', message: 'required for a slot booking' }]);
        const slot = await this.store.catalog.slot(tx, req.slotId);
        if (!slot || slot.offering_id !== current.offering_id || slot.status !== 'open') throw LocalServicesErrors.slotNotFound(req.slotId);
        if (slot.id === current.slot_id) return current;
        if (slot.starts_at.getTime() <= Date.now()) throw LocalServicesErrors.outsideAvailability();
        if (!(await this.store.catalog.takeSeat(tx, slot.id))) throw LocalServicesErrors.slotFull(slot.id);
        await this.store.catalog.releaseSeat(tx, current.slot_id);
        to = { slotId: slot.id, practitionerId: slot.practitioner_id, startsAt: slot.starts_at, endsAt: slot.ends_at };
      } else {
        if (!req.startsAt) throw LocalServicesErrors.invalid('name the new start', [{ path: 'startsAt', message: 'required for a practitioner booking' }]);
        const startsAt = new Date(req.startsAt);
        const endsAt = new Date(startsAt.getTime() + offering.duration_minutes * 60_000);
        if (startsAt.getTime() <= Date.now() || !(await this.store.catalog.withinWindow(tx, current.practitioner_id!, startsAt, endsAt))) throw LocalServicesErrors.outsideAvailability();
        to = { slotId: null, practitionerId: current.practitioner_id, startsAt, endsAt };
      }
      await this.store.bookings.move(tx, bookingId, to).catch((error: unknown) => {
        throw pgError(error)?.code === '23P01' ? LocalServicesErrors.practitionerBusy(to.practitionerId!) : error;
      });
      const row = (await this.store.bookings.booking(tx, bookingId))!;
      await enqueueEvent(tx, localServices.bookingRescheduled, { ...bookingEventData(row), previousStartsAt: current.starts_at.toISOString(), previousEndsAt: current.ends_at.toISOString() });
      await this.webhooks.enqueue(tx, 'booking.rescheduled', row);
      return row;
    });
    return toBooking(row);
  }

  async review(req: RpcRequest<C['reviewBooking']>): Promise<Booking> {
    const row = await this.store.run(async (tx) => {
      const current = await this.lockOwn(tx, req.actor, req.bookingId);
      if (current.status !== 'completed') throw LocalServicesErrors.notCompleted(current.status);
      if (!(await this.store.bookings.insertReview(tx, current.id, req.actor.userId, req.rating, req.text?.length ? req.text : null))) throw LocalServicesErrors.alreadyReviewed();
      const row = (await this.store.bookings.booking(tx, current.id))!;
      await enqueueEvent(tx, localServices.bookingReviewed, { ...bookingEventData(row), rating: req.rating });
      await this.webhooks.enqueue(tx, 'booking.reviewed', row);
      return row;
    });
    return toBooking(row);
  }

  async partnerList(req: RpcRequest<C['listPartnerBookings']>): Promise<{ bookings: Booking[] }> {
    return this.providers.partnerCall(req.partner, 'booking.list', null, async (tx) => ({
      bookings: (await this.store.bookings.ofProvider(tx, req.partner.providerId, req.status ?? null, req.limit)).map(toBooking),
    }));
  }

  /** Confirm, complete or no-show by the provider's system; another provider's booking is not found. */
  async partnerTransition(req: RpcRequest<C['transitionPartnerBooking']>): Promise<Booking> {
    const row = await this.providers.partnerCall(req.partner, `booking.${req.action}`, req.bookingId, async (tx) => {
      if (!(await this.store.bookings.lock(tx, req.bookingId))) throw LocalServicesErrors.bookingNotFound(req.bookingId);
      const current = (await this.store.bookings.booking(tx, req.bookingId))!;
      if (current.provider_id !== req.partner.providerId) throw LocalServicesErrors.bookingNotFound(req.bookingId);
      const next = partnerTransition(current.status, req.action);
      if (!next) throw LocalServicesErrors.invalidTransition(current.status, req.action);
      await this.store.bookings.setStatus(tx, current.id, next);
      const row = (await this.store.bookings.booking(tx, current.id))!;
      if (next === 'completed') {
        const bps = this.options.leaderFeeBps;
        const completedAt = new Date();
        await enqueueEvent(tx, localServices.bookingCompleted, {
          ...bookingEventData(row, completedAt),
          leaderUserId: await this.store.bookings.leaderOf(tx, row.user_id),
          leaderFeeBps: bps,
          leaderFeeCents: Math.round((row.price_cents * bps) / 10_000),
          completedAt: completedAt.toISOString(),
        });
      }
      return row;
    });
    // Points pay for a completed booking and for a missed one; they were reserved at booking.
    if ((row.status === 'completed' || row.status === 'no_show') && row.points_state === 'reserved' && row.points_reservation_id) {
      await this.points.commit({ userId: row.user_id, reservationId: row.points_reservation_id });
      await this.store.bookings.setPointsState(this.store.reader, row.id, 'committed');
    }
    return toBooking((await this.store.bookings.booking(this.store.reader, row.id))!);
  }

  /** A verified payment notification: pays a booking awaiting payment; a payment for a cancelled booking is refunded. */
  async onPaymentNotification(req: RpcRequest<C['paymentCallback']>): Promise<{ outcome: 'paid' | 'duplicate' | 'failed' | 'refunded' | 'ignored' }> {
    const { notification } = req;
    if (req.provider !== this.payments.name || !this.payments.verify(notification, req.signature)) {
      throw LocalServicesErrors.invalid('the payment notification signature does not verify', [{ path: 'signature', message: 'invalid' }]);
    }
    const result = await this.store.run(async (tx) => {
      const payment = await this.store.bookings.payment(tx, notification.merchantPaymentId, { lock: true });
      if (!payment || payment.amount_cents !== notification.amountCents) return { outcome: 'ignored' as const };
      if (!(await this.store.bookings.recordNotification(tx, notification.notificationId, payment.id))) return { outcome: 'duplicate' as const };
      await this.store.bookings.lock(tx, payment.booking_id);
      const booking = (await this.store.bookings.booking(tx, payment.booking_id))!;
      if (notification.status === 'failed') {
        if (payment.status === 'created') await this.store.bookings.setPaymentStatus(tx, payment.id, 'failed');
        return { outcome: 'failed' as const };
      }
      // A success after a reported failure is still money received: it pays the booking or is refunded.
      if (payment.status === 'succeeded' || payment.status === 'refunded') return { outcome: 'duplicate' as const };
      await this.store.bookings.setPaymentStatus(tx, payment.id, 'succeeded');
      if (booking.status === 'pending_payment') {
        await this.store.bookings.setStatus(tx, booking.id, 'paid');
        return { outcome: 'paid' as const };
      }
      return { outcome: 'refunded' as const, refund: { ...payment, booking } };
    });
    if ('refund' in result && result.refund) {
      await this.refund(result.refund.id, result.refund.provider_payment_id ?? '', result.refund.amount_cents, 'booking cancelled before payment arrived');
    }
    return { outcome: result.outcome };
  }

  private async settleCancelled(row: BookingRow, refund: boolean): Promise<void> {
    if (refund && row.payment_id) {
      const payment = (await this.store.bookings.payment(this.store.reader, row.payment_id))!;
      await this.refund(payment.id, payment.provider_payment_id ?? '', payment.amount_cents, 'booking cancelled');
    }
    if (row.points_state === 'reserved' && row.points_reservation_id) {
      await this.points.release({ userId: row.user_id, reservationId: row.points_reservation_id });
      await this.store.bookings.setPointsState(this.store.reader, row.id, 'released');
    }
  }

  private async refund(paymentId: string, providerPaymentId: string, amountCents: number, reason: string): Promise<void> {
    const result = await this.payments.refund({ paymentId, providerPaymentId, amountCents, reason });
    if (result.status === 'succeeded') await this.store.bookings.setPaymentStatus(this.store.reader, paymentId, 'refunded');
    else this.logger.error(`refund of payment ${paymentId} failed; it stays succeeded for ops to settle`);
  }

  private async lockOwn(tx: Tx, actor: Actor, bookingId: string): Promise<BookingRow> {
    if (!(await this.store.bookings.lock(tx, bookingId))) throw LocalServicesErrors.bookingNotFound(bookingId);
    const row = (await this.store.bookings.booking(tx, bookingId))!;
    if (row.user_id !== actor.userId) throw LocalServicesErrors.bookingNotFound(bookingId);
    return row;
  }

  /** The resident's own live booking, still inside the provider's notice window. */
  private async ownLive(tx: Tx, actor: Actor, bookingId: string, to: string): Promise<BookingRow> {
    const row = await this.lockOwn(tx, actor, bookingId);
    if (!(LIVE as readonly string[]).includes(row.status)) throw LocalServicesErrors.invalidTransition(row.status, to);
    const provider = (await this.store.providers.provider(tx, row.provider_id))!;
    if (row.starts_at.getTime() - provider.cancel_notice_hours * 3600_000 <= Date.now()) throw LocalServicesErrors.policyWindowClosed(provider.cancel_notice_hours);
    return row;
  }
}

/** Runs {@link BookingsService.expireUnpaid} every `expiryIntervalMs`. */
@Injectable()
export class BookingExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BookingExpiry');
  private readonly task = new PeriodicTask(this.logger, 'expiry', async () => {
    const n = await this.bookings.expireUnpaid();
    if (n > 0) this.logger.log(`${n} unpaid booking(s) cancelled`);
  });

  constructor(
    @Inject(BookingsService) private readonly bookings: BookingsService,
    @Inject(LOCAL_SERVICES_OPTIONS) private readonly options: LocalServicesOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.options.expiryIntervalMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
