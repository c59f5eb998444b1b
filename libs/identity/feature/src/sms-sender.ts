import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IdentityDb } from '@linli/identity-data-access';

/** Sends one-time codes by SMS. Production plugs in a carrier's adapter behind this interface. */
export abstract class SmsSender {
  abstract sendCode(phone: string, code: string): Promise<void>;
}

/**
 * Development adapter: writes each code to the log (masked number) and to an inspectable outbox
 * table (`dev_sms_outbox`), readable through `rpc.identity.dev.sms-outbox.v1`.
 */
export class LogSmsSender extends SmsSender {
  private readonly logger = new Logger('LogSmsSender');
  constructor(private readonly db: IdentityDb) {
    super();
  }

  async sendCode(phone: string, code: string): Promise<void> {
    await this.db.devSmsMessage.create({ data: { id: randomUUID(), phone, code } });
    this.logger.log(`SMS to ${phone.slice(0, 6)}*****${phone.slice(-2)}: Linli code ${code}`);
  }
}
