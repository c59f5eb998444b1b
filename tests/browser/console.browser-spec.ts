import type { Browser, Page } from 'playwright-core';
import { apiOf, apiSignIn, launchChromium, newContext, screenshot, signIn, startPlatform, until, watch, type Platform } from './support.js';

/**
 * The web console in Debian's Chromium against the real platform (services and gateway as
 * processes, the demo data of `npm start`): a new resident signs in by OTP, chooses a pickup point,
 * orders from a campaign and sees the pickup code; the point's leader finds the order in the sorting
 * list, confirms the delivery and scans the pickup, then drafts, approves and sends a care message;
 * ops watch the asset metrics dashboard move. A demo resident sees their points, tier, journeys and
 * local services, books a slot paying part in points, cancels it and reviews a completed booking; the
 * leader manages the point's interest groups; ops decide a provider application, handle a reported
 * post, open a co-creation feedback round and read the journey funnel and a date range of the metrics.
 * Every page fails the test on a console error, a failed request or a request to another host.
 * Screenshots: tests/browser/screenshots/.
 */

const NEW_RESIDENT = '+8613900000088';
const SUNSHINE_LEADER = '+8613800000011';
const OPS = '+8613800000001';
/** The owner of the demo housekeeping provider (tools/lib/demo-accounts.mjs). */
const HOUSEKEEPING_OWNER = '+8613800000021';
/** Someone applying to join as a local-services provider during the test. */
const NEW_PROVIDER = '+8613900000077';
const DEEP_CLEAN = '深度保洁 2小时 Deep clean, 2 hours';
const HEALTH_CHECK = '基础体检 Basic health check';
const CAMPAIGN_TITLE = '浏览器测试 · 今日鲜蔬';
/** Long enough for the resident's whole journey before the cut-off. */
const CUTOFF_AFTER_MS = 50_000;

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  platform = await startPlatform();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function pick(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

const shanghaiDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));

describe('the web console in Chromium', () => {
  it('a resident orders and sees the pickup code; their leader finds the order in the sorting list, scans the pickup, sends a care message and manages the interest groups', async () => {
    const { base, seed } = platform;
    const api = apiOf(base);
    const ops = seed.ops.accessToken;

    // Ops open a campaign for Sunshine Garden whose cut-off comes during the test.
    const { products } = await api<{ products: { skus: { skuId: string; code: string }[] }[] }>('GET', '/v1/products?limit=100', ops);
    const sku = (code: string) => products.flatMap((p) => p.skus).find((s) => s.code === code)!.skuId;
    const now = Date.now();
    const created = await api<{ campaignId: string }>('POST', '/v1/ops/campaigns', ops, {
      title: CAMPAIGN_TITLE,
      description: '截单后次日送达自提点',
      startsAt: new Date(now - 60_000).toISOString(),
      cutoffAt: new Date(now + CUTOFF_AFTER_MS).toISOString(),
      deliveryDate: shanghaiDate(now + 86_400_000),
      timeZone: 'Asia/Shanghai',
      targets: { compoundIds: ['demo-sunshine-garden'] },
      offers: [
        { kind: 'sku', skuId: sku('DEMO-VEG-SPINACH-300G'), priceCents: 450 },
        { kind: 'sku', skuId: sku('DEMO-FRUIT-APPLE-1KG'), priceCents: 1290, perCustomerLimit: 3 },
      ],
      stock: [
        { skuId: sku('DEMO-VEG-SPINACH-300G'), quantity: 40 },
        { skuId: sku('DEMO-FRUIT-APPLE-1KG'), quantity: 40 },
      ],
    });
    const campaignId = created.campaignId;
    await api('POST', `/v1/ops/campaigns/${campaignId}/publish`, ops);

    // ---------------------------------------------------------------- the resident (phone width)
    const residentContext = await newContext(browser, 'mobile');
    const resident = await residentContext.newPage();
    const residentWatch = watch(resident, base);
    await resident.goto(`${base}/console/`);
    await resident.getByTestId('phone').waitFor();
    await screenshot(resident, 'resident-0-sign-in');
    await signIn(resident, base, NEW_RESIDENT);
    // New here: choose the compound and its pickup point.
    await resident.getByTestId('pickup-point-chooser').waitFor();
    await pick(resident, 'choose-compound', '阳光花园');
    await pick(resident, 'choose-point', '2号门驿站');
    await screenshot(resident, 'resident-1-choose-pickup-point');
    const card = resident.getByTestId('campaign-card').filter({ hasText: CAMPAIGN_TITLE });
    // The orders service learns the new binding from leader-ops' event a moment later; until then
    // the campaigns answer 409 ORDERS.NOT_BOUND and the page asks again.
    await residentWatch.expecting([{ status: 409, path: '/v1/campaigns' }], async () => {
      await resident.getByTestId('save-point').click();
      await card.waitFor({ timeout: 20_000 });
    });
    await resident.getByTestId('countdown').first().waitFor();
    await screenshot(resident, 'resident-2-today');
    await card.click();
    await resident.getByLabel('菠菜 Baby spinach').fill('2');
    await resident.getByLabel('富士苹果 Fuji apples').fill('1');
    await resident.getByTestId('cart').getByText('¥21.90').waitFor();
    await screenshot(resident, 'resident-3-campaign-cart');
    await resident.getByTestId('place-order').click();
    await resident.waitForURL(/\/console\/resident\/orders\/[0-9a-f-]{36}$/);
    const orderId = resident.url().split('/').pop()!;
    await resident.getByTestId('pay').click();
    const codeText = resident.getByTestId('pickup-code');
    await codeText.waitFor({ timeout: 20_000 });
    const pickupCode = (await codeText.textContent())!.trim();
    expect(pickupCode).toMatch(/^[0-9A-Z]{6,16}$/);
    await resident.locator('.ant-qrcode svg, .ant-qrcode canvas').first().waitFor();
    await expect(resident.getByTestId('order-status').textContent()).resolves.toBe('已支付');
    await screenshot(resident, 'resident-4-pickup-code');

    await resident.getByRole('link', { name: '我的订单' }).click();
    await resident.getByTestId('order-row').first().waitFor();
    await screenshot(resident, 'resident-5-orders');
    await resident.getByRole('link', { name: '为你推荐' }).click();
    // A new resident's first recommendations (popular in their group) appear once the
    // recommendations service has taken in their binding and order: look again until they do.
    await until('recommendations for the new resident', async () => {
      await resident.getByTestId('recommendation').or(resident.locator('.ant-empty')).first().waitFor();
      if ((await resident.getByTestId('recommendation').count()) > 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await resident.reload();
      return undefined;
    }, 60_000);
    await screenshot(resident, 'resident-6-recommendations');
    await resident.getByRole('link', { name: '社区' }).click();
    await resident.getByTestId('community').first().waitFor();
    await resident.getByTestId('growth-link').waitFor();
    await screenshot(resident, 'resident-7-community');
    await resident.getByRole('link', { name: '我的', exact: true }).click();
    await resident.getByTestId('consent-profiling').waitFor();
    await screenshot(resident, 'resident-8-me');
    // English on request.
    await resident.getByTestId('lang-toggle').click();
    await resident.getByRole('link', { name: 'Orders' }).waitFor();
    await resident.getByTestId('lang-toggle').click();
    await resident.getByRole('link', { name: '我的订单' }).waitFor();
    expect(residentWatch.problems).toEqual([]);
    await residentContext.close();

    // ---------------------------------------------------------------- after the cut-off, ops ship to the points
    await until('campaign past its cut-off', async () => {
      const campaign = await api<{ status: string }>('GET', `/v1/campaigns/${campaignId}`, ops);
      return campaign.status === 'published' ? undefined : campaign;
    }, CUTOFF_AFTER_MS + 30_000);
    await until('order locked', async () => {
      const { orders } = await api<{ orders: { orderId: string; status: string }[] }>('GET', `/v1/ops/orders?campaignId=${campaignId}`, ops);
      return orders.find((o) => o.orderId === orderId && o.status === 'locked');
    });
    const shipped = await api<{ shippedOrders: number }>('POST', `/v1/ops/campaigns/${campaignId}/ship`, ops, {});
    expect(shipped.shippedOrders).toBe(1);

    // ---------------------------------------------------------------- the leader of Sunshine Garden (desktop)
    const leaderContext = await newContext(browser, 'desktop');
    const leader = await leaderContext.newPage();
    const leaderWatch = watch(leader, base);
    await signIn(leader, base, SUNSHINE_LEADER);
    await leader.waitForURL(/\/console\/leader\/sorting$/);
    await pick(leader, 'campaign-select', CAMPAIGN_TITLE);
    await leader.getByTestId('confirm-receipt').click();
    await leader.getByText('已确认到货：1 单').waitFor();
    await leader.getByTestId('sorting-order').filter({ hasText: orderId.slice(0, 8) }).waitFor();
    await leader.getByTestId('sorting-list').getByText('菠菜 Baby spinach 300 g × 2').waitFor();
    await screenshot(leader, 'leader-1-sorting-list');
    await leader.getByRole('menuitem', { name: '扫码取货' }).click();
    await leader.getByTestId('scan-input').fill(pickupCode);
    await leader.getByTestId('scan-input').press('Enter');
    await leader.getByTestId('scan-result').getByText('已取货').waitFor();
    await screenshot(leader, 'leader-2-pickup-scanned');
    const { orders } = await api<{ orders: { orderId: string; status: string }[] }>('GET', `/v1/ops/orders?campaignId=${campaignId}`, ops);
    expect(orders.find((o) => o.orderId === orderId)?.status).toBe('picked_up');
    // Who needs the leader, one customer, and a care message drafted, approved and sent to their inbox.
    await leader.getByRole('menuitem', { name: '今日关注' }).click();
    await leader.getByTestId('attention-list').or(leader.getByText('今天没有需要关注的居民')).first().waitFor();
    await screenshot(leader, 'leader-3-attention');
    await leader.getByRole('menuitem', { name: '客户', exact: true }).click();
    const demoResident = seed.residents[0]!;
    const short = demoResident.tokens.userId.slice(0, 8);
    const demoCustomer = leader.getByTestId('customers').locator('a', { hasText: new RegExp(`^(Resident 1|${short})$`) });
    await demoCustomer.waitFor();
    await screenshot(leader, 'leader-4-customers');
    await demoCustomer.click();
    await leader.getByText('客户画像').waitFor();
    await screenshot(leader, 'leader-5-customer-detail');
    await leader.getByTestId('draft-care').hover();
    await leader.getByRole('menuitem', { name: '健康饮食' }).click();
    await leader.getByText('草稿已生成，审核后可发送').waitFor();
    await leader.getByRole('menuitem', { name: '关怀消息' }).click();
    const mine = () => leader.getByTestId('draft').filter({ hasText: short }).first();
    await mine().getByTestId('approve-draft').click();
    await leader.getByText('已审核通过').waitFor();
    await leader.getByText('待发送', { exact: true }).click();
    await mine().getByTestId('send-draft').click();
    await leader.getByText('已发送到居民消息箱').waitFor();
    await leader.getByTestId('sent-message').first().waitFor();
    await screenshot(leader, 'leader-6-care-message-sent');
    const inbox = await api<{ messages: { category: string }[] }>('GET', '/v1/me/inbox', demoResident.tokens.accessToken);
    expect(inbox.messages.some((m) => m.category === 'care')).toBe(true);
    await leader.getByRole('menuitem', { name: '经营看板' }).click();
    await leader.getByTestId('leader-dashboard').waitFor();
    await screenshot(leader, 'leader-7-dashboard');
    await leader.getByRole('menuitem', { name: '结算单' }).click();
    await leader.locator('.ant-card').first().waitFor();
    await screenshot(leader, 'leader-8-settlement');
    await leader.getByRole('menuitem', { name: '售后审核' }).click();
    await leader.getByTestId('refund-reviews').waitFor();
    await leader.getByRole('menuitem', { name: '自提点订单' }).click();
    await leader.locator('.ant-table-row').first().waitFor();
    await screenshot(leader, 'leader-9-orders');
    // Interest groups of the point: the demo 轻食生活圈 with its members, and a new one.
    await leader.getByRole('menuitem', { name: '兴趣小组' }).click();
    const lightFood = leader.getByTestId('group').filter({ hasText: '轻食生活圈' });
    await lightFood.getByTestId('group-members').locator('.ant-table-row').first().waitFor();
    await lightFood.getByText('创建者').first().waitFor();
    await screenshot(leader, 'leader-10-groups');
    const form = leader.getByTestId('create-group');
    await form.getByLabel('名称').fill('周末烘焙小组');
    await form.getByLabel('介绍').fill('一起做低糖面包和点心');
    await form.getByRole('button', { name: '创建兴趣小组' }).click();
    await leader.getByText('已创建', { exact: true }).waitFor();
    await leader.getByTestId('group').filter({ hasText: '周末烘焙小组' }).waitFor();
    expect(leaderWatch.problems).toEqual([]);
    await leaderContext.close();
  });

  it('ops see the asset metrics dashboard move when a resident pays an order, decide a provider application, keep a reported post, open a feedback round and read the journey funnel', async () => {
    const { base, seed } = platform;
    const api = apiOf(base);
    const context = await newContext(browser, 'desktop');
    const page = await context.newPage();
    const opsWatch = watch(page, base);
    await signIn(page, base, OPS);
    await page.waitForURL(/\/console\/ops\/assets$/);
    const ordersMetric = page.getByTestId('metric-orders').locator('.ant-statistic-content-value');
    await ordersMetric.waitFor();
    await page.getByTestId('chart-weekly').waitFor();
    const before = Number((await ordersMetric.textContent())!.replace(/\D/g, ''));
    await screenshot(page, 'ops-1-asset-metrics');

    // A demo resident (Riverside) orders and pays through the API.
    const buyer = seed.residents[1]!.tokens.accessToken;
    const { campaigns } = await api<{ campaigns: { campaignId: string; offers: { offerId: string; priceCents: number; available: number }[] }[] }>('GET', '/v1/campaigns', buyer);
    const campaign = campaigns[0]!;
    const offer = campaign.offers.find((o) => o.available > 0)!;
    const order = await api<{ orderId: string }>('POST', '/v1/orders', buyer, {
      campaignId: campaign.campaignId,
      idempotencyKey: `browser-ops-${Date.now()}`,
      lines: [{ offerId: offer.offerId, quantity: 1 }],
      expectedTotalCents: offer.priceCents,
    });
    await api('POST', `/v1/orders/${order.orderId}/pay`, buyer);
    await until('the paid order in the asset metrics', async () => {
      const metrics = await api<{ orders: number }>('GET', '/v1/asset-metrics', seed.ops.accessToken);
      return metrics.orders > before ? metrics : undefined;
    });
    await page.getByTestId('reload-metrics').click();
    await until('the dashboard to move', async () => (Number((await ordersMetric.textContent())!.replace(/\D/g, '')) > before ? true : undefined));
    await screenshot(page, 'ops-2-asset-metrics-moved');

    // A new draft campaign through the form (checked with the contracts' schema before it is sent).
    await page.getByRole('menuitem', { name: '团购活动' }).click();
    await page.locator('.ant-table-row').first().waitFor();
    await screenshot(page, 'ops-3-campaigns');
    await page.getByTestId('new-campaign').click();
    const drawer = page.getByTestId('campaign-form');
    await drawer.getByLabel('标题', { exact: true }).fill('周末水果团 · 草稿');
    const tomorrow = shanghaiDate(Date.now() + 86_400_000);
    await drawer.getByLabel('开始时间').fill(`${tomorrow}T08:00`);
    await drawer.getByLabel('截单时间').fill(`${tomorrow}T20:00`);
    await drawer.getByLabel('送达日期').fill(shanghaiDate(Date.now() + 2 * 86_400_000));
    await drawer.getByLabel('覆盖小区').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '枫林阁' }).click();
    await page.keyboard.press('Escape');
    await drawer.getByTestId('offer-skus').click();
    await page.keyboard.type('脐橙');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '赣南脐橙' }).click();
    await page.keyboard.press('Escape');
    await drawer.locator('.ant-table-row', { hasText: '赣南脐橙' }).waitFor();
    await screenshot(page, 'ops-3b-new-campaign');
    await drawer.getByText('保存为草稿').click();
    await page.getByText('已创建草稿，发布后居民可见').waitFor();
    await page.getByText('草稿', { exact: true }).click();
    await page.locator('.ant-table-row', { hasText: '周末水果团 · 草稿' }).waitFor();

    for (const [item, name, ready] of [
      ['商品库', 'ops-4-catalogue', '.ant-table-row'],
      ['售后审核', 'ops-7-refund-reviews', '.ant-table'],
      ['团长申请', 'ops-5-leader-applications', '.ant-table'],
      ['需求洞察', 'ops-6-demand-insights', '.ant-statistic'],
    ] as const) {
      await page.getByRole('menuitem', { name: item }).click();
      await page.locator(ready).first().waitFor();
      await screenshot(page, name);
    }

    // A provider applies to join; ops approve it in the console.
    const applicant = await apiSignIn(base, NEW_PROVIDER);
    await api('POST', '/v1/provider-applications', applicant.accessToken, {
      companyName: '邻家维修 Neighbour Repairs',
      contactPhone: NEW_PROVIDER,
      licenceRefs: [{ kind: 'business-licence', number: '91330106MA2TEST77X' }],
      categories: ['repairs'],
      compoundIds: ['demo-sunshine-garden'],
    });
    await page.getByRole('menuitem', { name: '服务商入驻申请' }).click();
    const application = page.getByTestId('providers').locator('.ant-table-row', { hasText: '邻家维修' });
    await application.waitFor();
    await screenshot(page, 'ops-8-provider-applications');
    await application.getByTestId('approve-provider').click();
    await page.getByText('已通过', { exact: true }).first().waitFor();
    await application.waitFor({ state: 'detached' });

    // Two neighbours report a post of Sunshine Garden's 轻食生活圈; ops keep it (the reports are resolved).
    const { communities } = await api<{ communities: { communityId: string; name: string; scope: string }[] }>('GET', '/v1/communities?compoundId=demo-sunshine-garden&limit=200', seed.ops.accessToken);
    const lightFood = communities.find((c) => c.name === '轻食生活圈' && c.scope === 'pickup-point')!;
    const sunshine = seed.residents.filter((r) => r.compoundId === 'demo-sunshine-garden');
    const { posts } = await api<{ posts: { postId: string; authorUserId: string; body: string }[] }>('GET', `/v1/communities/${lightFood.communityId}/posts?limit=20`, sunshine[0]!.tokens.accessToken);
    const reporters = sunshine.slice(1, 3);
    const reported = posts.find((p) => reporters.every((r) => r.tokens.userId !== p.authorUserId))!;
    for (const reporter of reporters) await api('POST', `/v1/posts/${reported.postId}/reports`, reporter.tokens.accessToken, { reason: '疑似广告' });
    await page.getByRole('menuitem', { name: '内容审核队列' }).click();
    await pick(page, 'moderation-community', '轻食生活圈 · 阳光花园');
    await page.keyboard.press('Escape');
    const queued = page.getByTestId('reported-post').filter({ hasText: reported.body.slice(0, 8) });
    await queued.getByText('2 次举报').waitFor();
    await screenshot(page, 'ops-9-moderation-queue');
    await queued.getByTestId('keep-post').click();
    await page.getByText('已保留，举报已处理').waitFor();
    await page.getByText('该社群没有待处理的举报').waitFor();

    // Co-creation: the demo proposals with their votes and feedback; a new feedback round.
    await page.getByRole('menuitem', { name: '共创提案' }).click();
    const bread = page.getByTestId('proposal').filter({ hasText: '低糖全麦面包' });
    await bread.getByTestId('proposal-votes').waitFor();
    await bread.getByTestId('proposal-details').click();
    await bread.getByText('第 1 轮反馈').first().waitFor();
    await screenshot(page, 'ops-10-proposals');
    await bread.getByRole('button', { name: '开启新一轮反馈' }).click();
    await page.getByText('已开启新一轮反馈').waitFor();
    await bread.getByText('第 2 轮反馈').first().waitFor();
    await page.getByText('已上线', { exact: true }).click();
    const biscuits = page.getByTestId('proposal').filter({ hasText: '无糖燕麦饼干' });
    await biscuits.getByTestId('proposal-details').click();
    await biscuits.getByTestId('proposal-conversion').waitFor();
    await screenshot(page, 'ops-11-proposals-launched');

    // The 7-day plan's funnel, and the asset metrics over a chosen range of days.
    await page.getByRole('menuitem', { name: '成长旅程漏斗' }).click();
    await page.getByTestId('funnel-steps').locator('.ant-table-row').first().waitFor();
    expect(Number((await page.getByTestId('funnel-enrolled').locator('.ant-statistic-content-value').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(0);
    await screenshot(page, 'ops-12-journey-funnel');
    await page.getByRole('menuitem', { name: '资产看板' }).click();
    const from = shanghaiDate(Date.now() - 13 * 86_400_000);
    const to = shanghaiDate(Date.now());
    const ends = page.locator('.ant-picker-range input');
    await ends.first().click();
    await ends.first().fill(from);
    await ends.first().press('Enter');
    await ends.last().fill(to);
    await ends.last().press('Enter');
    await page.getByTestId('metrics-range').filter({ hasText: from }).waitFor();
    await page.keyboard.press('Escape');
    await ordersMetric.waitFor();
    await screenshot(page, 'ops-13-asset-metrics-range');
    expect(opsWatch.problems).toEqual([]);
    await context.close();
  });

  it('a demo resident sees points, tier and journeys, books a local service with points, cancels it and reviews a completed booking', async () => {
    const { base, seed } = platform;
    const api = apiOf(base);
    const demo = seed.residents[0]!;
    // The housekeeping provider completes the demo deep clean (booked part in points by the demo data).
    const owner = await apiSignIn(base, HOUSEKEEPING_OWNER);
    const { providers } = await api<{ providers: { providerId: string }[] }>('GET', '/v1/me/providers', owner.accessToken);
    const { key } = await api<{ key: string }>('POST', `/v1/providers/${providers[0]!.providerId}/api-keys`, owner.accessToken, { scopes: ['bookings'], label: 'browser test' });
    const deepClean = await until('the demo deep clean paid', async () => {
      const { bookings } = await api<{ bookings: { bookingId: string; offeringTitle: string; status: string }[] }>('GET', '/v1/me/service-bookings', demo.tokens.accessToken);
      return bookings.find((b) => b.offeringTitle === DEEP_CLEAN && b.status === 'paid');
    });
    const completed = await fetch(`${base}/v1/partner/bookings/${deepClean.bookingId}/complete`, { method: 'POST', headers: { 'x-api-key': key } });
    expect(completed.status).toBe(200);

    const context = await newContext(browser, 'mobile');
    const page = await context.newPage();
    const residentWatch = watch(page, base);
    await signIn(page, base, demo.phone);
    await page.getByRole('link', { name: '社区' }).click();
    await page.getByTestId('growth-link').click();
    await page.getByTestId('tier-name').getByText('共建者').waitFor();
    await page.getByTestId('points-entry').first().waitFor();
    await page.getByTestId('journey-plan').first().waitFor();
    await page.getByTestId('badges').locator('.ant-empty, .ant-list-item').first().waitFor();
    await screenshot(page, 'resident-9-growth');

    await page.getByRole('link', { name: '服务', exact: true }).click();
    const check = page.getByTestId('offering').filter({ hasText: HEALTH_CHECK });
    await check.waitFor();
    await screenshot(page, 'resident-10-services');
    await check.getByTestId('book').click();
    const dialog = page.getByRole('dialog');
    // The latest slot offered: well outside the provider's cancellation notice.
    await dialog.locator('.ant-radio-wrapper').last().click();
    await dialog.locator('input[data-testid=booking-points], [data-testid=booking-points] input').first().fill('100');
    await dialog.getByText('积分抵扣 ¥1.00，现金支付 ¥98.00').waitFor();
    await dialog.getByTestId('confirm-booking').click();
    await page.getByText('已预约，支付结果稍后更新').waitFor();
    await page.getByTestId('services-tabs').getByText('我的预约').click();
    const booked = page.getByTestId('booking').filter({ hasText: HEALTH_CHECK });
    await booked.getByTestId('booking-status').getByText('已支付').waitFor({ timeout: 20_000 });
    await booked.getByText('实付 ¥98.00 · 积分 100').waitFor();
    // Review the completed deep clean.
    const done = page.getByTestId('booking').filter({ hasText: DEEP_CLEAN });
    await done.getByTestId('booking-status').getByText('已完成').waitFor();
    await done.locator('textarea').fill('准时、干净，师傅很细心');
    await done.getByTestId('review-booking').click();
    await page.getByText('感谢评价').waitFor();
    await done.getByText('我的评价').waitFor();
    await screenshot(page, 'resident-11-bookings');
    await booked.getByTestId('cancel-booking').click();
    await page.locator('.ant-popconfirm-buttons .ant-btn-primary').click();
    await page.getByText('已取消', { exact: true }).first().waitFor();
    await booked.getByTestId('booking-status').getByText('已取消').waitFor();

    // Points at checkout: 30 of the balance off an order from today's demo campaign (1 point = 1 fen).
    await page.getByRole('link', { name: '今日团购', exact: true }).click();
    await page.getByTestId('campaign-card').first().click();
    const offer = page.getByTestId('offer').filter({ has: page.locator('input:not([disabled])') }).first();
    await offer.locator('input').fill('1');
    await page.locator('input[data-testid=points-to-spend], [data-testid=points-to-spend] input').first().fill('30');
    await screenshot(page, 'resident-12-cart-with-points');
    await page.getByTestId('place-order').click();
    await page.waitForURL(/\/console\/resident\/orders\/[0-9a-f-]{36}$/);
    await page.getByTestId('order-points').getByText('30 积分抵扣 ¥0.30').waitFor();
    expect(residentWatch.problems).toEqual([]);
    await context.close();
  });
});
