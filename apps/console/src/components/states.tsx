import type { ReactNode } from 'react';
import { Alert, Button, Empty, Skeleton } from 'antd';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { errorMessage } from '../api/errors';
import { useI18n } from '../i18n/i18n';

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, lang } = useI18n();
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <Alert
      type="error"
      showIcon
      title={t('state.error')}
      description={
        <span data-testid="error-message">
          {errorMessage(error, lang)}
          {code ? <code style={{ marginLeft: 8, opacity: 0.6 }}>{code}</code> : null}
        </span>
      }
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('state.retry')}</Button> : undefined}
    />
  );
}

export function EmptyState({ text }: { text?: string }) {
  const { t } = useI18n();
  return <Empty description={text ?? t('state.empty')} />;
}

/** Loading, error and empty states of one query; renders `children(data)` when there is data. */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Skeleton active data-testid="loading" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <EmptyState text={empty} />;
  return <>{children(query.data)}</>;
}
