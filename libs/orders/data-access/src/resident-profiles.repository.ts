import type { SqlExecutor } from '@linli/nest-kit';
import { keepSurvivorRow } from './client.js';

/**
 * The orders service's copy of residents' display names and buildings (identity owns them), for the
 * leaders' sorting lists. An event older than the row (redelivered late) does not overwrite it.
 */
export class ResidentProfilesRepository {
  /** Takes the profile fields an identity.profile.updated.v1 carries; an absent field is cleared. */
  async upsert(tx: SqlExecutor, row: { userId: string; displayName: string | null; building: string | null; eventAt: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO resident_profiles (user_id, display_name, building, event_at, updated_at) VALUES ($1::uuid, $2, $3, $4::timestamptz, now())
       ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, building = EXCLUDED.building, event_at = EXCLUDED.event_at, updated_at = now()
        WHERE resident_profiles.event_at <= EXCLUDED.event_at`,
      row.userId,
      row.displayName,
      row.building,
      row.eventAt,
    );
  }

  /** Erasure: nothing of the person stays. */
  async erase(tx: SqlExecutor, userId: string): Promise<void> {
    await tx.$executeRawUnsafe('DELETE FROM resident_profiles WHERE user_id = $1::uuid', userId);
  }

  /** A merge: the surviving account keeps its own profile, or takes the merged one's when it has none. */
  async merge(tx: SqlExecutor, sourceUserId: string, targetUserId: string): Promise<void> {
    await keepSurvivorRow(tx, 'resident_profiles', ['display_name', 'building', 'event_at'], sourceUserId, targetUserId);
  }
}
