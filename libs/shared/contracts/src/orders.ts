import * as z from './zod.js';
import { defineBatchRpc, defineEvent, defineRpc } from './define.js';
import { ActorSchema, CentsSchema, IsoDateSchema, IsoDateTimeSchema, UserIdSchema } from './common.js';

// ---------------------------------------------------------------- shared shapes

const Id = z.string().uuid();
const CompoundIdSchema = z.string().min(1).max(64);
/** Category ids are readable slugs (`fresh-vegetables`). */
export const CategoryIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,47}$/, 'must be a lower-case slug');
const UrlSchema = z.string().url().max(500);
const Text = (max: number) => z.string().trim().min(1).max(max);

/** Nutrition and health flags a product may carry. */
export const HEALTH_FLAGS = [
  'low-sugar',
  'low-salt',
  'low-fat',
  'high-protein',
  'high-fibre',
  'infant',
  'elderly-friendly',
  'vegetarian',
  'vegan',
  'gluten-free',
  'organic',
  'allergen-nuts',
  'allergen-dairy',
  'allergen-seafood',
] as const;
export const HealthFlagSchema = z.enum(HEALTH_FLAGS);
export type HealthFlag = z.infer<typeof HealthFlagSchema>;

export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'locked',
  'shipped',
  'received',
  'picked_up',
  'completed',
  'cancelled',
  'expired',
] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const CAMPAIGN_STATUSES = ['draft', 'published', 'closing', 'closed', 'cancelled'] as const;
export const CampaignStatusSchema = z.enum(CAMPAIGN_STATUSES);
export type CampaignStatus = z.infer<typeof CampaignStatusSchema>;

export const REFUND_REASONS = ['shortage', 'quality', 'cancellation', 'min-group-unmet', 'late-payment', 'duplicate-payment'] as const;
export const RefundReasonSchema = z.enum(REFUND_REASONS);
export type RefundReason = z.infer<typeof RefundReasonSchema>;

/** Who made a transition: a user in one of their roles, the scheduler, or the payment provider. */
export const TransitionActorSchema = z.object({
  kind: z.enum(['resident', 'leader', 'ops', 'system', 'payment']),
  userId: UserIdSchema.nullable(),
});

// ---------------------------------------------------------------- catalog

export const SkuInputSchema = z
  .object({
    skuId: Id.optional(),
    /** Merchant's SKU code, unique across the catalog. */
    code: z.string().trim().regex(/^[A-Za-z0-9._-]{2,40}$/),
    /** Variant, e.g. "500 g" or "box of 12". */
    spec: Text(60),
    priceCents: CentsSchema,
    active: z.boolean().default(true),
  })
  .strict();

export const SkuSchema = z.object({ skuId: Id, code: z.string(), spec: z.string(), priceCents: CentsSchema, active: z.boolean() });
export type Sku = z.infer<typeof SkuSchema>;

export const ProductInputSchema = z
  .object({
    productId: Id.optional(),
    name: Text(100),
    description: z.string().trim().max(2000).default(''),
    categoryId: CategoryIdSchema,
    /** Selling unit: 份, 斤, box, bag, … */
    unit: Text(20),
    imageUrls: z.array(UrlSchema).max(10).default([]),
    healthFlags: z.array(HealthFlagSchema).max(HEALTH_FLAGS.length).default([]),
    tags: z.array(Text(30)).max(20).default([]),
    active: z.boolean().default(true),
    skus: z.array(SkuInputSchema).min(1).max(20),
  })
  .strict();
export type ProductInput = z.input<typeof ProductInputSchema>;

export const ProductSchema = z.object({
  productId: Id,
  name: z.string(),
  description: z.string(),
  categoryId: CategoryIdSchema,
  unit: z.string(),
  imageUrls: z.array(z.string()),
  healthFlags: z.array(HealthFlagSchema),
  tags: z.array(z.string()),
  active: z.boolean(),
  skus: z.array(SkuSchema),
  updatedAt: IsoDateTimeSchema,
});
export type Product = z.infer<typeof ProductSchema>;

export const CategorySchema = z.object({ categoryId: CategoryIdSchema, name: z.string(), parentId: CategoryIdSchema.nullable() });

export const BundleInputSchema = z
  .object({
    bundleId: Id.optional(),
    name: Text(100),
    description: z.string().trim().max(2000).default(''),
    priceCents: CentsSchema,
    imageUrls: z.array(UrlSchema).max(10).default([]),
    tags: z.array(Text(30)).max(20).default([]),
    active: z.boolean().default(true),
    items: z
      .array(z.object({ skuId: Id, quantity: z.number().int().min(1).max(99) }).strict())
      .min(1)
      .max(20)
      .refine((items) => new Set(items.map((i) => i.skuId)).size === items.length, 'each SKU appears once'),
  })
  .strict();

export const BundleSchema = z.object({
  bundleId: Id,
  name: z.string(),
  description: z.string(),
  priceCents: CentsSchema,
  imageUrls: z.array(z.string()),
  tags: z.array(z.string()),
  active: z.boolean(),
  items: z.array(z.object({ skuId: Id, productId: Id, name: z.string(), spec: z.string(), quantity: z.number().int(), listPriceCents: CentsSchema })),
  /** Sum of the items at list price: what the bundle saves against. */
  listPriceCents: CentsSchema,
});
export type Bundle = z.infer<typeof BundleSchema>;

// ---------------------------------------------------------------- campaigns

export const OfferInputSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sku'),
      skuId: Id,
      priceCents: CentsSchema,
      perCustomerLimit: z.number().int().min(1).max(999).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('bundle'),
      bundleId: Id,
      priceCents: CentsSchema,
      perCustomerLimit: z.number().int().min(1).max(999).optional(),
    })
    .strict(),
]);

export const CampaignInputSchema = z
  .object({
    title: Text(100),
    description: z.string().trim().max(2000).default(''),
    startsAt: IsoDateTimeSchema,
    cutoffAt: IsoDateTimeSchema,
    deliveryDate: IsoDateSchema,
    /** Time zone the campaign's times are shown in where the viewer has none; defaults to Asia/Shanghai. */
    timeZone: z.string().min(3).max(64).default('Asia/Shanghai'),
    /** Minimum distinct paying customers per pickup point; unmet at cut-off → those orders are cancelled and refunded. */
    minGroupSize: z.number().int().min(2).max(10_000).optional(),
    targets: z
      .object({ compoundIds: z.array(CompoundIdSchema).max(500).default([]), pickupPointIds: z.array(Id).max(500).default([]) })
      .strict()
      .refine((t) => t.compoundIds.length + t.pickupPointIds.length > 0, 'name at least one compound or pickup point'),
    offers: z.array(OfferInputSchema).min(1).max(200),
    /** Campaign stock per SKU; every SKU offered, alone or inside a bundle, needs an entry. */
    stock: z
      .array(z.object({ skuId: Id, quantity: z.number().int().min(0).max(10_000_000) }).strict())
      .min(1)
      .max(500)
      .refine((rows) => new Set(rows.map((r) => r.skuId)).size === rows.length, 'each SKU appears once'),
  })
  .strict()
  .refine((c) => Date.parse(c.cutoffAt) > Date.parse(c.startsAt), { message: 'cut-off must be after the start', path: ['cutoffAt'] });

/** The campaign's times shown in a time zone (`YYYY-MM-DD HH:mm`). */
export const LocalTimesSchema = z.object({ timeZone: z.string(), startsAt: z.string(), cutoffAt: z.string() });

export const OfferSchema = z.object({
  offerId: Id,
  kind: z.enum(['sku', 'bundle']),
  skuId: Id.nullable(),
  bundleId: Id.nullable(),
  productId: Id.nullable(),
  categoryId: CategoryIdSchema.nullable(),
  name: z.string(),
  spec: z.string().nullable(),
  unit: z.string().nullable(),
  imageUrls: z.array(z.string()),
  healthFlags: z.array(HealthFlagSchema),
  priceCents: CentsSchema,
  listPriceCents: CentsSchema,
  perCustomerLimit: z.number().int().nullable(),
  /** Units still available (for a bundle: how many bundles its scarcest component allows). */
  available: z.number().int().nonnegative(),
});
export type Offer = z.infer<typeof OfferSchema>;

export const CampaignSchema = z.object({
  campaignId: Id,
  title: z.string(),
  description: z.string(),
  status: CampaignStatusSchema,
  startsAt: IsoDateTimeSchema,
  cutoffAt: IsoDateTimeSchema,
  deliveryDate: IsoDateSchema,
  timeZone: z.string(),
  local: LocalTimesSchema,
  minGroupSize: z.number().int().nullable(),
  targets: z.object({ compoundIds: z.array(z.string()), pickupPointIds: z.array(Id) }),
  offers: z.array(OfferSchema),
  stock: z.array(z.object({ skuId: Id, total: z.number().int(), remaining: z.number().int() })),
  publishedAt: IsoDateTimeSchema.nullable(),
  closedAt: IsoDateTimeSchema.nullable(),
});
export type Campaign = z.infer<typeof CampaignSchema>;

export const CampaignSummarySchema = CampaignSchema.omit({ offers: true, stock: true, targets: true });

// ---------------------------------------------------------------- orders

export const OrderLineItemSchema = z.object({ skuId: Id, productId: Id, categoryId: CategoryIdSchema, quantity: z.number().int().positive() });

export const OrderLineSchema = z.object({
  lineId: Id,
  offerId: Id,
  kind: z.enum(['sku', 'bundle']),
  skuId: Id.nullable(),
  bundleId: Id.nullable(),
  productId: Id.nullable(),
  categoryId: CategoryIdSchema.nullable(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPriceCents: CentsSchema,
  amountCents: CentsSchema,
  refundedCents: CentsSchema,
  /** The SKUs the line takes from stock (one for a SKU line, the components for a bundle). */
  items: z.array(OrderLineItemSchema),
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

export const OrderSchema = z.object({
  orderId: Id,
  userId: UserIdSchema,
  campaignId: Id,
  pickupPointId: Id,
  compoundId: z.string(),
  status: OrderStatusSchema,
  totalCents: CentsSchema,
  paidCents: CentsSchema,
  refundedCents: CentsSchema,
  /** Points the resident spent on the order (0: none); held by the growth ledger until the order is paid, given back if it is not. */
  pointsSpent: z.number().int().nonnegative(),
  /** What those points took off the total. */
  pointsDiscountCents: CentsSchema,
  /** What is left to pay in money: `totalCents - pointsDiscountCents`. */
  payableCents: CentsSchema,
  lines: z.array(OrderLineSchema),
  placedAt: IsoDateTimeSchema,
  expiresAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
  transitions: z.array(
    z.object({ from: OrderStatusSchema.nullable(), to: OrderStatusSchema, actor: TransitionActorSchema, reason: z.string().nullable(), at: IsoDateTimeSchema }),
  ),
});
export type Order = z.infer<typeof OrderSchema>;

export const PlaceOrderLineSchema = z.object({ offerId: Id, quantity: z.number().int().min(1).max(999) }).strict();

export const PaymentIntentSchema = z.object({
  paymentId: Id,
  orderId: Id,
  provider: z.string(),
  providerPaymentId: z.string(),
  amountCents: CentsSchema,
  status: z.enum(['created', 'succeeded', 'failed']),
  /** What the client hands to the provider's SDK (opaque to Linli). */
  clientParams: z.record(z.string(), z.string()),
});
export type PaymentIntent = z.infer<typeof PaymentIntentSchema>;

export const RefundSchema = z.object({
  refundId: Id,
  orderId: Id,
  refundKey: z.string(),
  reason: RefundReasonSchema,
  amountCents: CentsSchema,
  /** `pending_review`: a complaint past the instant-refund limits, waiting for the leader or ops; `rejected` by them. */
  status: z.enum(['succeeded', 'failed', 'pending_review', 'rejected']),
  description: z.string().nullable(),
  photoUrls: z.array(z.string()),
  lines: z.array(z.object({ lineId: Id, quantity: z.number().int().nonnegative(), amountCents: CentsSchema })),
  createdAt: IsoDateTimeSchema,
  /** Paid at once under the instant-refund policy. */
  autoApproved: z.boolean(),
  /** Set when the complaint went to review: why, and the decision once taken. */
  review: z
    .object({
      reason: z.string(),
      decidedBy: UserIdSchema.nullable(),
      decidedAt: IsoDateTimeSchema.nullable(),
      decisionReason: z.string().nullable(),
    })
    .nullable(),
});
export type Refund = z.infer<typeof RefundSchema>;

const RefundKeySchema = z.string().trim().regex(/^[A-Za-z0-9._:-]{8,100}$/, 'must be 8–100 letters, digits or ._:-');
const IdempotencyKeySchema = z.string().trim().regex(/^[A-Za-z0-9._:-]{8,100}$/, 'must be 8–100 letters, digits or ._:-');
const Page = { limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).max(100_000).default(0) };

/** A signed notification from the payment provider (fields are signed as sorted `key=value` pairs joined by `&`). */
export const PaymentNotificationSchema = z
  .object({
    notificationId: z.string().min(8).max(100),
    providerPaymentId: z.string().min(4).max(100),
    merchantOrderId: Id,
    status: z.enum(['succeeded', 'failed']),
    amountCents: CentsSchema,
    occurredAt: IsoDateTimeSchema,
  })
  .strict();
export type PaymentNotification = z.infer<typeof PaymentNotificationSchema>;

// ---------------------------------------------------------------- RPC: catalog (ops writes, everyone reads)

export const upsertCategory = defineRpc(
  'rpc.orders.category.upsert.v1',
  z.object({ actor: ActorSchema, categoryId: CategoryIdSchema, name: Text(60), parentId: CategoryIdSchema.nullable().default(null) }).strict(),
  CategorySchema,
);

export const listCategories = defineRpc(
  'rpc.orders.category.list.v1',
  z.object({ actor: ActorSchema }).strict(),
  z.object({ categories: z.array(CategorySchema) }),
);

export const upsertProduct = defineRpc(
  'rpc.orders.product.upsert.v1',
  z.object({ actor: ActorSchema, product: ProductInputSchema }).strict(),
  ProductSchema,
);

export const getProduct = defineRpc('rpc.orders.product.get.v1', z.object({ actor: ActorSchema, productId: Id }).strict(), ProductSchema);

export const listProducts = defineRpc(
  'rpc.orders.product.list.v1',
  z
    .object({
      actor: ActorSchema,
      categoryId: CategoryIdSchema.optional(),
      healthFlag: HealthFlagSchema.optional(),
      tag: Text(30).optional(),
      includeInactive: z.boolean().default(false),
      ...Page,
    })
    .strict(),
  z.object({ products: z.array(ProductSchema), total: z.number().int() }),
);

export const upsertBundle = defineRpc(
  'rpc.orders.bundle.upsert.v1',
  z.object({ actor: ActorSchema, bundle: BundleInputSchema }).strict(),
  BundleSchema,
);

export const listBundles = defineRpc(
  'rpc.orders.bundle.list.v1',
  z.object({ actor: ActorSchema, includeInactive: z.boolean().default(false), ...Page }).strict(),
  z.object({ bundles: z.array(BundleSchema), total: z.number().int() }),
);

// ---------------------------------------------------------------- RPC: campaigns

export const createCampaign = defineRpc(
  'rpc.orders.campaign.create.v1',
  z.object({ actor: ActorSchema, campaign: CampaignInputSchema }).strict(),
  CampaignSchema,
);

export const publishCampaign = defineRpc(
  'rpc.orders.campaign.publish.v1',
  z.object({ actor: ActorSchema, campaignId: Id }).strict(),
  CampaignSchema,
);

export const getCampaign = defineRpc('rpc.orders.campaign.get.v1', z.object({ actor: ActorSchema, campaignId: Id }).strict(), CampaignSchema);

/** Residents see open campaigns serving their pickup point; leaders those serving theirs; ops all (filtered by status). */
export const listCampaigns = defineRpc(
  'rpc.orders.campaign.list.v1',
  z.object({ actor: ActorSchema, status: CampaignStatusSchema.optional(), ...Page }).strict(),
  z.object({ campaigns: z.array(CampaignSchema) }),
);

/** Ops: the delivery left the warehouse for these pickup points (all served points when omitted). */
export const shipCampaign = defineRpc(
  'rpc.orders.campaign.ship.v1',
  z.object({ actor: ActorSchema, campaignId: Id, pickupPointIds: z.array(Id).max(500).optional() }).strict(),
  z.object({ campaignId: Id, shippedOrders: z.number().int() }),
);

const OutputFormatSchema = z.enum(['json', 'csv']).default('json');

export const SortingListSchema = z.object({
  campaignId: Id,
  pickupPointId: Id,
  pickupPointName: z.string(),
  deliveryDate: IsoDateSchema,
  campaignStatus: CampaignStatusSchema,
  /**
   * True before the cut-off (campaign `draft` or `published`): the list so far, from the orders paid
   * until now, which may still change. After the cut-off it lists the orders going out.
   */
  preview: z.boolean(),
  residents: z.array(
    z.object({
      userId: UserIdSchema,
      /** The nickname the resident declared (null when none). */
      displayName: z.string().nullable(),
      building: z.string().nullable(),
      orderIds: z.array(Id),
      /** What the resident shows at pickup, one per order. */
      pickupCodes: z.array(z.string()),
      items: z.array(z.object({ skuId: Id, productId: Id, name: z.string(), spec: z.string(), quantity: z.number().int() })),
    }),
  ),
  totals: z.array(z.object({ skuId: Id, name: z.string(), spec: z.string(), quantity: z.number().int() })),
  /** Present when `format` was `csv`. */
  csv: z.string().optional(),
});
export type SortingList = z.infer<typeof SortingListSchema>;

/** Leader (own point) or ops: who gets what at one pickup point (a preview before the cut-off). */
export const sortingList = defineRpc(
  'rpc.orders.campaign.sorting-list.v1',
  z.object({ actor: ActorSchema, campaignId: Id, pickupPointId: Id, format: OutputFormatSchema }).strict(),
  SortingListSchema,
);

export const PurchaseSummarySchema = z.object({
  campaignId: Id,
  deliveryDate: IsoDateSchema,
  skus: z.array(
    z.object({
      skuId: Id,
      code: z.string(),
      productId: Id,
      name: z.string(),
      spec: z.string(),
      quantity: z.number().int(),
      pickupPoints: z.number().int(),
    }),
  ),
  csv: z.string().optional(),
});
export type PurchaseSummary = z.infer<typeof PurchaseSummarySchema>;

/** Ops: what to buy from the supplier per SKU (orders locked at cut-off, less nothing: shortages are reported later). */
export const purchaseSummary = defineRpc(
  'rpc.orders.campaign.purchase-summary.v1',
  z.object({ actor: ActorSchema, campaignId: Id, format: OutputFormatSchema }).strict(),
  PurchaseSummarySchema,
);

// ---------------------------------------------------------------- RPC: orders

/** Resident places an order. Retrying with the same idempotency key returns the same order. */
export const placeOrder = defineRpc(
  'rpc.orders.order.place.v1',
  z
    .object({
      actor: ActorSchema,
      campaignId: Id,
      idempotencyKey: IdempotencyKeySchema,
      lines: z
        .array(PlaceOrderLineSchema)
        .min(1)
        .max(50)
        .refine((lines) => new Set(lines.map((l) => l.offerId)).size === lines.length, 'each offer appears once'),
      /** The total the client showed the resident; a different server total is refused (PRICE_MISMATCH). */
      expectedTotalCents: CentsSchema,
      /**
       * Points to spend on this order: each point takes the orders service's `pointValueCents` off the
       * total (1 cent by default: 100 points = 1 yuan), leaving at least its minimum payable amount
       * (more → `ORDERS.POINTS_EXCEED_TOTAL`). More than the balance → `GROWTH.INSUFFICIENT_POINTS` and no
       * order; the ledger unreachable → `ORDERS.POINTS_UNAVAILABLE` and no order.
       */
      pointsToSpend: z.number().int().min(1).max(1_000_000).optional(),
    })
    .strict(),
  OrderSchema,
);

/** Placements in one message: the gateway sends what arrives at once, and orders places them together. */
export const placeOrderBatch = defineBatchRpc(placeOrder, 128);

export const getOrder = defineRpc('rpc.orders.order.get.v1', z.object({ actor: ActorSchema, orderId: Id }).strict(), OrderSchema);

/** Residents list their own orders, leaders their point's (pickupPointId optional), ops any. */
export const listOrders = defineRpc(
  'rpc.orders.order.list.v1',
  z
    .object({
      actor: ActorSchema,
      campaignId: Id.optional(),
      pickupPointId: Id.optional(),
      status: OrderStatusSchema.optional(),
      ...Page,
    })
    .strict(),
  z.object({ orders: z.array(OrderSchema), total: z.number().int() }),
);

export const cancelOrder = defineRpc(
  'rpc.orders.order.cancel.v1',
  z.object({ actor: ActorSchema, orderId: Id, reason: z.string().trim().max(200).optional() }).strict(),
  OrderSchema,
);

export const payOrder = defineRpc('rpc.orders.order.pay.v1', z.object({ actor: ActorSchema, orderId: Id }).strict(), PaymentIntentSchema);

export const getPickupCode = defineRpc(
  'rpc.orders.order.pickup-code.v1',
  z.object({ actor: ActorSchema, orderId: Id }).strict(),
  z.object({ orderId: Id, code: z.string(), pickupPointId: Id }),
);

/** Leader scans a resident's pickup code at their own pickup point. */
export const scanPickup = defineRpc(
  'rpc.orders.pickup.scan.v1',
  z.object({ actor: ActorSchema, code: z.string().trim().regex(/^[0-9A-Z]{6,16}$/, 'not a pickup code') }).strict(),
  OrderSchema,
);

/** Leader confirms the delivery arrived at their point, reporting missing units; shortages are refunded automatically. */
export const confirmReceipt = defineRpc(
  'rpc.orders.receipt.confirm.v1',
  z
    .object({
      actor: ActorSchema,
      campaignId: Id,
      pickupPointId: Id,
      shortages: z
        .array(z.object({ skuId: Id, quantity: z.number().int().min(1).max(1_000_000) }).strict())
        .max(200)
        .default([]),
    })
    .strict(),
  z.object({
    campaignId: Id,
    pickupPointId: Id,
    receivedOrders: z.number().int(),
    refunds: z.array(z.object({ orderId: Id, refundId: Id, amountCents: CentsSchema })),
    /** Units reported short that no order was waiting for. */
    unallocated: z.array(z.object({ skuId: Id, quantity: z.number().int() })),
  }),
);

export const RefundLineInputSchema = z.object({ lineId: Id, quantity: z.number().int().min(1).max(999) }).strict();

/** Resident complains about quality within the window after pickup; refunded by line. */
export const requestRefund = defineRpc(
  'rpc.orders.refund.request.v1',
  z
    .object({
      actor: ActorSchema,
      orderId: Id,
      refundKey: RefundKeySchema,
      lines: z.array(RefundLineInputSchema).min(1).max(50),
      description: Text(500),
      photoUrls: z.array(UrlSchema).min(1).max(9),
    })
    .strict(),
  RefundSchema,
);

/** Ops refunds an order in full (no lines) or by line. */
export const issueRefund = defineRpc(
  'rpc.orders.refund.issue.v1',
  z
    .object({
      actor: ActorSchema,
      orderId: Id,
      refundKey: RefundKeySchema,
      reason: z.enum(['shortage', 'quality', 'cancellation']),
      lines: z.array(RefundLineInputSchema).min(1).max(50).optional(),
      description: z.string().trim().max(500).optional(),
    })
    .strict(),
  RefundSchema,
);

/** Complaints waiting for review (or decided): a leader sees their pickup points', ops every one. */
export const listRefundReviews = defineRpc(
  'rpc.orders.refund-review.list.v1',
  z.object({ actor: ActorSchema, status: z.enum(['pending_review', 'succeeded', 'failed', 'rejected']).default('pending_review'), ...Page }).strict(),
  z.object({ refunds: z.array(RefundSchema.extend({ pickupPointId: Id, userId: UserIdSchema })) }),
);

/** The order's leader or ops approves (the refund is paid) or rejects a complaint under review; audited. */
export const decideRefundReview = defineRpc(
  'rpc.orders.refund-review.decide.v1',
  z.object({ actor: ActorSchema, refundId: Id, decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(3).max(500) }).strict(),
  RefundSchema,
);

export const listRefunds = defineRpc(
  'rpc.orders.refund.list.v1',
  z.object({ actor: ActorSchema, orderId: Id }).strict(),
  z.object({ refunds: z.array(RefundSchema) }),
);

/** The payment provider's notification (public through the gateway; the signature is verified here). */
export const paymentCallback = defineRpc(
  'rpc.orders.payment.callback.v1',
  z.object({ provider: z.string().min(1).max(40), notification: PaymentNotificationSchema, signature: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  z.object({ accepted: z.literal(true), outcome: z.enum(['paid', 'duplicate', 'failed', 'refunded', 'ignored']) }),
);

// ---------------------------------------------------------------- events

export const EventLineSchema = z.object({
  lineId: Id,
  kind: z.enum(['sku', 'bundle']),
  skuId: Id.nullable(),
  bundleId: Id.nullable(),
  productId: Id.nullable(),
  categoryId: CategoryIdSchema.nullable(),
  quantity: z.number().int(),
  unitPriceCents: CentsSchema,
  amountCents: CentsSchema,
  items: z.array(OrderLineItemSchema),
});

/** What every order event carries: who, where, what, how much, when. */
export const OrderEventBaseSchema = z.object({
  orderId: Id,
  userId: UserIdSchema,
  campaignId: Id,
  pickupPointId: Id,
  compoundId: z.string(),
  status: OrderStatusSchema,
  totalCents: CentsSchema,
  lines: z.array(EventLineSchema),
  placedAt: IsoDateTimeSchema,
  at: IsoDateTimeSchema,
  actor: TransitionActorSchema,
});
export type OrderEventBase = z.infer<typeof OrderEventBaseSchema>;

export const orderPlaced = defineEvent('orders.order.placed.v1', OrderEventBaseSchema.extend({ expiresAt: IsoDateTimeSchema }));
export const orderPaid = defineEvent('orders.order.paid.v1', OrderEventBaseSchema.extend({ paymentId: Id, paidCents: CentsSchema }));
export const orderCancelled = defineEvent('orders.order.cancelled.v1', OrderEventBaseSchema.extend({ reason: z.string() }));
export const orderExpired = defineEvent('orders.order.expired.v1', OrderEventBaseSchema);
export const orderLocked = defineEvent('orders.order.locked.v1', OrderEventBaseSchema);
export const orderShipped = defineEvent('orders.order.shipped.v1', OrderEventBaseSchema);
export const orderReceived = defineEvent(
  'orders.order.received.v1',
  OrderEventBaseSchema.extend({ shortages: z.array(z.object({ skuId: Id, quantity: z.number().int() })) }),
);
export const orderPickedUp = defineEvent('orders.order.picked-up.v1', OrderEventBaseSchema);
export const orderCompleted = defineEvent('orders.order.completed.v1', OrderEventBaseSchema);
export const orderRefunded = defineEvent(
  'orders.order.refunded.v1',
  OrderEventBaseSchema.extend({
    refundId: Id,
    reason: RefundReasonSchema,
    amountCents: CentsSchema,
    refundedCents: CentsSchema,
    refundLines: z.array(z.object({ lineId: Id, quantity: z.number().int(), amountCents: CentsSchema })),
    /** What points took off the order's total (absent: none); the money refunded is a share of `totalCents - pointsDiscountCents`. */
    pointsDiscountCents: CentsSchema.optional(),
  }),
);

/** Every event of an order's life: each carries the order as it stands (`OrderEventBase`) after the change. */
export const ORDER_EVENTS = [orderPlaced, orderPaid, orderCancelled, orderExpired, orderLocked, orderShipped, orderReceived, orderPickedUp, orderCompleted, orderRefunded] as const;

export const campaignPublished = defineEvent(
  'orders.campaign.published.v1',
  z.object({
    campaignId: Id,
    title: z.string(),
    startsAt: IsoDateTimeSchema,
    cutoffAt: IsoDateTimeSchema,
    deliveryDate: IsoDateSchema,
    compoundIds: z.array(z.string()),
    pickupPointIds: z.array(Id),
    offers: z.array(
      z.object({
        offerId: Id,
        kind: z.enum(['sku', 'bundle']),
        skuId: Id.nullable(),
        bundleId: Id.nullable(),
        productId: Id.nullable(),
        categoryId: CategoryIdSchema.nullable(),
        priceCents: CentsSchema,
        items: z.array(OrderLineItemSchema),
      }),
    ),
    publishedAt: IsoDateTimeSchema,
  }),
);

export const campaignClosed = defineEvent(
  'orders.campaign.closed.v1',
  z.object({
    campaignId: Id,
    closedAt: IsoDateTimeSchema,
    lockedOrders: z.number().int(),
    cancelledOrders: z.number().int(),
    pickupPoints: z.array(z.object({ pickupPointId: Id, customers: z.number().int(), minimumMet: z.boolean() })),
  }),
);

export const productUpserted = defineEvent(
  'orders.product.upserted.v1',
  z.object({
    productId: Id,
    name: z.string(),
    categoryId: CategoryIdSchema,
    unit: z.string(),
    healthFlags: z.array(HealthFlagSchema),
    tags: z.array(z.string()),
    imageUrls: z.array(z.string()),
    active: z.boolean(),
    skus: z.array(SkuSchema),
    updatedAt: IsoDateTimeSchema,
  }),
);

/** Order statuses that still need the pickup point: paid or on their way, not yet handed over or ended. */
export const OPEN_ORDER_STATUSES = ['pending_payment', 'paid', 'locked', 'shipped', 'received'] as const satisfies readonly OrderStatus[];

/**
 * Asked by identity before a self-service account merge: does the account to be merged away have
 * open orders at a pickup point other than the one the surviving account is bound to? Only counts
 * and pickup point ids are answered. The actor is the surviving account (or ops).
 */
export const mergeCheck = defineRpc(
  'rpc.orders.merge-check.v1',
  z.object({ actor: ActorSchema, sourceUserId: UserIdSchema, targetUserId: UserIdSchema }).strict(),
  z.object({ openOrders: z.number().int().nonnegative(), openOrdersElsewhere: z.number().int().nonnegative(), pickupPointIds: z.array(z.string().uuid()) }),
);
