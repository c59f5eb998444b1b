import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FallbackTextGenerator, OpenAiCompatibleTextGenerator, TemplateTextGenerator, type DraftInputs } from './text-generator.js';

const birthday: DraftInputs = { kind: 'birthday', locale: 'zh-CN', nickname: '王阿姨', leaderName: null, birthday: '12-05' };

/** A local stand-in for an OpenAI-compatible endpoint; `handler` decides each answer. */
let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let baseUrl: string;
const requests: { path: string; auth: string | undefined; body: any }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', auth: req.headers.authorization, body: body ? JSON.parse(body) : null });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const llm = (timeoutMs = 2000) => new FallbackTextGenerator(new OpenAiCompatibleTextGenerator({ baseUrl, apiKey: 'sk-test', model: 'care-1', timeoutMs }));

describe('TemplateTextGenerator', () => {
  const t = new TemplateTextGenerator();

  it('writes each kind in Chinese and English from the inputs', async () => {
    expect((await t.generate(birthday)).text).toMatch(/^王阿姨，祝您生日快乐/);
    expect((await t.generate({ ...birthday, locale: 'en', nickname: 'Mrs Wang' })).text).toMatch(/^Happy birthday, Mrs Wang!/);
    const festival = { kind: 'festival' as const, locale: 'zh-CN' as const, nickname: null, leaderName: '李姐', festival: { key: 'mid-autumn', name: '中秋节', nameEn: 'the Mid-Autumn Festival', date: '2026-09-25' } };
    expect((await t.generate(festival)).text).toBe('邻居，中秋节（2026-09-25）将至，祝您和家人节日安康！节日需要备点什么，随时跟我说。 —— 李姐');
    expect((await t.generate({ ...festival, locale: 'en' })).text).toContain('the Mid-Autumn Festival (2026-09-25)');
  });

  it('grounds the healthy-eating note in the household’s sugar share and what is on sale', async () => {
    const diet = { kind: 'healthy-eating' as const, locale: 'zh-CN' as const, nickname: '张叔', leaderName: null };
    expect((await t.generate({ ...diet, diet: { sugarShare: 0.35, categories: ['snacks'], lowSugarOnSale: ['无糖酸奶', '全麦面包'] } })).text).toContain('约35%');
    expect((await t.generate({ ...diet, diet: { sugarShare: 0.35, categories: ['snacks'], lowSugarOnSale: ['无糖酸奶'] } })).text).toContain('无糖酸奶');
    expect((await t.generate({ ...diet, diet: { sugarShare: 0.05, categories: ['rice'], lowSugarOnSale: ['无糖酸奶'] } })).text).not.toContain('无糖酸奶');
  });
});

describe('OpenAI-compatible adapter with template fallback', () => {
  it('uses the endpoint when it answers', async () => {
    handler = (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content: ' 王阿姨，生日快乐！ ' } }] }));
    const result = await llm().generate(birthday);
    expect(result).toEqual({ text: '王阿姨，生日快乐！', generator: 'llm:care-1' });
    const sent = requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.auth).toBe('Bearer sk-test');
    expect(sent.body.model).toBe('care-1');
    expect(JSON.parse(sent.body.messages[1].content)).toEqual(birthday);
  });

  it('falls back to the templates on an error status, an empty answer, or a timeout', async () => {
    const template = (await new TemplateTextGenerator().generate(birthday)).text;
    handler = (_req, _body, res) => res.writeHead(500).end('overloaded');
    expect(await llm().generate(birthday)).toEqual({ text: template, generator: 'template (fallback: text endpoint answered 500)' });
    handler = (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [] }));
    expect((await llm().generate(birthday)).generator).toBe('template (fallback: text endpoint answered without text)');
    handler = () => undefined; // never answers
    const started = Date.now();
    expect(await llm(300).generate(birthday)).toEqual({ text: template, generator: 'template (fallback: timeout)' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
