import { createServer, type Server } from 'node:http';
import { WechatSubscriptionChannel, inQuietHours, parseQuietHours } from './message-channels.js';

describe('quiet hours', () => {
  const quiet = parseQuietHours('21:00-08:00', 'Asia/Shanghai');

  it('wraps midnight in China time', () => {
    expect(inQuietHours(quiet, new Date('2026-12-03T12:59:00Z'))).toBe(false); // 20:59
    expect(inQuietHours(quiet, new Date('2026-12-03T13:00:00Z'))).toBe(true); // 21:00
    expect(inQuietHours(quiet, new Date('2026-12-03T18:00:00Z'))).toBe(true); // 02:00
    expect(inQuietHours(quiet, new Date('2026-12-03T23:59:00Z'))).toBe(true); // 07:59
    expect(inQuietHours(quiet, new Date('2026-12-04T00:00:00Z'))).toBe(false); // 08:00
  });

  it('may be configured as a daytime window or off, and refuses nonsense', () => {
    expect(inQuietHours(parseQuietHours('12:00-14:00', 'UTC'), new Date('2026-12-03T13:00:00Z'))).toBe(true);
    expect(inQuietHours(parseQuietHours('12:00-14:00', 'UTC'), new Date('2026-12-03T14:00:00Z'))).toBe(false);
    expect(parseQuietHours('off', 'Asia/Shanghai')).toBeNull();
    expect(() => parseQuietHours('9pm-8am', 'Asia/Shanghai')).toThrow(/21:00-08:00/);
  });
});

describe('WechatSubscriptionChannel', () => {
  let server: Server;
  let base = '';
  const calls: { path: string; body: any }[] = [];
  let sendAnswer: object = { errcode: 0, errmsg: 'ok' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls.push({ path: req.url ?? '', body: body ? JSON.parse(body) : null });
        const answer = req.url?.startsWith('/cgi-bin/token') ? { access_token: 'TOKEN-1', expires_in: 7200 } : sendAnswer;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const channel = (openId: string | null) =>
    new WechatSubscriptionChannel({ appId: 'wx123', appSecret: 'secret', templateId: 'TPL', apiBase: base, page: 'pages/inbox/index', openIdOf: async () => openId });
  const message = { messageId: 'm1', userId: 'u1', title: '生日祝福', body: '王阿姨，生日快乐！自提点给您准备了一份生日小礼。' };

  it('gets a token once and sends the subscription message to the resident’s openid', async () => {
    const wechat = channel('openid-1');
    expect(await wechat.deliver(message)).toEqual({ status: 'delivered' });
    expect(await wechat.deliver(message)).toEqual({ status: 'delivered' });
    expect(calls.filter((c) => c.path.startsWith('/cgi-bin/token'))).toHaveLength(1);
    expect(calls[0]!.path).toBe('/cgi-bin/token?grant_type=client_credential&appid=wx123&secret=secret');
    const send = calls.at(-1)!;
    expect(send.path).toBe('/cgi-bin/message/subscribe/send?access_token=TOKEN-1');
    expect(send.body).toEqual({ touser: 'openid-1', template_id: 'TPL', page: 'pages/inbox/index', data: { thing1: { value: '生日祝福' }, thing2: { value: message.body.slice(0, 20) } } });
  });

  it('reports WeChat errors and a missing openid as failed deliveries', async () => {
    sendAnswer = { errcode: 43101, errmsg: 'user refuse to accept the msg' };
    expect(await channel('openid-1').deliver(message)).toEqual({ status: 'failed', error: 'wechat 43101: user refuse to accept the msg' });
    expect(await channel(null).deliver(message)).toEqual({ status: 'failed', error: 'the resident has no WeChat mini-program identity' });
    sendAnswer = { errcode: 0, errmsg: 'ok' };
  });
});
