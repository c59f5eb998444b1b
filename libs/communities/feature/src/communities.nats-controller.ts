import { Inject, Injectable } from '@nestjs/common';
import { communities as c, type RpcRequest } from '@linli/contracts';
import { RpcHandler } from '@linli/nest-kit';
import { CocreationService } from './cocreation.service.js';
import { CommunitiesService } from './communities.service.js';
import { ContentService } from './content.service.js';
import { EventsService } from './events.service.js';
import { SurveysService } from './surveys.service.js';

type Req<C extends Parameters<typeof RpcHandler>[0]> = RpcRequest<C>;

/** NATS request/reply surface of the communities service; requests arrive validated against the contracts. */
@Injectable()
export class CommunitiesNatsController {
  constructor(
    @Inject(CommunitiesService) private readonly communities: CommunitiesService,
    @Inject(ContentService) private readonly content: ContentService,
    @Inject(EventsService) private readonly events: EventsService,
    @Inject(CocreationService) private readonly cocreation: CocreationService,
    @Inject(SurveysService) private readonly surveys: SurveysService,
  ) {}

  @RpcHandler(c.createCommunity)
  createCommunity(req: Req<typeof c.createCommunity>) {
    return this.communities.create(req);
  }

  @RpcHandler(c.listCommunities)
  listCommunities(req: Req<typeof c.listCommunities>) {
    return this.communities.list(req);
  }

  @RpcHandler(c.getCommunity)
  getCommunity(req: Req<typeof c.getCommunity>) {
    return this.communities.get(req.actor, req.communityId);
  }

  @RpcHandler(c.joinCommunity)
  join(req: Req<typeof c.joinCommunity>) {
    return this.communities.join(req.actor, req.communityId);
  }

  @RpcHandler(c.leaveCommunity)
  leave(req: Req<typeof c.leaveCommunity>) {
    return this.communities.leave(req.actor, req.communityId);
  }

  @RpcHandler(c.listMembers)
  members(req: Req<typeof c.listMembers>) {
    return this.communities.members(req.actor, req.communityId, req.limit);
  }

  @RpcHandler(c.appointModerator)
  appointModerator(req: Req<typeof c.appointModerator>) {
    return this.communities.appointModerator(req.actor, req.communityId, req.userId);
  }

  @RpcHandler(c.inviteMembers)
  invite(req: Req<typeof c.inviteMembers>) {
    return this.communities.invite(req);
  }

  @RpcHandler(c.suggestCommunities)
  suggest(req: Req<typeof c.suggestCommunities>) {
    return this.communities.suggest(req.actor, req.limit);
  }

  @RpcHandler(c.createPost)
  createPost(req: Req<typeof c.createPost>) {
    return this.content.create(req);
  }

  @RpcHandler(c.listPosts)
  listPosts(req: Req<typeof c.listPosts>) {
    return this.content.list(req.actor, req.communityId, req.limit);
  }

  @RpcHandler(c.getPost)
  getPost(req: Req<typeof c.getPost>) {
    return this.content.get(req.actor, req.postId);
  }

  @RpcHandler(c.addComment)
  comment(req: Req<typeof c.addComment>) {
    return this.content.comment(req.actor, req.postId, req.body);
  }

  @RpcHandler(c.react)
  react(req: Req<typeof c.react>) {
    return this.content.react(req.actor, req.postId, req.kind);
  }

  @RpcHandler(c.reportPost)
  report(req: Req<typeof c.reportPost>) {
    return this.content.report(req.actor, req.postId, req.reason);
  }

  @RpcHandler(c.moderationQueue)
  queue(req: Req<typeof c.moderationQueue>) {
    return this.content.queue(req.actor, req.communityId, req.limit);
  }

  @RpcHandler(c.moderatePost)
  moderate(req: Req<typeof c.moderatePost>) {
    return this.content.moderate(req.actor, req.postId, req.action, req.reason);
  }

  @RpcHandler(c.banMember)
  ban(req: Req<typeof c.banMember>) {
    return this.content.ban(req);
  }

  @RpcHandler(c.moderationAudit)
  audit(req: Req<typeof c.moderationAudit>) {
    return this.content.audit(req.actor, req.communityId, req.limit);
  }

  @RpcHandler(c.createEvent)
  createEvent(req: Req<typeof c.createEvent>) {
    return this.events.create(req);
  }

  @RpcHandler(c.listEvents)
  listEvents(req: Req<typeof c.listEvents>) {
    return this.events.list(req);
  }

  @RpcHandler(c.getEvent)
  getEvent(req: Req<typeof c.getEvent>) {
    return this.events.get(req.actor, req.eventId);
  }

  @RpcHandler(c.rsvp)
  rsvp(req: Req<typeof c.rsvp>) {
    return this.events.rsvp(req.actor, req.eventId);
  }

  @RpcHandler(c.cancelRsvp)
  cancelRsvp(req: Req<typeof c.cancelRsvp>) {
    return this.events.cancel(req.actor, req.eventId);
  }

  @RpcHandler(c.checkIn)
  checkIn(req: Req<typeof c.checkIn>) {
    return this.events.checkIn(req.actor, req.eventId, req.code);
  }

  @RpcHandler(c.listRsvps)
  listRsvps(req: Req<typeof c.listRsvps>) {
    return this.events.rsvps(req.actor, req.eventId, req.limit);
  }

  @RpcHandler(c.myEvents)
  myEvents(req: Req<typeof c.myEvents>) {
    return this.events.mine(req.actor, req.limit);
  }

  @RpcHandler(c.createProposal)
  createProposal(req: Req<typeof c.createProposal>) {
    return this.cocreation.create(req);
  }

  @RpcHandler(c.listProposals)
  listProposals(req: Req<typeof c.listProposals>) {
    return this.cocreation.list(req);
  }

  @RpcHandler(c.getProposal)
  getProposal(req: Req<typeof c.getProposal>) {
    return this.cocreation.get(req.actor, req.proposalId);
  }

  @RpcHandler(c.voteProposal)
  vote(req: Req<typeof c.voteProposal>) {
    return this.cocreation.vote(req.actor, req.proposalId);
  }

  @RpcHandler(c.giveFeedback)
  feedback(req: Req<typeof c.giveFeedback>) {
    return this.cocreation.feedback(req);
  }

  @RpcHandler(c.nextFeedbackRound)
  nextRound(req: Req<typeof c.nextFeedbackRound>) {
    return this.cocreation.nextRound(req.actor, req.proposalId);
  }

  @RpcHandler(c.launchProposal)
  launch(req: Req<typeof c.launchProposal>) {
    return this.cocreation.launch(req);
  }

  @RpcHandler(c.createSurvey)
  createSurvey(req: Req<typeof c.createSurvey>) {
    return this.surveys.create(req);
  }

  @RpcHandler(c.pendingSurveys)
  pendingSurveys(req: Req<typeof c.pendingSurveys>) {
    return this.surveys.pending(req.actor);
  }

  @RpcHandler(c.answerSurvey)
  answerSurvey(req: Req<typeof c.answerSurvey>) {
    return this.surveys.answer(req);
  }
}
