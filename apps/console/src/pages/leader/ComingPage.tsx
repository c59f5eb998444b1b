import { Col, Row } from 'antd';
import { ComingWithApi } from '../../components/states';
import { useI18n } from '../../i18n/i18n';

/** Leader work whose API is being built: interest groups (communities). */
export function ComingPage() {
  const { t } = useI18n();
  const parts = ['coming.groups'] as const;
  return (
    <Row gutter={[16, 16]}>
      {parts.map((key) => (
        <Col key={key} xs={24} md={12}>
          <ComingWithApi what={t(key)} />
        </Col>
      ))}
    </Row>
  );
}
