import { Logger } from '@nestjs/common';

/** What a care message is written from; recorded with the draft as its inputs. */
export interface DraftInputs {
  kind: 'birthday' | 'festival' | 'healthy-eating';
  locale: 'zh-CN' | 'en';
  nickname: string | null;
  leaderName: string | null;
  /** Birthday `MM-DD` (for a birthday greeting). */
  birthday?: string;
  festival?: { key: string; name: string; nameEn: string; date: string };
  /** For a healthy-eating note: the household's spend share of sugary items and what is low-sugar on sale now. */
  diet?: { sugarShare: number; categories: string[]; lowSugarOnSale: string[] };
}

export interface GeneratedText {
  text: string;
  /** `template`, or `llm:<model>`; a fallback says why it fell back. */
  generator: string;
}

/** Writes care-message drafts. The built-in template generator works offline; an LLM adapter is optional. */
export interface TextGenerator {
  generate(inputs: DraftInputs): Promise<GeneratedText>;
}

const name = (inputs: DraftInputs) => inputs.nickname ?? (inputs.locale === 'en' ? 'neighbour' : '邻居');

/** Template-and-rules generator (zh-CN and English): deterministic, no network. */
export class TemplateTextGenerator implements TextGenerator {
  async generate(inputs: DraftInputs): Promise<GeneratedText> {
    return { text: this.write(inputs), generator: 'template' };
  }

  write(inputs: DraftInputs): string {
    const who = name(inputs);
    const signed = inputs.leaderName ? (inputs.locale === 'en' ? ` — ${inputs.leaderName}` : ` —— ${inputs.leaderName}`) : '';
    if (inputs.locale === 'en') {
      switch (inputs.kind) {
        case 'birthday':
          return `Happy birthday, ${who}! Wishing you good health and a happy year ahead. A small birthday treat is waiting for you at the pickup point.${signed}`;
        case 'festival':
          return `${who}, warm wishes for ${inputs.festival?.nameEn ?? 'the festival'} (${inputs.festival?.date ?? ''}) to you and your family. Tell me if you need anything for the holiday.${signed}`;
        case 'healthy-eating':
          return this.dietEn(inputs, who) + signed;
      }
    }
    switch (inputs.kind) {
      case 'birthday':
        return `${who}，祝您生日快乐、身体健康、万事如意！自提点给您准备了一份生日小礼，方便时来取哦。${signed}`;
      case 'festival':
        return `${who}，${inputs.festival?.name ?? '佳节'}（${inputs.festival?.date ?? ''}）将至，祝您和家人节日安康！节日需要备点什么，随时跟我说。${signed}`;
      case 'healthy-eating':
        return this.dietZh(inputs, who) + signed;
    }
  }

  private dietZh(inputs: DraftInputs, who: string): string {
    const diet = inputs.diet;
    if (diet && diet.sugarShare >= 0.2 && diet.lowSugarOnSale.length > 0) {
      return `${who}，最近家里买的甜食和含糖饮品占了约${Math.round(diet.sugarShare * 100)}%，换季时少糖更健康。这期团购有低糖好物：${diet.lowSugarOnSale.slice(0, 3).join('、')}，可以试试。`;
    }
    if (diet && diet.sugarShare >= 0.2) {
      return `${who}，最近家里买的甜食和含糖饮品占了约${Math.round(diet.sugarShare * 100)}%，可以适当多配些蔬菜水果，少糖更健康。`;
    }
    return `${who}，天气变化，记得多吃时令蔬菜、清淡饮食。有想买的新鲜食材随时告诉我。`;
  }

  private dietEn(inputs: DraftInputs, who: string): string {
    const diet = inputs.diet;
    if (diet && diet.sugarShare >= 0.2 && diet.lowSugarOnSale.length > 0) {
      return `${who}, about ${Math.round(diet.sugarShare * 100)}% of your recent basket was sweets and sugary drinks. This round has low-sugar picks on sale: ${diet.lowSugarOnSale.slice(0, 3).join(', ')} — worth a try.`;
    }
    if (diet && diet.sugarShare >= 0.2) {
      return `${who}, about ${Math.round(diet.sugarShare * 100)}% of your recent basket was sweets and sugary drinks; a few more vegetables and fruit would balance it nicely.`;
    }
    return `${who}, the season is changing: plenty of fresh seasonal vegetables and lighter meals keep everyone well. Tell me if you'd like anything fresh.`;
  }
}

export interface OpenAiCompatibleOptions {
  /** Base URL of an OpenAI-compatible API, e.g. `https://api.example.com/v1`. */
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
}

/**
 * Any OpenAI-compatible chat-completions endpoint (`POST {baseUrl}/chat/completions`), used only
 * when configured. The prompt carries the same inputs the templates use.
 */
export class OpenAiCompatibleTextGenerator implements TextGenerator {
  constructor(private readonly options: OpenAiCompatibleOptions) {}

  async generate(inputs: DraftInputs): Promise<GeneratedText> {
    const response = await fetch(`${this.options.baseUrl.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
      body: JSON.stringify({
        model: this.options.model,
        temperature: 0.7,
        max_tokens: 300,
        messages: [
          {
            role: 'system',
            content:
              'You write short, warm messages from a neighbourhood group-buying leader to one resident. ' +
              'Write in the requested language only, at most 120 characters in Chinese or 60 words in English, no emojis, no prices you were not given, no medical claims.',
          },
          { role: 'user', content: JSON.stringify(inputs) },
        ],
      }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw new Error(`text endpoint answered ${response.status}`);
    const body = (await response.json()) as { choices?: { message?: { content?: unknown } }[] };
    const text = body.choices?.[0]?.message?.content;
    if (typeof text !== 'string' || text.trim() === '') throw new Error('text endpoint answered without text');
    return { text: text.trim().slice(0, 1000), generator: `llm:${this.options.model}` };
  }
}

/** Uses the primary generator and falls back to the templates when it fails or times out. */
export class FallbackTextGenerator implements TextGenerator {
  private readonly logger = new Logger('TextGenerator');

  constructor(
    private readonly primary: TextGenerator,
    private readonly fallback: TextGenerator = new TemplateTextGenerator(),
  ) {}

  async generate(inputs: DraftInputs): Promise<GeneratedText> {
    try {
      return await this.primary.generate(inputs);
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : error instanceof Error ? error.message : String(error);
      this.logger.warn(`drafting with the configured model failed (${reason}); using the templates`);
      const text = await this.fallback.generate(inputs);
      return { text: text.text, generator: `${text.generator} (fallback: ${reason})` };
    }
  }
}
