import { Inject, Injectable } from '@nestjs/common';
import { assertMayReadPersonalData, type PersonalDataExport, type RpcRequest, type personalDataExport } from '@linli/contracts';
import { toBooking, toProvider } from './local-services.mappers.js';
import { LocalServicesStore } from './local-services.store.js';

/**
 * The resident's own copy of what local services holds about them: their bookings with notes (the
 * sensitive health details of clinic bookings are included here, and only here besides the provider)
 * and reviews, and the provider applications they made.
 */
@Injectable()
export class PersonalDataService {
  constructor(@Inject(LocalServicesStore) private readonly store: LocalServicesStore) {}

  async export(req: RpcRequest<(typeof personalDataExport)['local-services']>): Promise<PersonalDataExport> {
    assertMayReadPersonalData(req);
    const reader = this.store.reader;
    const bookings = (await this.store.bookings.ofUsers(reader, req.userIds)).map(toBooking);
    const providers = (await this.store.providers.providersOwnedBy(reader, req.userIds)).map(toProvider);
    return {
      service: 'local-services',
      sections: {
        bookings: bookings.map(({ sensitiveNote, review, ...booking }) => ({ ...booking, note: sensitiveNote, sensitive: sensitiveNote !== null && ['clinic', 'health-check'].includes(booking.category) })),
        reviews: bookings.filter((b) => b.review).map((b) => ({ bookingId: b.bookingId, ...b.review })),
        providerApplications: providers,
      },
    };
  }
}
