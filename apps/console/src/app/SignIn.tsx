import { useEffect, useState } from 'react';
import { App, Button, Card, Form, Input, Space, Typography } from 'antd';
import { publicApi, unwrap } from '../api/client';
import { errorMessage } from '../api/errors';
import { session } from '../api/session';
import { useI18n } from '../i18n/i18n';

const phoneSchema = async () => (await import('@linli/contracts')).PhoneSchema;

interface Fields {
  phone: string;
  code: string;
}

/** Sign in (or up) with a phone and its one-time code; in development the code is read from the SMS outbox. */
export function SignIn() {
  const { t, lang, setLang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Fields>();
  const [resendAt, setResendAt] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [sending, setSending] = useState(false);
  const [signingIn, setSigningIn] = useState(false);
  const [devOutbox, setDevOutbox] = useState(false);

  useEffect(() => {
    if (resendAt <= now) return;
    const timer = setTimeout(() => setNow(Date.now()), 1000);
    return () => clearTimeout(timer);
  }, [resendAt, now]);

  // The same phone rule as the API: the contracts' PhoneSchema (zod loads with the first check, not with the page).
  const phoneRule = {
    validator: async (_: unknown, value: string | undefined) => {
      (await phoneSchema()).parse(value ?? '');
    },
  };
  const normalised = async () => (await phoneSchema()).parse(form.getFieldValue('phone'));

  const sendCode = async () => {
    await form.validateFields(['phone']);
    setSending(true);
    try {
      const sent = unwrap(await publicApi.POST('/v1/auth/otp', { body: { phone: await normalised() } }));
      setResendAt(Date.now() + sent.resendAfterSeconds * 1000);
      setNow(Date.now());
      message.success(t('signIn.codeSent'));
      // The development outbox exists only where the gateway runs with DEV_ROUTES.
      const probe = await publicApi.GET('/v1/dev/sms-outbox', { params: { query: { phone: await normalised() } } });
      setDevOutbox(probe.response.ok);
    } catch (error) {
      message.error(errorMessage(error, lang));
    } finally {
      setSending(false);
    }
  };

  const readOutbox = async () => {
    try {
      const outbox = unwrap(await publicApi.GET('/v1/dev/sms-outbox', { params: { query: { phone: await normalised() } } }));
      if (outbox.messages[0]) form.setFieldValue('code', outbox.messages[0].code);
    } catch (error) {
      message.error(errorMessage(error, lang));
    }
  };

  const submit = async ({ code }: Fields) => {
    setSigningIn(true);
    try {
      const phone = await normalised();
      const tokens = unwrap(await publicApi.POST('/v1/auth/otp/verify', { body: { phone, code, device: 'web-console' } }));
      session.set({ userId: tokens.userId, phone, roles: tokens.roles, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, accessTokenExpiresAt: tokens.accessTokenExpiresAt });
    } catch (error) {
      message.error(errorMessage(error, lang));
    } finally {
      setSigningIn(false);
    }
  };

  const waiting = resendAt > now;
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: 'linear-gradient(160deg,#fff4e6,#fff)', padding: 16 }}>
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Space style={{ width: '100%', justifyContent: 'space-between' }}>
          <Typography.Title level={3} style={{ color: '#e8590c', margin: 0 }}>{t('brand')} Linli</Typography.Title>
          <Button size="small" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>{t('lang.toggle')}</Button>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('signIn.title')}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false}>
          <Form.Item name="phone" label={t('signIn.phone')} rules={[{ required: true, message: t('signIn.phonePlaceholder') }, { ...phoneRule, message: t('signIn.phonePlaceholder') }]}>
            <Input inputMode="tel" placeholder={t('signIn.phonePlaceholder')} data-testid="phone" autoComplete="tel" />
          </Form.Item>
          <Form.Item label={t('signIn.code')} required>
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item name="code" noStyle rules={[{ required: true, pattern: /^\d{6}$/, message: t('signIn.invalidCode') }]}>
                <Input inputMode="numeric" maxLength={6} data-testid="code" autoComplete="one-time-code" />
              </Form.Item>
              <Button onClick={() => void sendCode()} loading={sending} disabled={waiting} data-testid="send-code">
                {waiting ? t('signIn.resendIn', { s: Math.ceil((resendAt - now) / 1000) }) : t('signIn.sendCode')}
              </Button>
            </Space.Compact>
          </Form.Item>
          {devOutbox ? (
            <Form.Item extra={t('signIn.devHint')}>
              <Button type="dashed" block onClick={() => void readOutbox()} data-testid="dev-outbox">{t('signIn.devOutbox')}</Button>
            </Form.Item>
          ) : null}
          <Button type="primary" htmlType="submit" block loading={signingIn} data-testid="sign-in">{t('signIn.submit')}</Button>
        </Form>
      </Card>
    </div>
  );
}
