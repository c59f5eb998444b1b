import { Logger } from '@nestjs/common';
import { LinliError } from '@linli/contracts';
import { DevSmsOutboxRepository, type DevSmsMessage, type IdentityDb } from '@linli/identity-data-access';

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
  private readonly outbox = new DevSmsOutboxRepository();

  constructor(private readonly db: IdentityDb) {
    super();
  }

  async sendCode(phone: string, code: string): Promise<void> {
    await this.outbox.record(this.db, phone, code);
    this.logger.log(`SMS to ${phone.slice(0, 6)}*****${phone.slice(-2)}: Linli code ${code}`);
  }

  /** The last 20 codes sent to this number, newest first. */
  sent(phone: string): Promise<DevSmsMessage[]> {
    return this.outbox.recent(this.db, phone, 20);
  }
}

/** The development adapter, or `COMMON.NOT_FOUND` naming `what` exists only with it. */
export function developmentSms(sms: SmsSender, what: string): LogSmsSender {
  if (!(sms instanceof LogSmsSender)) throw new LinliError('COMMON.NOT_FOUND', `${what} exists only with the development SMS adapter`);
  return sms;
}
