import { useMemo, useState } from 'react';
import { App, Button, Drawer, Form, Input, InputNumber, Select, Space, Table, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/errors';
import type { paths } from '../../api/schema';
import { yuan } from '../../components/format';
import { useCompounds } from '../../hooks/ops';
import { useI18n } from '../../i18n/i18n';

interface OfferRow {
  skuId: string;
  label: string;
  priceYuan: number;
  stock: number;
  limit?: number | null;
}

interface Fields {
  title: string;
  description?: string;
  startsAt: string;
  cutoffAt: string;
  deliveryDate: string;
  compoundIds: string[];
  minGroupSize?: number | null;
}

/** `2026-12-03T20:00` in Asia/Shanghai (no daylight saving) → ISO with its offset. */
const shanghai = (local: string) => `${local}:00+08:00`;

/**
 * A draft campaign: times in Asia/Shanghai, target compounds, SKUs with price, stock and limit.
 * Checked with the contracts' CampaignInputSchema (loaded on submit) before it is sent.
 */
export function CreateCampaign() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<Fields>();
  const [rows, setRows] = useState<OfferRow[]>([]);
  const compounds = useCompounds();
  const products = useQuery({
    queryKey: ['ops', 'products', 'all'],
    enabled: open,
    queryFn: async () => unwrap(await api.GET('/v1/products', { params: { query: { limit: 200 } } })),
  });
  const skus = useMemo(
    () => (products.data?.products ?? []).flatMap((p) => p.skus.filter((s) => s.active).map((s) => ({ skuId: s.skuId, label: `${p.name} ${s.spec}`, priceCents: s.priceCents }))),
    [products.data],
  );
  const create = useMutation({
    mutationFn: async (body: paths['/v1/ops/campaigns']['post']['requestBody']['content']['application/json']) => unwrap(await api.POST('/v1/ops/campaigns', { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['ops', 'campaigns'] }),
  });

  const submit = async (fields: Fields) => {
    const body = {
      title: fields.title,
      description: fields.description ?? '',
      startsAt: new Date(shanghai(fields.startsAt)).toISOString(),
      cutoffAt: new Date(shanghai(fields.cutoffAt)).toISOString(),
      deliveryDate: fields.deliveryDate,
      timeZone: 'Asia/Shanghai',
      ...(fields.minGroupSize ? { minGroupSize: fields.minGroupSize } : {}),
      targets: { compoundIds: fields.compoundIds ?? [], pickupPointIds: [] },
      offers: rows.map((r) => ({ kind: 'sku' as const, skuId: r.skuId, priceCents: Math.round(r.priceYuan * 100), ...(r.limit ? { perCustomerLimit: r.limit } : {}) })),
      stock: rows.map((r) => ({ skuId: r.skuId, quantity: r.stock })),
    };
    const { orders } = await import('@linli/contracts');
    const checked = orders.CampaignInputSchema.safeParse(body);
    if (!checked.success) {
      message.error(checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('；'));
      return;
    }
    try {
      await create.mutateAsync(body);
      message.success(t('campaignForm.created'));
      setOpen(false);
      form.resetFields();
      setRows([]);
    } catch (error) {
      message.error(errorMessage(error, lang));
    }
  };

  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)} data-testid="new-campaign">{t('campaignForm.new')}</Button>
      <Drawer open={open} onClose={() => setOpen(false)} width={720} title={t('campaignForm.new')} destroyOnHidden>
        <div data-testid="campaign-form">
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item name="title" label={t('ops.title')} rules={[{ required: true, max: 100 }]}><Input /></Form.Item>
          <Form.Item name="description" label={t('campaignForm.description')} rules={[{ max: 2000 }]}><Input.TextArea rows={2} /></Form.Item>
          <Space wrap>
            <Form.Item name="startsAt" label={t('campaignForm.startsAt')} rules={[{ required: true }]}><Input type="datetime-local" /></Form.Item>
            <Form.Item name="cutoffAt" label={t('ops.cutoff')} rules={[{ required: true }]}><Input type="datetime-local" /></Form.Item>
            <Form.Item name="deliveryDate" label={t('ops.deliveryDate')} rules={[{ required: true }]}><Input type="date" /></Form.Item>
            <Form.Item name="minGroupSize" label={t('campaignForm.minGroup')}><InputNumber min={2} max={10000} /></Form.Item>
          </Space>
          <Typography.Paragraph type="secondary">{t('campaignForm.zone')}</Typography.Paragraph>
          <Form.Item name="compoundIds" label={t('campaignForm.targets')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <Select mode="multiple" options={compounds.data?.compounds.map((c) => ({ value: c.compoundId, label: c.name }))} />
          </Form.Item>
          <Form.Item label={t('leader.items')} required>
            <Select
              mode="multiple"
              data-testid="offer-skus"
              loading={products.isPending}
              value={rows.map((r) => r.skuId)}
              optionFilterProp="label"
              options={skus.map((s) => ({ value: s.skuId, label: `${s.label} · ¥${yuan(s.priceCents)}` }))}
              onChange={(ids: string[]) =>
                setRows((current) =>
                  ids.map((id) => current.find((r) => r.skuId === id) ?? { skuId: id, label: skus.find((s) => s.skuId === id)!.label, priceYuan: skus.find((s) => s.skuId === id)!.priceCents / 100, stock: 100 }),
                )
              }
            />
          </Form.Item>
          {rows.length ? (
            <Table
              size="small"
              rowKey="skuId"
              pagination={false}
              dataSource={rows}
              style={{ marginBottom: 16 }}
              columns={[
                { title: t('ops.name'), dataIndex: 'label' },
                {
                  title: `${t('ops.price')} (¥)`,
                  render: (_, r) => <InputNumber min={0} step={0.1} precision={2} value={r.priceYuan} onChange={(v) => setRows((rs) => rs.map((x) => (x.skuId === r.skuId ? { ...x, priceYuan: v ?? 0 } : x)))} />,
                },
                {
                  title: t('campaignForm.stock'),
                  render: (_, r) => <InputNumber min={0} value={r.stock} onChange={(v) => setRows((rs) => rs.map((x) => (x.skuId === r.skuId ? { ...x, stock: v ?? 0 } : x)))} />,
                },
                {
                  title: t('campaign.limit', { n: '' }),
                  render: (_, r) => <InputNumber min={1} max={999} value={r.limit} onChange={(v) => setRows((rs) => rs.map((x) => (x.skuId === r.skuId ? { ...x, limit: v } : x)))} />,
                },
              ]}
            />
          ) : null}
          <Button type="primary" htmlType="submit" loading={create.isPending} disabled={rows.length === 0}>{t('campaignForm.create')}</Button>
        </Form>
        </div>
      </Drawer>
    </>
  );
}
