// The services of the platform and the database each one owns.
export const SERVICES = ['identity', 'orders', 'leader-ops', 'recommendations', 'communities', 'local-services'];
export const ALL_PROCESSES = ['gateway', ...SERVICES];

export function databaseOf(service) {
  return `linli_${service.replace(/-/g, '_')}`;
}

export function databaseUrl(server, service) {
  const url = new URL(server);
  url.pathname = `/${databaseOf(service)}`;
  return url.toString();
}
