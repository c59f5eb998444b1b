import { ApiError, type ErrorEnvelope } from './client';
import type { Lang } from '../i18n/i18n';

export type ErrorCode = ErrorEnvelope['code'];

/**
 * The API's error codes as readable messages — the console's mirror of the gateway's status switch.
 * A code missing here (e.g. one added by a service after this table) shows the server's own message.
 */
export const ERROR_MESSAGES: Partial<Record<ErrorCode, [zh: string, en: string]>> = {
  'COMMON.VALIDATION_FAILED': ['输入有误，请检查后重试', 'Some input is not valid; check it and try again'],
  'COMMON.MALFORMED_JSON': ['请求格式错误', 'The request was malformed'],
  'COMMON.PAYLOAD_TOO_LARGE': ['内容太大', 'That is too large to send'],
  'COMMON.NOT_FOUND': ['没有找到', 'Not found'],
  'COMMON.ROUTE_NOT_FOUND': ['接口不存在', 'No such API'],
  'COMMON.CONFLICT': ['数据已被修改，请刷新后重试', 'That changed meanwhile; reload and try again'],
  'COMMON.RATE_LIMITED': ['操作太频繁，请稍后再试', 'Too many requests; try again shortly'],
  'COMMON.UNAVAILABLE': ['服务暂时不可用，请稍后再试', 'The service is unavailable; try again shortly'],
  'COMMON.TIMEOUT': ['请求超时，请重试', 'The request timed out; try again'],
  'COMMON.INTERNAL': ['系统错误，请稍后再试', 'Something went wrong on our side'],
  'AUTH.UNAUTHENTICATED': ['请先登录', 'Please sign in'],
  'AUTH.TOKEN_EXPIRED': ['登录已过期，请重新登录', 'Your session expired; sign in again'],
  'AUTH.TOKEN_INVALID': ['登录状态无效，请重新登录', 'Your session is not valid; sign in again'],
  'AUTH.FORBIDDEN': ['没有权限执行此操作', 'You may not do that'],
  'IDENTITY.OTP_INVALID': ['验证码错误', 'Wrong code'],
  'IDENTITY.OTP_EXPIRED': ['验证码已过期，请重新获取', 'The code expired; request a new one'],
  'IDENTITY.OTP_ALREADY_USED': ['验证码已使用，请重新获取', 'The code was already used; request a new one'],
  'IDENTITY.OTP_TOO_MANY_ATTEMPTS': ['错误次数过多，请重新获取验证码', 'Too many attempts; request a new code'],
  'IDENTITY.OTP_RATE_LIMITED': ['获取验证码太频繁，请稍后再试', 'Codes were requested too often; wait a moment'],
  'IDENTITY.REFRESH_TOKEN_INVALID': ['登录已失效，请重新登录', 'Please sign in again'],
  'IDENTITY.WECHAT_CODE_INVALID': ['微信登录失败', 'WeChat sign-in failed'],
  'IDENTITY.USER_NOT_FOUND': ['用户不存在', 'No such user'],
  'IDENTITY.USER_ERASED': ['该账号的个人数据已删除', 'This account’s personal data was erased'],
  'IDENTITY.MERGE_SELF': ['不能与自己合并', 'An account cannot be merged into itself'],
  'IDENTITY.IDENTITY_CONFLICT': ['该身份已绑定其他账号', 'That identity belongs to another account'],
  'IDENTITY.CONSENT_UNKNOWN': ['未知的授权项', 'Unknown consent'],
  'LEADER_OPS.COMPOUND_NOT_FOUND': ['小区不存在', 'No such compound'],
  'LEADER_OPS.COMPOUND_IN_USE': ['小区仍在使用中', 'The compound is still in use'],
  'LEADER_OPS.APPLICATION_NOT_FOUND': ['申请不存在', 'No such application'],
  'LEADER_OPS.APPLICATION_PENDING': ['已有待审核的申请', 'An application is already pending'],
  'LEADER_OPS.APPLICATION_DECIDED': ['该申请已处理', 'That application was already decided'],
  'LEADER_OPS.ALREADY_LEADER': ['已经是该小区的团长', 'Already a leader of this compound'],
  'LEADER_OPS.NOT_APPROVED_LEADER': ['尚未成为团长', 'Not an approved leader'],
  'LEADER_OPS.PICKUP_POINT_NOT_FOUND': ['自提点不存在', 'No such pickup point'],
  'LEADER_OPS.NOT_POINT_OWNER': ['不是你的自提点', 'That pickup point is not yours'],
  'LEADER_OPS.POINT_NOT_SERVING_COMPOUND': ['该自提点不服务你的小区', 'That point does not serve your compound'],
  'LEADER_OPS.POINT_SUSPENDED': ['自提点已暂停', 'The pickup point is suspended'],
  'ORDERS.NOT_BOUND': ['请先选择自提点', 'Choose a pickup point first'],
  'ORDERS.NOT_SERVED': ['该团购不覆盖你的自提点', 'This campaign does not serve your pickup point'],
  'ORDERS.CAMPAIGN_NOT_FOUND': ['团购活动不存在', 'No such campaign'],
  'ORDERS.CAMPAIGN_NOT_STARTED': ['团购还未开始', 'The campaign has not started'],
  'ORDERS.CAMPAIGN_CLOSED': ['团购已截单', 'The campaign is closed'],
  'ORDERS.CAMPAIGN_INVALID': ['团购活动设置有误', 'The campaign is not valid'],
  'ORDERS.CATALOG_INVALID': ['商品信息有误', 'The catalogue entry is not valid'],
  'ORDERS.SKU_CODE_TAKEN': ['规格编码已存在', 'That SKU code is taken'],
  'ORDERS.OFFER_NOT_FOUND': ['商品已下架', 'That offer is gone'],
  'ORDERS.PRICE_MISMATCH': ['价格已变化，请刷新后重新下单', 'Prices changed; reload and order again'],
  'ORDERS.STOCK_EXHAUSTED': ['库存不足', 'Not enough stock left'],
  'ORDERS.LIMIT_EXCEEDED': ['超过限购数量', 'Over the per-person limit'],
  'ORDERS.IDEMPOTENCY_KEY_REUSED': ['重复提交', 'That request was already sent with other content'],
  'ORDERS.ORDER_NOT_FOUND': ['订单不存在', 'No such order'],
  'ORDERS.INVALID_TRANSITION': ['订单当前状态不允许此操作', 'The order cannot do that in its current state'],
  'ORDERS.PICKUP_CODE_INVALID': ['取货码无效或不属于本自提点', 'The pickup code is not valid at this point'],
  'ORDERS.ALREADY_PICKED_UP': ['该订单已取货', 'That order was already picked up'],
  'ORDERS.PAYMENT_SIGNATURE_INVALID': ['支付通知签名无效', 'The payment notification signature is not valid'],
  'ORDERS.REFUND_NOT_ALLOWED': ['该订单不能退款', 'This order cannot be refunded'],
  'ORDERS.REFUND_EXCEEDS_PAID': ['退款金额超过实付金额', 'More than was paid'],
  'ORDERS.REFUND_WINDOW_CLOSED': ['已超过售后期限', 'The complaint window has closed'],
  'ORDERS.POINTS_EXCEED_TOTAL': ['积分抵扣不能超过订单金额', 'Points cannot pay more than the order total'],
  'ORDERS.POINTS_HOLD_CLOSED': ['这次下单的积分已退回，请重新下单', 'The points of this attempt were returned; place the order again'],
  'ORDERS.POINTS_UNAVAILABLE': ['积分暂时无法使用，请稍后再试或不用积分下单', 'Points cannot be used just now; try again or order without points'],
  'RECOMMENDATIONS.CUSTOMER_NOT_FOUND': ['客户不存在', 'No such customer'],
  'RECOMMENDATIONS.CAMPAIGN_NOT_FOUND': ['团购活动不存在', 'No such campaign'],
  'RECOMMENDATIONS.SEGMENT_NOT_FOUND': ['人群不存在', 'No such segment'],
  'RECOMMENDATIONS.SEGMENT_NAME_TAKEN': ['人群名称已存在', 'That segment name is taken'],
};

/** A readable message for any error: the table's wording for API codes, the server's message otherwise. */
export function errorMessage(error: unknown, lang: Lang): string {
  if (error instanceof ApiError) {
    const known = ERROR_MESSAGES[error.code as ErrorCode];
    return known ? known[lang === 'en' ? 1 : 0] : error.message;
  }
  if (error instanceof TypeError) return lang === 'en' ? 'The network is unreachable' : '网络连接失败';
  return error instanceof Error ? error.message : String(error);
}
