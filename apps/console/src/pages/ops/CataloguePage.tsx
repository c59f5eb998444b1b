import { useState } from 'react';
import { Table, Tag } from 'antd';
import { yuan } from '../../components/format';
import { QueryView } from '../../components/states';
import { OPS_PAGE_SIZE, useCategories, useProducts } from '../../hooks/ops';
import { useI18n } from '../../i18n/i18n';

export function CataloguePage() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const products = useProducts(page);
  const categories = useCategories();
  const categoryName = (id: string) => categories.data?.categories.find((c) => c.categoryId === id)?.name ?? id;
  return (
    <QueryView query={products}>
      {(data) => (
        <Table
          size="small"
          rowKey="productId"
          dataSource={data.products}
          pagination={{ current: page, pageSize: OPS_PAGE_SIZE, total: data.total, onChange: setPage, showTotal: (n) => t('common.total', { n }) }}
          columns={[
            { title: t('ops.name'), dataIndex: 'name' },
            { title: t('ops.category'), dataIndex: 'categoryId', render: categoryName },
            { title: t('ops.skus'), render: (_, p) => p.skus.map((s) => `${s.spec} ¥${yuan(s.priceCents)}`).join('；') },
            { title: t('ops.healthFlags'), render: (_, p) => p.healthFlags.map((f) => <Tag key={f}>{f}</Tag>) },
          ]}
        />
      )}
    </QueryView>
  );
}
