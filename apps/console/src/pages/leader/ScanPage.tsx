import { useRef, useState } from 'react';
import { Alert, Button, Card, Input, List, Space, Typography, type InputRef } from 'antd';
import { errorMessage } from '../../api/errors';
import { yuan } from '../../components/format';
import { useScanPickup } from '../../hooks/leader';
import { useI18n } from '../../i18n/i18n';
import { StatusTag } from '../resident/OrderPage';

/** Type a pickup code or scan it (a handheld scanner types the code and Enter). */
export function ScanPage() {
  const { t, lang } = useI18n();
  const scan = useScanPickup();
  const [code, setCode] = useState('');
  const input = useRef<InputRef>(null);
  const submit = async () => {
    const value = code.trim().toUpperCase();
    if (!value) return;
    try {
      await scan.mutateAsync(value);
      setCode('');
    } catch {
      // shown below
    }
    input.current?.focus();
  };
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 560 }}>
      <Space.Compact style={{ width: '100%' }}>
        <Input
          ref={input}
          autoFocus
          size="large"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          onPressEnter={() => void submit()}
          placeholder={t('leader.scanPlaceholder')}
          data-testid="scan-input"
        />
        <Button size="large" type="primary" onClick={() => void submit()} loading={scan.isPending} data-testid="scan-submit">{t('leader.scanSubmit')}</Button>
      </Space.Compact>
      {scan.isError ? <Alert type="error" showIcon title={errorMessage(scan.error, lang)} data-testid="scan-error" /> : null}
      {scan.isSuccess ? (
        <Card title={<Space>{t('leader.pickedUp')}<StatusTag status={scan.data.status} /></Space>} data-testid="scan-result">
          <List
            size="small"
            dataSource={scan.data.lines}
            renderItem={(line) => (
              <List.Item>
                <span>{line.name} × {line.quantity}</span>
                <span>¥{yuan(line.amountCents)}</span>
              </List.Item>
            )}
          />
          <Typography.Text type="secondary">{scan.data.orderId}</Typography.Text>
        </Card>
      ) : null}
    </Space>
  );
}
