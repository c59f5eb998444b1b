import { Inject, Injectable } from '@nestjs/common';
import { leaderCustomers as c, type RpcRequest } from '@linli/contracts';
import { RpcHandler } from '@linli/nest-kit';
import { festivalCalendar } from './calendar.js';
import { CustomersService } from './customers.service.js';
import { MessagingService } from './messaging.service.js';
import { SettlementsService } from './settlements.service.js';

/** NATS surface of the leader's customer operations; requests arrive validated against the contracts. */
@Injectable()
export class LeaderCustomersNatsController {
  constructor(
    @Inject(CustomersService) private readonly customers: CustomersService,
    @Inject(MessagingService) private readonly messaging: MessagingService,
    @Inject(SettlementsService) private readonly settlements: SettlementsService,
  ) {}

  @RpcHandler(c.festivals)
  festivals(req: RpcRequest<typeof c.festivals>) {
    return festivalCalendar(req.year);
  }

  @RpcHandler(c.listCustomers)
  listCustomers(req: RpcRequest<typeof c.listCustomers>) {
    return this.customers.list(req);
  }

  @RpcHandler(c.getCustomer)
  getCustomer(req: RpcRequest<typeof c.getCustomer>) {
    return this.customers.get(req.actor, req.userId);
  }

  @RpcHandler(c.setCustomerNotes)
  setNotes(req: RpcRequest<typeof c.setCustomerNotes>) {
    return this.customers.setNotes(req);
  }

  @RpcHandler(c.attentionList)
  attention(req: RpcRequest<typeof c.attentionList>) {
    return this.customers.attention(req.actor, req.days);
  }

  @RpcHandler(c.createReminder)
  createReminder(req: RpcRequest<typeof c.createReminder>) {
    return this.customers.createReminder(req);
  }

  @RpcHandler(c.listReminders)
  listReminders(req: RpcRequest<typeof c.listReminders>) {
    return this.customers.listReminders(req);
  }

  @RpcHandler(c.closeReminder)
  closeReminder(req: RpcRequest<typeof c.closeReminder>) {
    return this.customers.closeReminder(req);
  }

  @RpcHandler(c.createDrafts)
  createDrafts(req: RpcRequest<typeof c.createDrafts>) {
    return this.messaging.createDrafts(req);
  }

  @RpcHandler(c.listDrafts)
  listDrafts(req: RpcRequest<typeof c.listDrafts>) {
    return this.messaging.listDrafts(req);
  }

  @RpcHandler(c.editDraft)
  editDraft(req: RpcRequest<typeof c.editDraft>) {
    return this.messaging.edit(req);
  }

  @RpcHandler(c.approveDraft)
  approveDraft(req: RpcRequest<typeof c.approveDraft>) {
    return this.messaging.approve(req);
  }

  @RpcHandler(c.sendDraft)
  sendDraft(req: RpcRequest<typeof c.sendDraft>) {
    return this.messaging.send(req);
  }

  @RpcHandler(c.listSentMessages)
  sentMessages(req: RpcRequest<typeof c.listSentMessages>) {
    return this.messaging.sent(req);
  }

  @RpcHandler(c.inbox)
  inbox(req: RpcRequest<typeof c.inbox>) {
    return this.messaging.inbox(req);
  }

  @RpcHandler(c.markRead)
  markRead(req: RpcRequest<typeof c.markRead>) {
    return this.messaging.markRead(req);
  }

  @RpcHandler(c.getSettlement)
  getSettlement(req: RpcRequest<typeof c.getSettlement>) {
    return this.settlements.get(req);
  }

  @RpcHandler(c.issueSettlements)
  issueSettlements(req: RpcRequest<typeof c.issueSettlements>) {
    return this.settlements.issue(req);
  }

  @RpcHandler(c.adjustSettlement)
  adjustSettlement(req: RpcRequest<typeof c.adjustSettlement>) {
    return this.settlements.adjust(req);
  }

  @RpcHandler(c.approveSettlement)
  approveSettlement(req: RpcRequest<typeof c.approveSettlement>) {
    return this.settlements.approve(req);
  }

  @RpcHandler(c.markSettlementPaid)
  markPaid(req: RpcRequest<typeof c.markSettlementPaid>) {
    return this.settlements.markPaid(req);
  }

  @RpcHandler(c.dashboard)
  dashboard(req: RpcRequest<typeof c.dashboard>) {
    return this.settlements.dashboard(req.actor);
  }
}
