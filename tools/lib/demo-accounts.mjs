// The demo accounts `npm start` creates, by role. Every demo step reads them from here.
export const DEMO_PHONES = {
  ops: '+8613800000001',
  leaders: ['+8613800000011', '+8613800000012', '+8613800000013'],
  /** Owners of the demo local-services providers (housekeeping, clinic). */
  providers: ['+8613800000021', '+8613800000022'],
  residents: Array.from({ length: 9 }, (_, i) => `+86139000000${String(i + 1).padStart(2, '0')}`),
};
/** Neighbours who sign up with a demo resident's invite code (growth's referral demo). */
DEMO_PHONES.invitees = ['+8613900000021', '+8613900000022'];
