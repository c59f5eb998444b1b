// Demo commerce for `npm start` (a step of tools/seed.mjs): the three demo compounds, a leader
// approved for each with a pickup point, the nine demo residents bound to their compound's point, a
// small catalogue (with health flags, tags and a baby food kit), one open campaign for all three
// compounds with its cut-off tomorrow evening in Asia/Shanghai, and a few orders placed and paid.
//
// Everything goes through the gateway's HTTP API. Idempotent: each thing is looked up first and only
// created when missing (compounds by id, applications per leader and compound, pickup points per
// leader and compound, bindings, categories by id, products by SKU code, the bundle by name, the
// campaign by its demo title while it is open, orders by idempotency key).
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PHONES } from './lib/demo-accounts.mjs';

const ZONE = 'Asia/Shanghai';
const CAMPAIGN_TITLE = '邻里 Demo 明日达 · Next-day fresh';

const COMPOUNDS = {
  'demo-sunshine-garden': { name: '阳光花园 Sunshine Garden', city: 'Hangzhou', district: 'Xihu' },
  'demo-riverside': { name: '滨江苑 Riverside', city: 'Hangzhou', district: 'Binjiang' },
  'demo-maple-court': { name: '枫林阁 Maple Court', city: 'Hangzhou', district: 'Gongshu' },
};

/** Leader i leads compound i (DEMO_PHONES.leaders, in order). */
const LEADERS = [
  { compoundId: 'demo-sunshine-garden', displayName: '王阿姨 Auntie Wang', point: { name: '阳光花园 2号门驿站 Gate 2 kiosk', address: 'Building 3, Sunshine Garden, Xihu' } },
  { compoundId: 'demo-riverside', displayName: '李叔 Uncle Li', point: { name: '滨江苑 大堂 Lobby', address: 'Lobby of tower 1, Riverside, Binjiang' } },
  { compoundId: 'demo-maple-court', displayName: '陈姐 Sister Chen', point: { name: '枫林阁 便利店 Corner shop', address: 'Shop 5, Maple Court, Gongshu' } },
];

const CATEGORIES = [
  ['vegetables', '蔬菜 Vegetables'],
  ['fruit', '水果 Fruit'],
  ['dairy', '乳品 Dairy'],
  ['baby-food', '宝宝辅食 Baby food'],
  ['elderly-friendly', '长辈食品 Elderly-friendly'],
  ['low-sugar-snacks', '低糖零食 Low-sugar snacks'],
];

/** Products by their (unique) SKU code; `offer` is the campaign price in cents, `limit` the per-customer limit. */
const PRODUCTS = [
  { code: 'DEMO-VEG-SPINACH-300G', name: '菠菜 Baby spinach', categoryId: 'vegetables', unit: '份', spec: '300 g', priceCents: 590, offer: 450, healthFlags: ['organic', 'high-fibre', 'vegan'], tags: ['leafy greens', 'iron'] },
  { code: 'DEMO-VEG-TOMATO-500G', name: '圣女果 Cherry tomatoes', categoryId: 'vegetables', unit: '盒', spec: '500 g', priceCents: 990, offer: 790, healthFlags: ['vegan', 'low-sugar'], tags: ['salad', 'snack'] },
  { code: 'DEMO-VEG-CARROT-500G', name: '胡萝卜 Carrots', categoryId: 'vegetables', unit: '袋', spec: '500 g', priceCents: 390, offer: 290, healthFlags: ['vegan', 'high-fibre'], tags: ['root vegetables'] },
  { code: 'DEMO-FRUIT-APPLE-1KG', name: '富士苹果 Fuji apples', categoryId: 'fruit', unit: '袋', spec: '1 kg', priceCents: 1590, offer: 1290, healthFlags: ['vegan', 'high-fibre'], tags: ['seasonal'] },
  { code: 'DEMO-FRUIT-ORANGE-2KG', name: '赣南脐橙 Navel oranges', categoryId: 'fruit', unit: '箱', spec: '2 kg', priceCents: 2990, offer: 2390, healthFlags: ['vegan'], tags: ['seasonal', 'vitamin c'] },
  { code: 'DEMO-DAIRY-MILK-950ML', name: '鲜牛奶 Fresh milk', categoryId: 'dairy', unit: '瓶', spec: '950 ml', priceCents: 1290, offer: 990, limit: 6, healthFlags: ['high-protein', 'allergen-dairy'], tags: ['breakfast'] },
  { code: 'DEMO-DAIRY-YOGURT-4X100G', name: '无糖酸奶 Plain yogurt', categoryId: 'dairy', unit: '组', spec: '4 × 100 g', priceCents: 1190, offer: 890, healthFlags: ['low-sugar', 'high-protein', 'allergen-dairy'], tags: ['breakfast', 'gut health'] },
  { code: 'DEMO-BABY-CARROT-PUREE-100G', name: '胡萝卜泥 Carrot puree', categoryId: 'baby-food', unit: '罐', spec: '100 g', priceCents: 690, offer: 590, healthFlags: ['infant', 'low-sugar', 'vegetarian'], tags: ['6 months+'] },
  { code: 'DEMO-BABY-RICE-CEREAL-200G', name: '高铁米粉 Iron-fortified rice cereal', categoryId: 'baby-food', unit: '盒', spec: '200 g', priceCents: 890, offer: 750, healthFlags: ['infant', 'low-salt'], tags: ['6 months+', 'iron'] },
  { code: 'DEMO-BABY-PUMPKIN-PUREE-100G', name: '南瓜泥 Pumpkin puree', categoryId: 'baby-food', unit: '罐', spec: '100 g', priceCents: 690, offer: 590, healthFlags: ['infant', 'vegetarian'], tags: ['6 months+'] },
  { code: 'DEMO-ELDER-SOFT-BUNS-6', name: '软馒头 Soft steamed buns', categoryId: 'elderly-friendly', unit: '袋', spec: '6 pieces', priceCents: 890, offer: 690, healthFlags: ['elderly-friendly', 'low-sugar'], tags: ['easy to chew'] },
  { code: 'DEMO-ELDER-MILLET-500G', name: '小米 Millet for congee', categoryId: 'elderly-friendly', unit: '袋', spec: '500 g', priceCents: 1290, offer: 990, healthFlags: ['elderly-friendly', 'high-fibre', 'gluten-free'], tags: ['congee', 'easy to digest'] },
  { code: 'DEMO-SNACK-OAT-BISCUIT-200G', name: '无糖燕麦饼干 Sugar-free oat biscuits', categoryId: 'low-sugar-snacks', unit: '盒', spec: '200 g', priceCents: 1590, offer: 1290, healthFlags: ['low-sugar', 'high-fibre'], tags: ['diabetic friendly'] },
  { code: 'DEMO-SNACK-NUTS-7X25G', name: '每日坚果 Daily mixed nuts', categoryId: 'low-sugar-snacks', unit: '盒', spec: '7 × 25 g', priceCents: 3990, offer: 3290, limit: 3, healthFlags: ['low-sugar', 'high-protein', 'allergen-nuts'], tags: ['office snack'] },
];

const KIT = {
  name: '15分钟宝宝辅食套餐 15-minute baby food kit',
  description: 'Carrot and pumpkin purees with iron-fortified rice cereal: a warm meal for a 6-month-old in 15 minutes.',
  priceCents: 1990,
  offer: 1790,
  tags: ['baby', 'quick meal', '6 months+'],
  items: [
    ['DEMO-BABY-CARROT-PUREE-100G', 1],
    ['DEMO-BABY-PUMPKIN-PUREE-100G', 1],
    ['DEMO-BABY-RICE-CEREAL-200G', 1],
  ],
};

/** What some demo residents order (resident index → offers by SKU code or `kit`, with quantities). */
const BASKETS = [
  [0, [['kit', 1], ['DEMO-DAIRY-MILK-950ML', 2]]],
  [3, [['DEMO-BABY-CARROT-PUREE-100G', 3], ['DEMO-DAIRY-YOGURT-4X100G', 1]]],
  [1, [['DEMO-ELDER-SOFT-BUNS-6', 1], ['DEMO-ELDER-MILLET-500G', 1], ['DEMO-VEG-SPINACH-300G', 2]]],
  [4, [['DEMO-FRUIT-APPLE-1KG', 1], ['DEMO-SNACK-OAT-BISCUIT-200G', 1]]],
  [2, [['DEMO-VEG-TOMATO-500G', 1], ['DEMO-SNACK-NUTS-7X25G', 1]]],
];

const STOCK_PER_SKU = 500;

async function until(what, probe, timeoutMs = 20_000) {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached in ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** The calendar date in Asia/Shanghai, `days` after the date of `now`. */
function shanghaiDate(now, days = 0) {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Every item of a paged list route (`limit`/`offset`). */
async function allPages(must, path, token, key) {
  const items = [];
  for (let offset = 0; ; offset += 200) {
    const page = await must('GET', `${path}${path.includes('?') ? '&' : '?'}limit=200&offset=${offset}`, { token });
    items.push(...page[key]);
    if (page[key].length < 200) return items;
  }
}

export async function seedCommerce({ http, must, signIn, ops, residents, log }) {
  const opsToken = ops.accessToken;

  // ---------------------------------------------------------------- compounds (leader-ops)
  const known = new Map();
  for (let after; ; ) {
    const page = await must('GET', `/v1/compounds?limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`, { token: opsToken });
    for (const compound of page.compounds) known.set(compound.compoundId, compound);
    if (!page.nextAfter) break;
    after = page.nextAfter;
  }
  let createdCompounds = 0;
  for (const [compoundId, fields] of Object.entries(COMPOUNDS)) {
    if (known.has(compoundId)) continue;
    await must('PUT', `/v1/ops/compounds/${compoundId}`, { token: opsToken, body: { ...fields, timeZone: ZONE } });
    createdCompounds += 1;
  }

  // ---------------------------------------------------------------- leaders, approved, with a pickup point each
  const points = {};
  for (const [i, leader] of LEADERS.entries()) {
    const phone = DEMO_PHONES.leaders[i];
    let tokens = await signIn(phone);
    const mine = await must('GET', `/v1/me/leader-applications?compoundId=${leader.compoundId}`, { token: tokens.accessToken });
    let application = mine.applications.find((a) => a.status === 'approved') ?? mine.applications.find((a) => a.status === 'pending');
    if (!application) {
      application = await must('POST', '/v1/leader-applications', {
        token: tokens.accessToken,
        body: { compoundId: leader.compoundId, displayName: leader.displayName, phone, statement: 'I live here and can keep parcels at the point every day.' },
      });
    }
    if (application.status === 'pending') await must('POST', `/v1/ops/leader-applications/${application.applicationId}/approve`, { token: opsToken });
    // Identity grants the leader role from the approval event; a refreshed token carries it.
    tokens = await until(`leader role for ${phone}`, async () => {
      tokens = await must('POST', '/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
      return tokens.roles.includes('leader') ? tokens : undefined;
    });

    const serving = async (status) =>
      (await must('GET', `/v1/pickup-points?leaderUserId=${tokens.userId}&status=${status}`, { token: tokens.accessToken })).pickupPoints.find((p) =>
        p.compoundIds.includes(leader.compoundId),
      );
    let point = await serving('active');
    if (!point) {
      const suspended = await serving('suspended');
      point = suspended
        ? await must('PATCH', `/v1/pickup-points/${suspended.pickupPointId}`, { token: tokens.accessToken, body: { status: 'active' } })
        : await must('POST', '/v1/pickup-points', {
            token: tokens.accessToken,
            body: {
              ...leader.point,
              compoundIds: [leader.compoundId],
              openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' })),
              capacity: 150,
              timeZone: ZONE,
            },
          });
    }
    points[leader.compoundId] = point;
  }

  // ---------------------------------------------------------------- residents bound to their compound's point
  let bound = 0;
  for (const resident of residents) {
    // Only a resident without a pickup point is bound: one who chose another keeps it.
    const binding = await must('GET', '/v1/me/pickup-point', { token: resident.tokens.accessToken });
    const point = points[resident.compoundId];
    if (binding.current || !point) continue;
    await must('PUT', '/v1/me/pickup-point', { token: resident.tokens.accessToken, body: { pickupPointId: point.pickupPointId, compoundId: resident.compoundId } });
    bound += 1;
  }
  log(
    `leader-ops: ${Object.keys(COMPOUNDS).length} compounds (${createdCompounds} new), ${LEADERS.length} approved leaders with a pickup point each, ` +
      `${residents.length} residents bound (${bound} new)`,
  );

  // ---------------------------------------------------------------- catalogue (orders)
  const categories = new Set((await must('GET', '/v1/categories', { token: opsToken })).categories.map((c) => c.categoryId));
  for (const [categoryId, name] of CATEGORIES) {
    if (!categories.has(categoryId)) await must('PUT', `/v1/ops/categories/${categoryId}`, { token: opsToken, body: { name } });
  }
  const skuByCode = new Map();
  for (const product of await allPages(must, '/v1/products?includeInactive=true', opsToken, 'products')) {
    for (const sku of product.skus) skuByCode.set(sku.code, sku);
  }
  let createdProducts = 0;
  for (const p of PRODUCTS) {
    if (skuByCode.has(p.code)) continue;
    const created = await must('POST', '/v1/ops/products', {
      token: opsToken,
      body: { name: p.name, categoryId: p.categoryId, unit: p.unit, healthFlags: p.healthFlags, tags: p.tags, skus: [{ code: p.code, spec: p.spec, priceCents: p.priceCents }] },
    });
    for (const sku of created.skus) skuByCode.set(sku.code, sku);
    createdProducts += 1;
  }
  let kit = (await allPages(must, '/v1/bundles?includeInactive=true', opsToken, 'bundles')).find((b) => b.name === KIT.name);
  if (!kit) {
    kit = await must('POST', '/v1/ops/bundles', {
      token: opsToken,
      body: {
        name: KIT.name,
        description: KIT.description,
        priceCents: KIT.priceCents,
        tags: KIT.tags,
        items: KIT.items.map(([code, quantity]) => ({ skuId: skuByCode.get(code).skuId, quantity })),
      },
    });
  }

  // ---------------------------------------------------------------- the open campaign for all three compounds
  const now = new Date();
  const demoCampaigns = [
    ...(await allPages(must, '/v1/campaigns?status=published', opsToken, 'campaigns')),
    ...(await allPages(must, '/v1/campaigns?status=draft', opsToken, 'campaigns')),
  ].filter((c) => c.title === CAMPAIGN_TITLE && Date.parse(c.cutoffAt) > now.getTime() + 60_000);
  let campaign = demoCampaigns.find((c) => c.status === 'published') ?? demoCampaigns.find((c) => c.status === 'draft');
  if (!campaign) {
    // Cut-off tomorrow at 20:00 Shanghai time; delivered the day after, to every pickup point of the three compounds.
    const cutoffDay = shanghaiDate(now, 1);
    campaign = await must('POST', '/v1/ops/campaigns', {
      token: opsToken,
      body: {
        title: CAMPAIGN_TITLE,
        description: 'Order by 20:00 tomorrow; collect at your pickup point the day after.',
        startsAt: new Date(now.getTime() - 60_000).toISOString(),
        cutoffAt: `${cutoffDay}T20:00:00+08:00`,
        deliveryDate: shanghaiDate(now, 2),
        timeZone: ZONE,
        targets: { compoundIds: Object.keys(COMPOUNDS) },
        offers: [
          ...PRODUCTS.map((p) => ({ kind: 'sku', skuId: skuByCode.get(p.code).skuId, priceCents: p.offer, ...(p.limit ? { perCustomerLimit: p.limit } : {}) })),
          { kind: 'bundle', bundleId: kit.bundleId, priceCents: KIT.offer, perCustomerLimit: 2 },
        ],
        stock: PRODUCTS.map((p) => ({ skuId: skuByCode.get(p.code).skuId, quantity: STOCK_PER_SKU })),
      },
    });
  }
  if (campaign.status === 'draft') campaign = await must('POST', `/v1/ops/campaigns/${campaign.campaignId}/publish`, { token: opsToken });
  log(
    `orders: ${CATEGORIES.length} categories, ${PRODUCTS.length} products (${createdProducts} new), the baby food kit; ` +
      `campaign "${campaign.title}" open until ${campaign.local.cutoffAt} ${campaign.local.timeZone}, delivery ${campaign.deliveryDate}`,
  );

  // ---------------------------------------------------------------- a few orders, placed and paid
  const offerOf = (key) =>
    key === 'kit' ? campaign.offers.find((o) => o.bundleId === kit.bundleId) : campaign.offers.find((o) => o.skuId === skuByCode.get(key).skuId);
  let paid = 0;
  let placed = 0;
  for (const [index, basket] of BASKETS) {
    const resident = residents[index];
    const token = resident.tokens.accessToken;
    // Orders learns the binding from leader-ops' event; until then it answers ORDERS.NOT_BOUND.
    await until(`binding of ${resident.phone} known to orders`, async () => ((await http('GET', '/v1/campaigns', { token })).status === 200 ? true : undefined));
    const lines = basket.map(([key, quantity]) => ({ offerId: offerOf(key).offerId, quantity }));
    const expectedTotalCents = basket.reduce((sum, [key, quantity]) => sum + offerOf(key).priceCents * quantity, 0);
    // One order per resident and campaign: the idempotency key finds it again on the next run.
    const idempotencyKey = `demo-${campaign.campaignId}-${index}`;
    const placement = await http('POST', '/v1/orders', { token, body: { campaignId: campaign.campaignId, idempotencyKey, lines, expectedTotalCents } });
    if (placement.status >= 400) {
      // E.g. a demo resident who moved to a compound the campaign does not serve: nothing to seed.
      log(`orders: no demo order for ${resident.phone} (${placement.body?.code ?? placement.status})`);
      continue;
    }
    let order = placement.body;
    placed += 1;
    if (order.status === 'pending_payment') {
      await must('POST', `/v1/orders/${order.orderId}/pay`, { token });
      // The development payment provider notifies the payment a moment later.
      order = await until(`payment of order ${order.orderId}`, async () => {
        const current = await must('GET', `/v1/orders/${order.orderId}`, { token });
        return current.status === 'pending_payment' ? undefined : current;
      });
    }
    if (order.status === 'paid') paid += 1;
  }
  log(`orders: ${placed} demo orders, ${paid} paid`);
  return { points, campaign, kit };
}
