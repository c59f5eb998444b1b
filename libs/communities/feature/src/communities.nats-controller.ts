import { communities as c } from '@linli/contracts';
import { bind, rpcBindings } from '@linli/nest-kit';
import { CocreationService } from './cocreation.service.js';
import { CommunitiesService } from './communities.service.js';
import { ContentService } from './content.service.js';
import { EventsService } from './events.service.js';
import { SurveysService } from './surveys.service.js';

/** NATS request/reply surface of the communities service; requests arrive validated against the contracts. */
export const CommunitiesNatsController = rpcBindings('communities', [CommunitiesService, ContentService, EventsService, CocreationService, SurveysService], (communities, content, events, cocreation, surveys) => [
  bind(c.createCommunity, (req) => communities.create(req)),
  bind(c.listCommunities, (req) => communities.list(req)),
  bind(c.getCommunity, (req) => communities.get(req.actor, req.communityId)),
  bind(c.joinCommunity, (req) => communities.join(req.actor, req.communityId)),
  bind(c.leaveCommunity, (req) => communities.leave(req.actor, req.communityId)),
  bind(c.listMembers, (req) => communities.members(req.actor, req.communityId, req.limit)),
  bind(c.appointModerator, (req) => communities.appointModerator(req.actor, req.communityId, req.userId)),
  bind(c.inviteMembers, (req) => communities.invite(req)),
  bind(c.suggestCommunities, (req) => communities.suggest(req.actor, req.limit)),
  bind(c.createPost, (req) => content.create(req)),
  bind(c.listPosts, (req) => content.list(req.actor, req.communityId, req.limit)),
  bind(c.getPost, (req) => content.get(req.actor, req.postId)),
  bind(c.addComment, (req) => content.comment(req.actor, req.postId, req.body)),
  bind(c.react, (req) => content.react(req.actor, req.postId, req.kind)),
  bind(c.reportPost, (req) => content.report(req.actor, req.postId, req.reason)),
  bind(c.moderationQueue, (req) => content.queue(req.actor, req.communityId, req.limit)),
  bind(c.moderatePost, (req) => content.moderate(req.actor, req.postId, req.action, req.reason)),
  bind(c.banMember, (req) => content.ban(req)),
  bind(c.moderationAudit, (req) => content.audit(req.actor, req.communityId, req.limit)),
  bind(c.createEvent, (req) => events.create(req)),
  bind(c.listEvents, (req) => events.list(req)),
  bind(c.getEvent, (req) => events.get(req.actor, req.eventId)),
  bind(c.rsvp, (req) => events.rsvp(req.actor, req.eventId)),
  bind(c.cancelRsvp, (req) => events.cancel(req.actor, req.eventId)),
  bind(c.checkIn, (req) => events.checkIn(req.actor, req.eventId, req.code)),
  bind(c.listRsvps, (req) => events.rsvps(req.actor, req.eventId, req.limit)),
  bind(c.myEvents, (req) => events.mine(req.actor, req.limit)),
  bind(c.createProposal, (req) => cocreation.create(req)),
  bind(c.listProposals, (req) => cocreation.list(req)),
  bind(c.getProposal, (req) => cocreation.get(req.actor, req.proposalId)),
  bind(c.voteProposal, (req) => cocreation.vote(req.actor, req.proposalId)),
  bind(c.giveFeedback, (req) => cocreation.feedback(req)),
  bind(c.nextFeedbackRound, (req) => cocreation.nextRound(req.actor, req.proposalId)),
  bind(c.launchProposal, (req) => cocreation.launch(req)),
  bind(c.createSurvey, (req) => surveys.create(req)),
  bind(c.pendingSurveys, (req) => surveys.pending(req.actor)),
  bind(c.answerSurvey, (req) => surveys.answer(req)),
]);
