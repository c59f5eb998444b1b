import type { OrdersClient } from '../client.js';

/**
 * Moves time for the integration tests: the orders service checks cut-offs and payment windows
 * against the database clock, so a test that needs "after the cut-off" moves the rows instead.
 * Not used by the service.
 */
export class OrdersClockTestSupport {
  /** Moves a campaign's cut-off into the past, and with it the payment windows of its unpaid orders. */
  async passCutoff(db: OrdersClient, campaignId: string): Promise<void> {
    await db.$executeRawUnsafe(`UPDATE campaigns SET starts_at = now() - interval '2 hours', cutoff_at = now() - interval '1 second' WHERE id = $1::uuid`, campaignId);
    await db.$executeRawUnsafe(
      `UPDATE orders SET expires_at = least(expires_at, now() - interval '1 second') WHERE campaign_id = $1::uuid AND status = 'pending_payment'`,
      campaignId,
    );
  }
}
