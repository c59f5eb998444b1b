import { Col, Row } from 'antd';
import { ComingWithApi } from '../../components/states';
import { useI18n } from '../../i18n/i18n';

/** Leader work whose API is being built: attention list, customer care, reminders, groups, settlement. */
export function ComingPage() {
  const { t } = useI18n();
  const parts = ['coming.attention', 'coming.care', 'coming.reminders', 'coming.groups', 'coming.settlement'] as const;
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
