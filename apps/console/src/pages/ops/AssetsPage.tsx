import { useState } from 'react';
import { App, Button, Select, Space, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../api/errors';
import { AssetDashboard, RefreshAssetsButton } from '../../components/AssetDashboard';
import { DayRangePicker } from '../../components/LazyDayRangePicker';
import type { DayRange } from '../../hooks/growth';
import { useCompounds, usePointsOfCompound, useRefreshAssets } from '../../hooks/ops';
import { useI18n } from '../../i18n/i18n';

/** The asset metrics dashboard: the platform, one compound, or one pickup point. */
export function AssetsPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [compoundId, setCompoundId] = useState<string>();
  const [pickupPointId, setPickupPointId] = useState<string>();
  const [range, setRange] = useState<DayRange>();
  const compounds = useCompounds();
  const points = usePointsOfCompound(compoundId);
  const refresh = useRefreshAssets();
  const client = useQueryClient();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('ops.assets')}</Typography.Title>
        <Select
          allowClear
          style={{ minWidth: 220 }}
          placeholder={t('assets.platform')}
          value={compoundId}
          onChange={(v) => {
            setCompoundId(v);
            setPickupPointId(undefined);
          }}
          options={compounds.data?.compounds.map((c) => ({ value: c.compoundId, label: c.name }))}
          data-testid="scope-compound"
        />
        {compoundId ? (
          <Select
            allowClear
            style={{ minWidth: 220 }}
            placeholder={t('assets.point')}
            value={pickupPointId}
            onChange={setPickupPointId}
            options={points.data?.pickupPoints.map((p) => ({ value: p.pickupPointId, label: p.name }))}
          />
        ) : null}
        <Typography.Text type="secondary">{t('assets.range')}</Typography.Text>
        <DayRangePicker value={range} onChange={setRange} testId="metrics-range-picker" />
        <Button onClick={() => void client.invalidateQueries({ queryKey: ['asset-metrics'] })} data-testid="reload-metrics">{t('assets.reload')}</Button>
        <RefreshAssetsButton loading={refresh.isPending} onClick={() => refresh.mutateAsync().then(() => message.success(t('assets.refreshed')), (e) => message.error(errorMessage(e, lang)))} />
      </Space>
      <AssetDashboard scope={pickupPointId ? { pickupPointId } : compoundId ? { compoundId } : {}} range={range} />
    </Space>
  );
}
