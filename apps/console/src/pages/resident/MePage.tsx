import { App, Button, Card, Form, Input, Popconfirm, Space, Switch, Typography } from 'antd';
import { errorMessage } from '../../api/errors';
import { session } from '../../api/session';
import { QueryView } from '../../components/states';
import { useErase, useExport, useMyPickupPoint, useProfile, useSetConsent, useUpdateProfile } from '../../hooks/resident';
import { useI18n } from '../../i18n/i18n';
import { InboxCard } from './InboxCard';
import { PickupPointChooser } from './PickupPointChooser';

function download(name: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function MePage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const profile = useProfile();
  const point = useMyPickupPoint();
  const update = useUpdateProfile();
  const consent = useSetConsent();
  const exporter = useExport();
  const erase = useErase();
  const fail = (error: unknown) => message.error(errorMessage(error, lang));

  return (
    <QueryView query={profile}>
      {(data) => (
        <Space direction="vertical" style={{ width: '100%' }}>
          <InboxCard />
          <Card title={t('me.profile')} size="small">
            <Form
              layout="vertical"
              initialValues={{ nickname: data.nickname, building: data.building }}
              onFinish={(values: { nickname?: string; building?: string }) =>
                update.mutateAsync(values).then(() => message.success(t('me.saved')), fail)
              }
            >
              <Form.Item name="nickname" label={t('me.nickname')} rules={[{ max: 40 }]}><Input /></Form.Item>
              <Form.Item name="building" label={t('me.building')} rules={[{ max: 40 }]}><Input /></Form.Item>
              <Button htmlType="submit" loading={update.isPending}>{t('me.save')}</Button>
            </Form>
          </Card>
          {point.isPending ? null : <PickupPointChooser compoundId={point.data?.current?.compoundId ?? data.compoundId} pickupPointId={point.data?.current?.pickupPointId} />}
          <Card title={t('me.consents')} size="small">
            {(['profiling', 'marketing'] as const).map((purpose) => {
              const granted = data.consents.find((c) => c.purpose === purpose)?.granted ?? false;
              return (
                <Space key={purpose} style={{ display: 'flex', justifyContent: 'space-between', marginBottom: 8 }}>
                  <span>{t(`me.consent.${purpose}`)}</span>
                  <Switch checked={granted} loading={consent.isPending} onChange={(next) => consent.mutateAsync({ purpose, granted: next }).catch(fail)} data-testid={`consent-${purpose}`} />
                </Space>
              );
            })}
          </Card>
          <Card title={t('me.data')} size="small">
            <Space direction="vertical" style={{ width: '100%' }}>
              <Button
                block
                loading={exporter.isPending}
                onClick={() =>
                  exporter.mutateAsync().then((exported) => {
                    download(`linli-export-${exported.exportedAt.slice(0, 10)}.json`, JSON.stringify(exported, null, 2));
                    message.success(t('me.exported'));
                  }, fail)
                }
              >
                {t('me.export')}
              </Button>
              <Popconfirm
                title={<Typography.Paragraph style={{ maxWidth: 280, margin: 0 }}>{t('me.eraseConfirm')}</Typography.Paragraph>}
                okText={t('common.ok')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  erase.mutateAsync().then(() => {
                    message.success(t('me.erased'));
                    session.set(null);
                  }, fail)
                }
              >
                <Button block danger loading={erase.isPending}>{t('me.erase')}</Button>
              </Popconfirm>
            </Space>
          </Card>
        </Space>
      )}
    </QueryView>
  );
}
