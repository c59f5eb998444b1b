import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Actor, RpcRequest, RpcResponse, leaderCustomers as lc } from '@linli/contracts';
import { CatalogRepository, CustomersRepository, DraftsRepository, MessagesRepository, type Draft, type Message, type Prisma } from '@linli/leader-ops-data-access';
import { FESTIVAL_NAMES_EN, festivalCalendar, festivalsBetween, localDate } from './calendar.js';
import { RISK_BANDS, sugarShare } from './customer-rules.js';
import { toOrderFact } from './customers.service.js';
import { assertCustomerOf, assertLeader } from './leader-access.js';
import { LeaderCustomerErrors } from './leader-customers.exception.js';
import { LeaderCustomersService } from './leader-customers.options.js';
import { inQuietHours } from './message-channels.js';
import type { DraftInputs } from './text-generator.js';

export function toDraft(d: Draft): lc.Draft {
  return {
    draftId: d.id,
    userId: d.userId,
    kind: d.kind as lc.Draft['kind'],
    locale: d.locale as lc.Draft['locale'],
    text: d.text,
    inputs: d.inputs as Record<string, unknown>,
    generator: d.generator,
    status: d.status as lc.Draft['status'],
    edited: d.edited,
    approvedAt: d.approvedAt?.toISOString() ?? null,
    messageId: d.messageId,
    createdAt: d.createdAt.toISOString(),
  };
}

export function toMessage(m: Message): lc.Message {
  return {
    messageId: m.id,
    userId: m.userId,
    senderUserId: m.senderUserId,
    channel: m.channel as lc.Message['channel'],
    category: m.category as lc.Message['category'],
    title: m.title,
    body: m.body,
    deliveryStatus: m.deliveryStatus as lc.Message['deliveryStatus'],
    deliveryError: m.deliveryError,
    readAt: m.readAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
    deliveredAt: m.deliveredAt?.toISOString() ?? null,
  };
}

function toInbox(m: Message): InboxMessage {
  const { deliveryError: _omitted, ...rest } = toMessage(m);
  return { ...rest, read: m.readAt !== null };
}
type InboxMessage = RpcResponse<typeof lc.markRead>;

const TITLES: Record<lc.Draft['kind'], Record<lc.Draft['locale'], string>> = {
  birthday: { 'zh-CN': '生日祝福', en: 'Happy birthday' },
  festival: { 'zh-CN': '节日问候', en: 'Festival wishes' },
  'healthy-eating': { 'zh-CN': '健康饮食小贴士', en: 'A healthy-eating note' },
};

/**
 * Drafted care messages and their delivery. A draft is written by the configured text generator
 * from recorded inputs, edited and approved by the leader, and only then sent — once — through a
 * message channel, with marketing consent and quiet hours enforced. The in-app inbox is read here too.
 */
@Injectable()
export class MessagingService extends LeaderCustomersService {
  private readonly logger = new Logger('Messaging');
  private readonly customers = new CustomersRepository();
  private readonly drafts = new DraftsRepository();
  private readonly messages = new MessagesRepository();
  private readonly catalog = new CatalogRepository();

  async createDrafts(req: RpcRequest<typeof lc.createDrafts>): Promise<RpcResponse<typeof lc.createDrafts>> {
    assertLeader(req.actor);
    let userIds: string[];
    if (req.userId) {
      await assertCustomerOf(this.db, req.actor.userId, req.userId);
      userIds = [req.userId];
    } else {
      const rows = await this.customers.customersOfLeader(this.db, req.actor.userId, {
        stage: req.segment?.stage,
        tier: req.segment?.tier,
        risk: req.segment?.risk ? RISK_BANDS[req.segment.risk] : undefined,
        limit: 200,
      });
      userIds = rows.map((r) => r.userId);
      if (userIds.length === 0) throw LeaderCustomerErrors.noCustomers();
    }
    const now = this.options.now();
    const festival = req.kind === 'festival' ? this.festival(req.festivalKey, now) : undefined;
    const points = req.kind === 'healthy-eating' ? await this.customers.pointsOf(this.db, req.actor.userId) : [];
    const lowSugar = req.kind === 'healthy-eating' ? (await this.catalog.onSaleWithFlag(this.db, points, 'low-sugar', now)).map((p) => p.name) : [];
    const drafts: lc.Draft[] = [];
    for (const userId of userIds) {
      const copy = await this.customers.getCopy(this.db, userId);
      const inputs: DraftInputs = { kind: req.kind, locale: req.locale, nickname: copy?.nickname ?? null, leaderName: null };
      if (req.kind === 'birthday') inputs.birthday = copy?.birthday?.slice(5) ?? undefined;
      if (festival) inputs.festival = festival;
      if (req.kind === 'healthy-eating') {
        const orders = (await this.customers.ordersOfUsers(this.db, [userId])).map(toOrderFact);
        inputs.diet = {
          sugarShare: Math.round(sugarShare(orders) * 1000) / 1000,
          categories: [...new Set(orders.flatMap((o) => o.lines.map((l) => l.categoryId).filter((c): c is string => !!c)))].sort(),
          lowSugarOnSale: lowSugar,
        };
      }
      const written = await this.options.textGenerator.generate(inputs);
      const row = await this.db.$transaction(async (tx) => {
        const draft = await this.drafts.create(tx, {
          id: randomUUID(),
          leaderUserId: req.actor.userId,
          userId,
          kind: req.kind,
          locale: req.locale,
          text: written.text,
          inputs: inputs as unknown as Prisma.InputJsonValue,
          generator: written.generator,
        });
        await this.customers.addInteraction(tx, { id: randomUUID(), leaderUserId: req.actor.userId, userId, kind: 'draft', summary: `${req.kind} draft written (${written.generator})` });
        return draft;
      });
      drafts.push(toDraft(row));
    }
    return { drafts };
  }

  private festival(key: lc.FestivalKey | undefined, now: Date): DraftInputs['festival'] {
    const today = localDate(now);
    const year = Number(today.slice(0, 4));
    const found = key
      ? [...festivalCalendar(year).festivals, ...(year < 2099 ? festivalCalendar(year + 1).festivals : [])].find((f) => f.key === key && f.date >= today)
      : festivalsBetween(today, 400)[0];
    if (!found) return undefined;
    return { key: found.key, name: found.name, nameEn: FESTIVAL_NAMES_EN[found.key], date: found.date };
  }

  async listDrafts(req: RpcRequest<typeof lc.listDrafts>): Promise<RpcResponse<typeof lc.listDrafts>> {
    assertLeader(req.actor);
    return { drafts: (await this.drafts.list(this.db, req.actor.userId, { status: req.status, userId: req.userId })).map(toDraft) };
  }

  private async ownDraft(actor: Actor, draftId: string): Promise<Draft> {
    assertLeader(actor);
    const draft = await this.drafts.get(this.db, draftId);
    if (!draft || draft.leaderUserId !== actor.userId) throw LeaderCustomerErrors.draftNotFound(draftId);
    return draft;
  }

  async edit(req: RpcRequest<typeof lc.editDraft>): Promise<lc.Draft> {
    const draft = await this.ownDraft(req.actor, req.draftId);
    const edited = await this.drafts.edit(this.db, draft.id, req.text);
    if (!edited) throw LeaderCustomerErrors.draftNotEditable(draft.id, (await this.drafts.get(this.db, draft.id))?.status ?? draft.status);
    return toDraft(edited);
  }

  async approve(req: RpcRequest<typeof lc.approveDraft>): Promise<lc.Draft> {
    const draft = await this.ownDraft(req.actor, req.draftId);
    if (draft.status === 'approved') return toDraft(draft);
    const approved = await this.drafts.approve(this.db, draft.id, this.options.now());
    if (!approved) throw LeaderCustomerErrors.draftNotEditable(draft.id, (await this.drafts.get(this.db, draft.id))?.status ?? draft.status);
    return toDraft(approved);
  }

  /** Sends an approved draft once: the checks, then the message and the draft's new status in one transaction, then delivery. */
  async send(req: RpcRequest<typeof lc.sendDraft>): Promise<RpcResponse<typeof lc.sendDraft>> {
    const draft = await this.ownDraft(req.actor, req.draftId);
    const channel = this.options.channels.find((c) => c.name === req.channel);
    if (!channel) throw LeaderCustomerErrors.channelUnavailable(req.channel, 'not configured');
    if (draft.status !== 'approved') throw LeaderCustomerErrors.draftNotApproved(draft.id, draft.status);
    const now = this.options.now();
    const { message, sent } = await this.db.$transaction(async (tx) => {
      await assertCustomerOf(tx, req.actor.userId, draft.userId);
      const copy = await this.customers.getCopy(tx, draft.userId);
      if (copy?.marketingConsent !== true) throw LeaderCustomerErrors.noMarketingConsent(draft.userId);
      const quiet = this.options.quietHours;
      if (quiet && inQuietHours(quiet, now)) throw LeaderCustomerErrors.quietHours(quiet, quiet.to);
      const message = await this.messages.create(tx, {
        id: randomUUID(),
        userId: draft.userId,
        senderUserId: req.actor.userId,
        channel: channel.name,
        category: 'care',
        title: TITLES[draft.kind as lc.Draft['kind']][draft.locale as lc.Draft['locale']],
        body: draft.text,
      });
      const sent = await this.drafts.markSent(tx, draft.id, message.id);
      if (!sent) throw LeaderCustomerErrors.draftNotApproved(draft.id, 'sent');
      await this.customers.addInteraction(tx, { id: randomUUID(), leaderUserId: req.actor.userId, userId: draft.userId, kind: 'message', summary: `${draft.kind} message sent (${channel.name})` });
      return { message, sent };
    });
    const result = await channel.deliver({ messageId: message.id, userId: message.userId, title: message.title, body: message.body }).catch((error: unknown) => ({ status: 'failed' as const, error: error instanceof Error ? error.message : String(error) }));
    const delivered = result.status === 'delivered' ? await this.messages.markDelivered(this.db, message.id, this.options.now()) : await this.messages.markFailed(this.db, message.id, result.error);
    if (result.status === 'failed') this.logger.warn(`message ${message.id} via ${channel.name} failed: ${result.error}`);
    return { draft: toDraft(sent), message: toMessage(delivered) };
  }

  async sent(req: RpcRequest<typeof lc.listSentMessages>): Promise<RpcResponse<typeof lc.listSentMessages>> {
    assertLeader(req.actor);
    return { messages: (await this.messages.sentBy(this.db, req.actor.userId, req.limit)).map(toMessage) };
  }

  async inbox(req: RpcRequest<typeof lc.inbox>): Promise<RpcResponse<typeof lc.inbox>> {
    const { messages, unread } = await this.messages.inbox(this.db, req.actor.userId, { unreadOnly: req.unreadOnly, limit: req.limit });
    return { messages: messages.map(toInbox), unread };
  }

  async markRead(req: RpcRequest<typeof lc.markRead>): Promise<RpcResponse<typeof lc.markRead>> {
    const message = await this.messages.get(this.db, req.messageId);
    if (!message || message.userId !== req.actor.userId || message.channel !== 'in-app' || message.deliveryStatus !== 'delivered') throw LeaderCustomerErrors.messageNotFound(req.messageId);
    await this.messages.markRead(this.db, message.id, this.options.now());
    return toInbox((await this.messages.get(this.db, message.id))!);
  }
}

