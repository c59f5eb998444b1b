import { Inject, Injectable } from '@nestjs/common';
import { randomInt, timingSafeEqual } from 'node:crypto';
import { communities as c, type Actor, type RpcRequest } from '@linli/contracts';
import type { EventRow, RsvpRow } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { CommunitiesContext, isOps, type Tx } from './communities.context.js';
import { CommunitiesErrors as E } from './communities.exception.js';
import { CommunitiesService } from './communities.service.js';
import { SurveysService } from './surveys.service.js';

/** Check-in opens this long before the start (and closes at the end). */
export const CHECK_IN_OPENS_BEFORE_MS = 2 * 60 * 60 * 1000;

export function toEvent(row: EventRow, showCode: boolean): c.CommunityEvent {
  return {
    eventId: row.id,
    communityId: row.communityId,
    title: row.title,
    description: row.description,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    pickupPointId: row.pickupPointId,
    address: row.address,
    compoundId: row.compoundId,
    capacity: row.capacity,
    waitlistCapacity: row.waitlistCapacity,
    confirmed: row.confirmed,
    waitlisted: row.waitlisted,
    organiserUserId: row.organiserUserId,
    checkInCode: showCode ? row.checkInCode : null,
    createdAt: row.createdAt.toISOString(),
  };
}

function toRsvp(r: RsvpRow, position: number | null): c.Rsvp {
  return {
    eventId: r.eventId,
    userId: r.userId,
    status: r.status,
    waitlistPosition: position,
    createdAt: r.createdAt.toISOString(),
    confirmedAt: r.confirmedAt?.toISOString() ?? null,
    checkedInAt: r.checkedInAt?.toISOString() ?? null,
  };
}

function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Events: creation by organisers, RSVPs with a waiting list the database keeps within capacity, check-in by code, attendance. */
@Injectable()
export class EventsService {
  constructor(
    @Inject(CommunitiesContext) private readonly ctx: CommunitiesContext,
    @Inject(CommunitiesService) private readonly communities: CommunitiesService,
    @Inject(SurveysService) private readonly surveys: SurveysService,
  ) {}

  private async require(tx: Tx, eventId: string): Promise<EventRow> {
    const row = await this.ctx.events.get(tx, eventId);
    if (!row) throw E.eventNotFound(eventId);
    return row;
  }

  private ref(e: EventRow) {
    return { eventId: e.id, communityId: e.communityId, compoundId: e.compoundId, pickupPointId: e.pickupPointId, organiserUserId: e.organiserUserId };
  }

  async create(req: RpcRequest<typeof c.createEvent>): Promise<c.CommunityEvent> {
    const { actor } = req;
    return this.ctx.run(async (tx) => {
      let compoundId = req.compoundId ?? null;
      if (req.communityId) {
        const community = await this.communities.require(tx, req.communityId);
        await this.communities.assertModerator(tx, actor, community.id);
        compoundId ??= community.compoundId;
      }
      if (req.pickupPointId) {
        const point = await this.ctx.replicas.pickupPoint(tx, req.pickupPointId);
        if (!point) throw E.pickupPointUnknown(req.pickupPointId);
        if (!req.communityId && !isOps(actor) && point.leaderUserId !== actor.userId) throw E.notPointLeader(req.pickupPointId);
        compoundId ??= point.compoundIds[0] ?? null;
      }
      if (!req.communityId && !req.pickupPointId && !isOps(actor)) throw E.forbidden('an event without a community or pickup point is for ops to create');
      if (Date.parse(req.startsAt) <= Date.now()) throw E.invalid('an event starts in the future', 'startsAt');
      const row = await this.ctx.events.create(tx, {
        communityId: req.communityId ?? null,
        title: req.title,
        description: req.description,
        startsAt: new Date(req.startsAt),
        endsAt: new Date(req.endsAt),
        pickupPointId: req.pickupPointId ?? null,
        address: req.address ?? null,
        compoundId,
        capacity: req.capacity,
        waitlistCapacity: req.waitlistCapacity,
        organiserUserId: actor.userId,
        checkInCode: String(randomInt(0, 1_000_000)).padStart(6, '0'),
      });
      return toEvent(row, true);
    });
  }

  async list(req: RpcRequest<typeof c.listEvents>) {
    const rows = await this.ctx.events.list(this.ctx.reader, req);
    return { events: rows.map((r) => toEvent(r, isOps(req.actor) || r.organiserUserId === req.actor.userId)) };
  }

  async get(actor: Actor, eventId: string) {
    const tx = this.ctx.reader;
    const row = await this.require(tx, eventId);
    const mine = await this.ctx.events.rsvpOf(tx, eventId, actor.userId);
    return { event: toEvent(row, isOps(actor) || row.organiserUserId === actor.userId), myRsvp: mine ? toRsvp(mine, await this.ctx.events.waitlistPosition(tx, mine)) : null };
  }

  /** A community's events are for its members who are not banned. */
  private async assertMayAttend(tx: Tx, actor: Actor, communityId: string): Promise<void> {
    await this.communities.assertMember(tx, actor, communityId);
    await this.communities.assertNotBanned(tx, communityId, actor.userId);
  }

  async rsvp(actor: Actor, eventId: string): Promise<c.Rsvp> {
    return this.ctx.run(async (tx) => {
      const event = await this.require(tx, eventId);
      if (event.communityId) await this.assertMayAttend(tx, actor, event.communityId);
      if (event.startsAt <= new Date()) throw E.eventPast(eventId);
      const outcome = await this.ctx.events.rsvp(tx, eventId, actor.userId);
      switch (outcome.kind) {
        case 'duplicate':
          throw E.alreadyRsvped(eventId, outcome.rsvp.status);
        case 'full':
          throw E.eventFull(eventId);
        case 'closed':
          throw E.eventPast(eventId);
        case 'confirmed':
          await enqueueEvent(tx, c.rsvpConfirmed, { ...this.ref(event), userId: actor.userId, promotedFromWaitlist: false, confirmedAt: outcome.rsvp.confirmedAt!.toISOString() });
          return toRsvp(outcome.rsvp, null);
        case 'waitlisted':
          return toRsvp(outcome.rsvp, await this.ctx.events.waitlistPosition(tx, outcome.rsvp));
      }
    });
  }

  async cancel(actor: Actor, eventId: string) {
    return this.ctx.run(async (tx) => {
      const event = await this.require(tx, eventId);
      const result = await this.ctx.events.cancel(tx, eventId, actor.userId);
      if (!result) throw E.rsvpNotFound(eventId);
      if (result.promoted) {
        await enqueueEvent(tx, c.rsvpConfirmed, { ...this.ref(event), userId: result.promoted.userId, promotedFromWaitlist: true, confirmedAt: result.promoted.confirmedAt!.toISOString() });
      }
      return { rsvp: toRsvp(result.rsvp, null), promotedUserId: result.promoted?.userId ?? null };
    });
  }

  async checkIn(actor: Actor, eventId: string, code: string, now = new Date()): Promise<c.Rsvp> {
    return this.ctx.run(async (tx) => {
      const event = await this.require(tx, eventId);
      if (event.communityId) await this.communities.assertMember(tx, actor, event.communityId);
      const rsvp = await this.ctx.events.rsvpOf(tx, eventId, actor.userId);
      if (!rsvp || rsvp.status !== 'confirmed') throw E.notConfirmed(eventId);
      if (now.getTime() < event.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MS || now > event.endsAt) throw E.checkInClosed(eventId);
      if (!sameCode(code, event.checkInCode)) throw E.checkInCodeInvalid(eventId);
      const row = await this.ctx.events.checkIn(tx, eventId, actor.userId);
      if (!row) throw E.alreadyCheckedIn(eventId);
      await enqueueEvent(tx, c.checkedIn, { ...this.ref(event), userId: actor.userId, checkedInAt: row.checkedInAt!.toISOString() });
      const leader = event.pickupPointId ? ((await this.ctx.replicas.pickupPoint(tx, event.pickupPointId))?.leaderUserId ?? null) : null;
      await this.surveys.offerNps(tx, { userId: actor.userId, trigger: 'event', compoundId: event.compoundId, pickupPointId: event.pickupPointId, leaderUserId: leader });
      return toRsvp(row, null);
    });
  }

  /** The organiser, moderators of the event's community and ops see who comes (display names only). */
  async rsvps(actor: Actor, eventId: string, limit: number) {
    const tx = this.ctx.reader;
    const event = await this.require(tx, eventId);
    if (event.organiserUserId !== actor.userId && !isOps(actor)) {
      if (!event.communityId) throw E.forbidden('only the organiser (or ops) sees who comes');
      await this.communities.assertModerator(tx, actor, event.communityId);
    }
    const rows = await this.ctx.events.rsvpsOfEvent(tx, eventId, limit);
    const name = await this.ctx.names(tx, rows.map((r) => r.userId));
    let position = 0;
    return { rsvps: rows.map((r) => ({ ...toRsvp(r, r.status === 'waitlisted' ? ++position : null), displayName: name(r.userId) })) };
  }

  async mine(actor: Actor, limit: number) {
    const rows = await this.ctx.events.rsvpsOf(this.ctx.reader, actor.userId, limit);
    return { rsvps: rows.map((r) => ({ ...toRsvp(r, null), title: r.title, startsAt: r.startsAt.toISOString() })) };
  }
}
