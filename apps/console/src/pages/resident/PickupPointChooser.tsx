import { useState } from 'react';
import { App, Button, Card, Select, Space, Typography } from 'antd';
import { errorMessage } from '../../api/errors';
import { useChoosePickupPoint, useCompoundList, useServingPoints } from '../../hooks/resident';
import { useI18n } from '../../i18n/i18n';

/** Choose the compound one lives in and the pickup point (of its leaders) one collects from. */
export function PickupPointChooser({ compoundId: current, pickupPointId: currentPoint }: { compoundId?: string; pickupPointId?: string }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const compounds = useCompoundList();
  const [compoundId, setCompoundId] = useState(current);
  const [pickupPointId, setPickupPointId] = useState(currentPoint);
  const points = useServingPoints(compoundId);
  const choose = useChoosePickupPoint();
  const save = () =>
    choose.mutateAsync({ compoundId: compoundId!, pickupPointId: pickupPointId! }).then(
      () => message.success(t('me.saved')),
      (error) => message.error(errorMessage(error, lang)),
    );
  return (
    <Card size="small" title={t('me.pickupPoint')} data-testid="pickup-point-chooser">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Select
          style={{ width: '100%' }}
          placeholder={t('me.compound')}
          value={compoundId}
          loading={compounds.isPending}
          onChange={(v) => {
            setCompoundId(v);
            setPickupPointId(undefined);
          }}
          options={compounds.data?.compounds.map((c) => ({ value: c.compoundId, label: c.name }))}
          data-testid="choose-compound"
        />
        <Select
          style={{ width: '100%' }}
          placeholder={t('leader.point')}
          value={pickupPointId}
          disabled={!compoundId}
          loading={points.isFetching}
          onChange={setPickupPointId}
          options={points.data?.pickupPoints.map((p) => ({ value: p.pickupPointId, label: `${p.name} · ${p.address}` }))}
          data-testid="choose-point"
        />
        {points.data && points.data.pickupPoints.length === 0 ? <Typography.Text type="secondary">{t('campaign.notBound')}</Typography.Text> : null}
        <Button type="primary" block disabled={!compoundId || !pickupPointId} loading={choose.isPending} onClick={() => void save()} data-testid="save-point">
          {t('me.save')}
        </Button>
      </Space>
    </Card>
  );
}
