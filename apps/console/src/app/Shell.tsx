import { Button, Layout, Space, Typography } from 'antd';
import { NavLink, Outlet } from 'react-router-dom';
import { api } from '../api/client';
import { session } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { useSession } from './App';

/** The top bar: brand, the areas the user's roles open, language toggle, sign-out. */
export function Shell() {
  const current = useSession()!;
  const { t, lang, setLang } = useI18n();
  const areas = [
    { to: '/resident', label: t('nav.resident'), show: current.roles.includes('resident') || current.roles.length === 0 },
    { to: '/leader', label: t('nav.leader'), show: current.roles.includes('leader') },
    { to: '/ops', label: t('nav.ops'), show: current.roles.includes('ops') },
  ].filter((area) => area.show);
  const signOut = async () => {
    await api.POST('/v1/auth/sign-out', { body: { refreshToken: current.refreshToken } }).catch(() => undefined);
    session.set(null);
  };
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, padding: '0 16px', background: '#fff', borderBottom: '1px solid #f0f0f0' }}>
        <Typography.Title level={4} style={{ margin: 0, color: '#e8590c', whiteSpace: 'nowrap' }}>{t('brand')}</Typography.Title>
        <Space size="middle" style={{ flex: 1, overflowX: 'auto' }}>
          {areas.map((area) => (
            <NavLink key={area.to} to={area.to} style={({ isActive }) => ({ fontWeight: isActive ? 600 : 400, whiteSpace: 'nowrap' })}>
              {area.label}
            </NavLink>
          ))}
        </Space>
        <Button size="small" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')} data-testid="lang-toggle">{t('lang.toggle')}</Button>
        <Button size="small" type="text" onClick={() => void signOut()}>{t('nav.signOut')}</Button>
      </Layout.Header>
      <Layout.Content style={{ padding: 16 }}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
