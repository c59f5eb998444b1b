import { leaderCustomers as c } from '@linli/contracts';
import { bind, rpcBindings } from '@linli/nest-kit';
import { festivalCalendar } from './calendar.js';
import { CustomersService } from './customers.service.js';
import { MessagingService } from './messaging.service.js';
import { SettlementsService } from './settlements.service.js';

/** NATS surface of the leader's customer operations; requests arrive validated against the contracts. */
export const LeaderCustomersNatsController = rpcBindings('leader-customers', [CustomersService, MessagingService, SettlementsService], (customers, messaging, settlements) => [
  bind(c.festivals, (req) => festivalCalendar(req.year)),
  bind(c.listCustomers, (req) => customers.list(req)),
  bind(c.getCustomer, (req) => customers.get(req.actor, req.userId)),
  bind(c.setCustomerNotes, (req) => customers.setNotes(req)),
  bind(c.attentionList, (req) => customers.attention(req.actor, req.days)),
  bind(c.createReminder, (req) => customers.createReminder(req)),
  bind(c.listReminders, (req) => customers.listReminders(req)),
  bind(c.closeReminder, (req) => customers.closeReminder(req)),
  bind(c.createDrafts, (req) => messaging.createDrafts(req)),
  bind(c.listDrafts, (req) => messaging.listDrafts(req)),
  bind(c.editDraft, (req) => messaging.edit(req)),
  bind(c.approveDraft, (req) => messaging.approve(req)),
  bind(c.sendDraft, (req) => messaging.send(req)),
  bind(c.listSentMessages, (req) => messaging.sent(req)),
  bind(c.inbox, (req) => messaging.inbox(req)),
  bind(c.markRead, (req) => messaging.markRead(req)),
  bind(c.getSettlement, (req) => settlements.get(req)),
  bind(c.issueSettlements, (req) => settlements.issue(req)),
  bind(c.adjustSettlement, (req) => settlements.adjust(req)),
  bind(c.approveSettlement, (req) => settlements.approve(req)),
  bind(c.markSettlementPaid, (req) => settlements.markPaid(req)),
  bind(c.dashboard, (req) => settlements.dashboard(req.actor)),
]);
