import { useState } from 'react';
import { App, Button, Input, Popconfirm, Segmented, Space, Table } from 'antd';
import { errorMessage } from '../../api/errors';
import { dateTime } from '../../components/format';
import { QueryView } from '../../components/states';
import { useApplications, useDecideApplication } from '../../hooks/ops';
import { useI18n } from '../../i18n/i18n';

export function ApplicationsPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<'pending' | 'approved' | 'rejected'>('pending');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const applications = useApplications(status, cursors[cursors.length - 1]);
  const decide = useDecideApplication();
  const [reason, setReason] = useState('');
  const fail = (e: unknown) => message.error(errorMessage(e, lang));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Segmented
        value={status}
        onChange={(v) => { setStatus(v as typeof status); setCursors([undefined]); }}
        options={[{ value: 'pending', label: t('ops.applications') }, { value: 'approved', label: t('ops.approved') }, { value: 'rejected', label: t('ops.rejected') }]}
      />
      <QueryView query={applications}>
        {(data) => (
          <>
            <Table
              size="small"
              rowKey="applicationId"
              dataSource={data.applications}
              pagination={false}
              columns={[
                { title: t('ops.applicant'), render: (_, a) => `${a.displayName ?? '—'} ${a.phone ?? ''}` },
                { title: t('me.compound'), dataIndex: 'compoundId' },
                { title: t('ops.statement'), dataIndex: 'statement' },
                { title: t('ops.createdAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v, lang) },
                {
                  title: t('ops.actions'),
                  render: (_, a) =>
                    a.status === 'pending' ? (
                      <Space>
                        <Button size="small" type="primary" onClick={() => decide.mutateAsync({ applicationId: a.applicationId }).then(() => message.success(t('ops.approved')), fail)}>{t('ops.approve')}</Button>
                        <Popconfirm
                          title={<Input placeholder={t('ops.rejectReason')} value={reason} onChange={(e) => setReason(e.target.value)} />}
                          okButtonProps={{ disabled: reason.trim().length === 0 }}
                          onConfirm={() => decide.mutateAsync({ applicationId: a.applicationId, reject: reason.trim() }).then(() => { setReason(''); message.success(t('ops.rejected')); }, fail)}
                        >
                          <Button size="small" danger>{t('ops.reject')}</Button>
                        </Popconfirm>
                      </Space>
                    ) : (
                      a.decisionReason ?? '—'
                    ),
                },
              ]}
            />
            <Space style={{ marginTop: 8 }}>
              <Button size="small" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>‹</Button>
              <Button size="small" disabled={!data.nextAfter} onClick={() => setCursors((c) => [...c, data.nextAfter ?? undefined])}>›</Button>
            </Space>
          </>
        )}
      </QueryView>
    </Space>
  );
}
