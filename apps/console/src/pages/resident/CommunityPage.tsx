import { Typography } from 'antd';
import { ComingWithApi } from '../../components/states';
import { useI18n } from '../../i18n/i18n';

/** Communities, growth and local services: their APIs are not on the gateway yet. */
export function CommunityPage() {
  const { t } = useI18n();
  return (
    <>
      <Typography.Title level={4}>{t('resident.community')}</Typography.Title>
      <ComingWithApi what={t('coming.communities')} />
      <ComingWithApi what={t('coming.growth')} />
      <ComingWithApi what={t('coming.local')} />
    </>
  );
}
