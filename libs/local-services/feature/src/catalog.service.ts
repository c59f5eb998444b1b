import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { localServices, type RpcRequest } from '@linli/contracts';
import { LocalServicesErrors, pgError } from './local-services.exception.js';
import { toOffering, toSlot } from './local-services.mappers.js';
import { LocalServicesStore } from './local-services.store.js';
import { ProvidersService } from './providers.service.js';

type C = typeof localServices;
const UPCOMING_SLOTS_PER_OFFERING = 20;

/** The catalogue: offerings, practitioners with working hours (calendars), slots; and what residents browse. */
@Injectable()
export class CatalogService {
  constructor(
    @Inject(LocalServicesStore) private readonly store: LocalServicesStore,
    @Inject(ProvidersService) private readonly providers: ProvidersService,
  ) {}

  async createOffering(req: RpcRequest<C['createOffering']>): Promise<localServices.Offering> {
    const { partner, offering } = req;
    return this.providers.partnerCall(partner, 'offering.create', null, async (tx) => {
      const provider = (await this.store.providers.provider(tx, partner.providerId))!;
      const fields: { path: string; message: string }[] = [];
      const outside = offering.compoundIds.filter((id) => !provider.compound_ids.includes(id));
      if (outside.length) fields.push({ path: 'offering.compoundIds', message: `not among the provider's approved compounds: ${outside.join(', ')}` });
      if (!provider.categories.includes(offering.category)) fields.push({ path: 'offering.category', message: `the provider was approved for ${provider.categories.join(', ')}` });
      if (offering.mode === 'calendar' && !localServices.SENSITIVE_CATEGORIES.includes(offering.category) && offering.category !== 'tutoring') {
        fields.push({ path: 'offering.mode', message: 'practitioner calendars are for clinics, health checks and tutoring' });
      }
      if (fields.length) throw LocalServicesErrors.offeringInvalid('the offering does not fit the provider', fields);
      const id = randomUUID();
      await this.store.catalog.insertOffering(tx, {
        id,
        providerId: partner.providerId,
        category: offering.category,
        title: offering.title,
        description: offering.description,
        priceCents: offering.priceCents,
        durationMinutes: offering.durationMinutes,
        compoundIds: [...new Set(offering.compoundIds)],
        pointsPrice: offering.pointsPrice,
        mode: offering.mode,
        sensitive: localServices.SENSITIVE_CATEGORIES.includes(offering.category),
      });
      return toOffering((await this.store.catalog.offering(tx, id))!);
    });
  }

  async createPractitioner(req: RpcRequest<C['createPractitioner']>) {
    const windows = req.availability.map((w, i) => {
      const startsAt = new Date(w.startsAt);
      const endsAt = new Date(w.endsAt);
      if (endsAt <= startsAt) throw LocalServicesErrors.invalid('a working window must end after it starts', [{ path: `availability.${i}.endsAt`, message: 'must be after startsAt' }]);
      return { startsAt, endsAt };
    });
    return this.providers.partnerCall(req.partner, 'practitioner.create', null, async (tx) => {
      const id = randomUUID();
      await this.store.catalog.insertPractitioner(tx, { id, providerId: req.partner.providerId, name: req.name, windows });
      return {
        practitionerId: id,
        providerId: req.partner.providerId,
        name: req.name,
        availability: windows.map((w) => ({ startsAt: w.startsAt.toISOString(), endsAt: w.endsAt.toISOString() })),
      };
    });
  }

  async createSlots(req: RpcRequest<C['createSlots']>): Promise<{ slots: localServices.Slot[] }> {
    const { partner } = req;
    return this.providers.partnerCall(partner, 'slot.create', req.offeringId, async (tx) => {
        const offering = await this.store.catalog.offering(tx, req.offeringId);
        if (!offering || offering.provider_id !== partner.providerId) throw LocalServicesErrors.offeringNotFound(req.offeringId);
        if (offering.mode !== 'slots') throw LocalServicesErrors.offeringInvalid('a calendar offering is booked in its practitioners’ hours, not in slots', [{ path: 'offeringId', message: 'calendar offering' }]);
        const practitioners = new Set(req.slots.map((s) => s.practitionerId).filter((p): p is string => !!p));
        for (const practitionerId of practitioners) {
          const practitioner = await this.store.catalog.practitioner(tx, practitionerId);
          if (!practitioner || practitioner.provider_id !== partner.providerId) throw LocalServicesErrors.practitionerNotFound(practitionerId);
        }
        const rows = await this.store.catalog
          .insertSlots(
          tx,
          req.slots.map((s, i) => {
            if (s.practitionerId && s.capacity !== 1) throw LocalServicesErrors.invalid('a practitioner’s slot is one appointment', [{ path: `slots.${i}.capacity`, message: 'must be 1 with a practitioner' }]);
            const startsAt = new Date(s.startsAt);
            return {
              id: randomUUID(),
              offeringId: offering.id,
              providerId: partner.providerId,
              practitionerId: s.practitionerId ?? null,
              startsAt,
              endsAt: new Date(startsAt.getTime() + offering.duration_minutes * 60_000),
              capacity: s.capacity,
            };
          }),
          )
          .catch((error: unknown) => {
            // The exclusion constraint: a practitioner's open slots never overlap (also against existing ones).
            throw pgError(error)?.code === '23P01' ? LocalServicesErrors.slotOverlap() : error;
          });
        return { slots: rows.map(toSlot).sort((a, b) => a.startsAt.localeCompare(b.startsAt)) };
      });
  }

  /** Active offerings serving the resident's compound (or the one named), each with its next open slots. */
  async browse(req: RpcRequest<C['browseOfferings']>): Promise<{ offerings: localServices.Offering[] }> {
    const reader = this.store.reader;
    const compoundId = req.compoundId ?? (await this.store.bookings.placeOf(reader, req.actor.userId));
    if (!compoundId) throw LocalServicesErrors.notBound();
    const offerings = await this.store.catalog.offeringsServing(reader, compoundId, req.category ?? null);
    const slots = await this.store.catalog.upcomingSlots(
      reader,
      offerings.filter((o) => o.mode === 'slots').map((o) => o.id),
      new Date(),
      UPCOMING_SLOTS_PER_OFFERING,
    );
    return { offerings: offerings.map((o) => toOffering(o, slots.filter((s) => s.offering_id === o.id))) };
  }
}
