import { LinliError } from '@linli/contracts';

/** The communities service's errors; each carries a code from the contracts (mapped to an HTTP status by the gateway). */
export const CommunitiesErrors = {
  forbidden: (message: string) => new LinliError('AUTH.FORBIDDEN', message),
  invalid: (message: string, path: string) => new LinliError('COMMON.VALIDATION_FAILED', message, { fields: [{ path, message }] }),
  communityNotFound: (communityId: string) => new LinliError('COMMUNITIES.COMMUNITY_NOT_FOUND', 'no such community', { communityId }),
  notMember: (communityId: string) => new LinliError('COMMUNITIES.NOT_MEMBER', 'join the community first', { communityId }),
  alreadyMember: (communityId: string) => new LinliError('COMMUNITIES.ALREADY_MEMBER', 'you are already a member of this community', { communityId }),
  outOfReach: (communityId: string, scope: string) =>
    new LinliError('COMMUNITIES.OUT_OF_REACH', `this ${scope} community is for residents of its ${scope === 'compound' ? 'compound' : 'pickup point'}`, { communityId, scope }),
  ownerCannotLeave: (communityId: string) => new LinliError('COMMUNITIES.OWNER_CANNOT_LEAVE', 'the owner cannot leave the community they own', { communityId }),
  notModerator: (communityId: string) => new LinliError('COMMUNITIES.NOT_MODERATOR', 'only moderators of this community (or ops) may do this', { communityId }),
  notPointLeader: (pickupPointId: string) => new LinliError('COMMUNITIES.NOT_POINT_LEADER', 'only the leader who runs this pickup point (or ops) may do this', { pickupPointId }),
  pickupPointUnknown: (pickupPointId: string) => new LinliError('COMMUNITIES.PICKUP_POINT_UNKNOWN', 'no such pickup point', { pickupPointId }),
  banned: (communityId: string, until: Date) => new LinliError('COMMUNITIES.BANNED', `you are banned in this community until ${until.toISOString()}`, { communityId, until: until.toISOString() }),
  rateLimited: (communityId: string, limit: number, windowSeconds: number) =>
    new LinliError('COMMUNITIES.POST_RATE_LIMITED', `at most ${limit} posts per ${Math.round(windowSeconds / 60)} minutes`, { communityId, limit, windowSeconds }),
  postNotFound: (postId: string) => new LinliError('COMMUNITIES.POST_NOT_FOUND', 'no such post', { postId }),
  alreadyReported: (postId: string) => new LinliError('COMMUNITIES.ALREADY_REPORTED', 'you already reported this post', { postId }),
  eventNotFound: (eventId: string) => new LinliError('COMMUNITIES.EVENT_NOT_FOUND', 'no such event', { eventId }),
  eventPast: (eventId: string) => new LinliError('COMMUNITIES.EVENT_PAST', 'the event has already started', { eventId }),
  eventFull: (eventId: string) => new LinliError('COMMUNITIES.EVENT_FULL', 'the event and its waiting list are full', { eventId }),
  alreadyRsvped: (eventId: string, status: string) => new LinliError('COMMUNITIES.ALREADY_RSVPED', `you already RSVPed (${status})`, { eventId, status }),
  rsvpNotFound: (eventId: string) => new LinliError('COMMUNITIES.RSVP_NOT_FOUND', 'you have no RSVP for this event', { eventId }),
  notConfirmed: (eventId: string) => new LinliError('COMMUNITIES.NOT_CONFIRMED', 'only confirmed RSVPs check in', { eventId }),
  checkInCodeInvalid: (eventId: string) => new LinliError('COMMUNITIES.CHECK_IN_CODE_INVALID', 'wrong check-in code', { eventId }),
  checkInClosed: (eventId: string) => new LinliError('COMMUNITIES.CHECK_IN_CLOSED', 'check-in opens two hours before the start and closes at the end', { eventId }),
  alreadyCheckedIn: (eventId: string) => new LinliError('COMMUNITIES.ALREADY_CHECKED_IN', 'you are already checked in', { eventId }),
  proposalNotFound: (proposalId: string) => new LinliError('COMMUNITIES.PROPOSAL_NOT_FOUND', 'no such proposal', { proposalId }),
  proposalClosed: (proposalId: string) => new LinliError('COMMUNITIES.PROPOSAL_CLOSED', 'the proposal is launched; it takes no more votes or feedback', { proposalId }),
  alreadyVoted: (proposalId: string) => new LinliError('COMMUNITIES.ALREADY_VOTED', 'you already voted for this proposal', { proposalId }),
  feedbackGiven: (proposalId: string, round: number) =>
    new LinliError('COMMUNITIES.FEEDBACK_ALREADY_GIVEN', `you already gave feedback in round ${round} of this proposal`, { proposalId, round }),
  surveyNotFound: (surveyId: string) => new LinliError('COMMUNITIES.SURVEY_NOT_FOUND', 'no such survey', { surveyId }),
  surveyNotOffered: (surveyId: string) => new LinliError('COMMUNITIES.SURVEY_NOT_OFFERED', 'this survey is not waiting for your answer', { surveyId }),
  scoreRequired: () => new LinliError('COMMUNITIES.SCORE_REQUIRED', 'this survey needs a score from 0 to 10', { fields: [{ path: 'score', message: 'required' }] }),
  alreadyAnswered: (surveyId: string) => new LinliError('COMMUNITIES.ALREADY_ANSWERED', 'you already answered this survey', { surveyId }),
};
