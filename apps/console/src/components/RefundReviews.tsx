import { useState } from 'react';
import { App, Button, Input, Modal, Segmented, Space, Table, Tag } from 'antd';
import { errorMessage } from '../api/errors';
import { REVIEW_PAGE_SIZE, useDecideRefund, useRefundReviews, type ReviewStatus } from '../hooks/refund-reviews';
import { useI18n } from '../i18n/i18n';
import { dateTime, yuan } from './format';
import { QueryView } from './states';

/** Review quality complaints (leader of the order's point, or ops): approve pays the refund, reject keeps the reason. */
export function RefundReviews() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<ReviewStatus>('pending_review');
  const [page, setPage] = useState(1);
  const reviews = useRefundReviews(status, page);
  const decide = useDecideRefund();
  const [deciding, setDeciding] = useState<{ refundId: string; approve: boolean }>();
  const [reason, setReason] = useState('');
  const submit = async () => {
    try {
      await decide.mutateAsync({ ...deciding!, reason: reason.trim() });
      message.success(deciding!.approve ? t('review.approved') : t('review.rejected'));
      setDeciding(undefined);
      setReason('');
    } catch (error) {
      message.error(errorMessage(error, lang));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Segmented
        value={status}
        onChange={(v) => {
          setStatus(v as ReviewStatus);
          setPage(1);
        }}
        options={[
          { value: 'pending_review', label: t('review.pending') },
          { value: 'succeeded', label: t('review.approved') },
          { value: 'rejected', label: t('review.rejected') },
        ]}
      />
      <QueryView query={reviews}>
        {(data) => (
          <Table
            size="small"
            rowKey="refundId"
            data-testid="refund-reviews"
            dataSource={data.refunds.slice(0, REVIEW_PAGE_SIZE)}
            // One row more than a page is asked for: it says whether a next page exists.
            pagination={{ current: page, pageSize: REVIEW_PAGE_SIZE, onChange: setPage, total: (page - 1) * REVIEW_PAGE_SIZE + data.refunds.length }}
            columns={[
              { title: t('order.placedAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v, lang) },
              { title: t('leader.resident'), dataIndex: 'userId', render: (v: string) => v.slice(0, 8) },
              { title: t('order.refundDescription'), dataIndex: 'description' },
              { title: t('review.amount'), dataIndex: 'amountCents', render: (v: number) => `¥${yuan(v)}` },
              {
                title: t('order.refundPhoto'),
                // Photos live wherever the resident uploaded them: links, so the console itself requests no other host.
                render: (_, r) => (
                  <Space size={4} wrap>
                    {r.photoUrls.map((url, i) => (
                      <a key={url} href={url} target="_blank" rel="noreferrer noopener">
                        {i + 1}
                      </a>
                    ))}
                  </Space>
                ),
              },
              {
                title: t('ops.actions'),
                render: (_, r) =>
                  r.status === 'pending_review' ? (
                    <Space>
                      <Button size="small" type="primary" onClick={() => setDeciding({ refundId: r.refundId, approve: true })}>{t('ops.approve')}</Button>
                      <Button size="small" danger onClick={() => setDeciding({ refundId: r.refundId, approve: false })}>{t('ops.reject')}</Button>
                    </Space>
                  ) : (
                    <Tag>{r.review?.decisionReason ?? '—'}</Tag>
                  ),
              },
            ]}
          />
        )}
      </QueryView>
      <Modal
        open={!!deciding}
        title={deciding?.approve ? t('ops.approve') : t('ops.reject')}
        onCancel={() => setDeciding(undefined)}
        onOk={() => void submit()}
        okButtonProps={{ disabled: reason.trim().length === 0, loading: decide.isPending }}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
      >
        <Input.TextArea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('ops.rejectReason')} />
      </Modal>
    </Space>
  );
}
