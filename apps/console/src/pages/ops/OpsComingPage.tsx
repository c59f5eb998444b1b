import { Col, Row } from 'antd';
import { ComingWithApi } from '../../components/states';
import { useI18n } from '../../i18n/i18n';

/** Ops work whose API is being built: partner applications, moderation, co-creation. */
export function OpsComingPage() {
  const { t } = useI18n();
  return (
    <Row gutter={[16, 16]}>
      {(['coming.partners', 'coming.moderation', 'coming.cocreation'] as const).map((key) => (
        <Col key={key} xs={24} md={8}>
          <ComingWithApi what={t(key)} />
        </Col>
      ))}
    </Row>
  );
}
