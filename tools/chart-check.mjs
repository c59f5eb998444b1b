#!/usr/bin/env node
// Offline checks of the Helm chart in deploy/helm/linli (no cluster needed).
//
// For every deploy/helm/linli/ci/*.yaml:
//   1. helm lint --strict
//   2. helm template
//   3. every rendered manifest is validated against the Kubernetes schemas of the
//      kubernetes-models package; unknown kinds and removed API versions fail
//   4. chart invariants: probes, resources, security context, graceful shutdown,
//      environment, one migration hook Job per enabled database service, HPA/PDB/Ingress
// For every deploy/helm/linli/ci/invalid/*.yaml: helm must refuse it with the error named
// in the file's "# expect-error:" line (most are schema violations).
//
// Usage: node tools/chart-check.mjs   (npm run chart:check). Exits 1 on any failure.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { ensureHelm } from './helm.mjs';
import { withHelp } from './lib/cli.mjs';

withHelp(`
npm run chart:check
  Lints and renders deploy/helm/linli with every value file in ci/ and validates the manifests offline;
  the value files in ci/invalid/ must be refused.
`);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHART = join(ROOT, 'deploy', 'helm', 'linli');
const CI_DIR = join(CHART, 'ci');
const INVALID_DIR = join(CI_DIR, 'invalid');
const RELEASE = 'linli';
const NAMESPACE = 'linli';
const REQUIRED_CI_FILES = ['default-values.yaml', 'production-values.yaml', 'minimal-values.yaml'];

const SERVICES = ['gateway', 'identity', 'orders', 'leader-ops', 'recommendations', 'communities', 'local-services'];
const HEALTH_PORT = 9090;
const HTTP_PORT = 3000;
const COMMON_ENV = ['NATS_URL', 'LOG_LEVEL', 'HEALTH_PORT', 'SERVICE_NAME'];
const SERVICE_ENV = {
  gateway: ['HTTP_PORT', 'CORS_ORIGINS', 'RATE_LIMIT_PER_MINUTE_CLIENT', 'RATE_LIMIT_PER_MINUTE_USER', 'AUTH_TOKEN_SECRET'],
  identity: ['AUTH_TOKEN_SECRET', 'SMS_ADAPTER', 'WECHAT_ADAPTER'],
  orders: ['PAYMENT_WEBHOOK_SECRET', 'PAYMENT_PROVIDER'],
  'local-services': ['PAYMENT_WEBHOOK_SECRET'],
};
const SECRET_ENV = ['DATABASE_URL', 'AUTH_TOKEN_SECRET', 'PAYMENT_WEBHOOK_SECRET'];
// Served by kubernetes-models but gone from every Kubernetes version the chart supports (>= 1.30).
const REMOVED_API_VERSIONS = new Set([
  'extensions/v1beta1',
  'apps/v1beta1',
  'apps/v1beta2',
  'autoscaling/v2beta1',
  'autoscaling/v2beta2',
  'batch/v1beta1',
  'policy/v1beta1',
  'networking.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2',
]);

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

async function helm(helmPath, args) {
  try {
    const { stdout, stderr } = await execFileAsync(helmPath, args, { maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, stdout, stderr };
  } catch (error) {
    return { ok: false, stdout: error.stdout ?? '', stderr: error.stderr ?? String(error) };
  }
}

function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => join(dir, e.name))
    .sort();
}

// ---------------------------------------------------------------------------
// Effective values, computed independently of the chart's templates.

const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Helm-style coalescing of a values file over values.yaml: maps merge, anything else replaces. */
function coalesce(base, over) {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = coalesce(base[k], v);
  return out;
}

/** The chart's per-service merge: maps merge, other values replace, null removes. */
function mergeSettings(base, over) {
  const out = structuredClone(base);
  for (const [k, v] of Object.entries(over ?? {})) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = mergeSettings(out[k], v);
    else out[k] = structuredClone(v);
  }
  return out;
}

function effectiveValues(valuesFile) {
  const chartValues = YAML.parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
  const fileValues = YAML.parse(readFileSync(valuesFile, 'utf8')) ?? {};
  const values = coalesce(chartValues, fileValues);
  const services = {};
  for (const name of SERVICES) {
    const own = values.services?.[name] ?? {};
    const { enabled, database, ...overrides } = own;
    services[name] = {
      enabled: enabled !== false,
      ownsDatabase: database !== undefined,
      settings: mergeSettings(values.defaults, overrides),
    };
  }
  return { values, services };
}

// ---------------------------------------------------------------------------
// Schema validation with kubernetes-models.

const API_VERSION = /^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const modelCache = new Map();

function modelFor(apiVersion, kind) {
  const id = `${apiVersion}/${kind}`;
  if (modelCache.has(id)) return modelCache.get(id);
  let model;
  if (typeof apiVersion === 'string' && API_VERSION.test(apiVersion) && typeof kind === 'string') {
    try {
      const mod = require(`kubernetes-models/${apiVersion}`);
      const candidate = mod[kind];
      if (typeof candidate === 'function' && candidate.kind === kind && candidate.apiVersion === apiVersion) {
        model = candidate;
      }
    } catch {
      model = undefined;
    }
  }
  modelCache.set(id, model);
  return model;
}

function validateManifest(obj) {
  const { apiVersion, kind } = obj;
  if (REMOVED_API_VERSIONS.has(apiVersion)) return `${apiVersion} is removed in Kubernetes >= 1.30`;
  const Model = modelFor(apiVersion, kind);
  if (!Model) return `unknown kind ${kind} in ${apiVersion}`;
  try {
    new Model(obj).validate();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

// ---------------------------------------------------------------------------
// Invariants over one rendered release.

function checkInvariants(manifests, effective) {
  const problems = [];
  const fail = (msg) => problems.push(msg);
  const byKind = (kind) => manifests.filter((m) => m.kind === kind);
  const find = (kind, name) => manifests.find((m) => m.kind === kind && m.metadata?.name === name);
  const { values, services } = effective;
  const fullname = (svc) => `${RELEASE}-${svc}`;
  const enabled = SERVICES.filter((s) => services[s].enabled);
  const disabled = SERVICES.filter((s) => !services[s].enabled);
  const renderedSecrets = new Map(byKind('Secret').map((s) => [s.metadata.name, s]));
  const externalSecrets = new Set();

  const seen = new Set();
  for (const m of manifests) {
    const id = `${m.kind}/${m.metadata?.name}`;
    if (seen.has(id)) fail(`${id} is rendered twice`);
    seen.add(id);
  }

  const secretRefOk = (where, ref) => {
    if (!ref?.name || !ref?.key) return fail(`${where}: secretKeyRef needs name and key`);
    const secret = renderedSecrets.get(ref.name);
    if (secret) {
      const keys = new Set([...Object.keys(secret.stringData ?? {}), ...Object.keys(secret.data ?? {})]);
      if (!keys.has(ref.key)) fail(`${where}: Secret ${ref.name} rendered without key ${ref.key}`);
    } else {
      if (values.secrets.create) fail(`${where}: refers to ${ref.name}, but secrets.create should route every reference to the chart's Secret`);
      externalSecrets.add(`${ref.name}/${ref.key}`);
    }
  };

  const securityOk = (where, podSpec, container) => {
    const pod = podSpec.securityContext ?? {};
    const sc = container.securityContext ?? {};
    if (!(sc.runAsNonRoot ?? pod.runAsNonRoot)) fail(`${where}: runAsNonRoot is not set`);
    if (sc.readOnlyRootFilesystem !== true) fail(`${where}: readOnlyRootFilesystem is not true`);
    if (sc.allowPrivilegeEscalation !== false) fail(`${where}: allowPrivilegeEscalation is not false`);
    if (!sc.capabilities?.drop?.includes('ALL')) fail(`${where}: capabilities do not drop ALL`);
  };

  const resourcesOk = (where, container) => {
    const r = container.resources ?? {};
    if (!r.requests?.cpu || !r.requests?.memory) fail(`${where}: resources.requests.cpu/memory missing`);
    if (!r.limits?.memory) fail(`${where}: resources.limits.memory missing`);
  };

  for (const svc of disabled) {
    for (const m of manifests) {
      const component = m.metadata?.labels?.['app.kubernetes.io/component'];
      if (component === svc || component === `${svc}-migrate`) fail(`${svc} is disabled but ${m.kind}/${m.metadata.name} is rendered`);
    }
  }

  for (const svc of enabled) {
    const name = fullname(svc);
    const { settings, ownsDatabase } = services[svc];
    const deployment = find('Deployment', name);
    if (!deployment) {
      fail(`Deployment ${name} missing`);
      continue;
    }
    const where = `Deployment ${name}`;
    const podSpec = deployment.spec.template.spec;
    const annotations = deployment.spec.template.metadata?.annotations ?? {};
    if (!/^[0-9a-f]{64}$/.test(annotations['checksum/config'] ?? '')) fail(`${where}: checksum/config annotation missing`);
    if (values.secrets.create && !annotations['checksum/secret']) fail(`${where}: checksum/secret annotation missing`);

    const containers = podSpec.containers ?? [];
    if (containers.length !== 1) fail(`${where}: expected exactly one container, found ${containers.length}`);
    const c = containers[0] ?? {};
    const expectedCommand = ['node', `apps/${svc}/dist/main.js`];
    if (JSON.stringify([...(c.command ?? []), ...(c.args ?? [])]) !== JSON.stringify(expectedCommand)) {
      fail(`${where}: command is ${JSON.stringify(c.command)}, expected ${JSON.stringify(expectedCommand)}`);
    }

    const ports = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
    const portNumber = (p) => (typeof p === 'number' ? p : ports.get(p));
    const probeOk = (probeName, path) => {
      const probe = c[probeName];
      if (!probe?.httpGet) return fail(`${where}: ${probeName} (HTTP GET) missing`);
      if (probe.httpGet.path !== path || portNumber(probe.httpGet.port) !== HEALTH_PORT) {
        fail(`${where}: ${probeName} is GET ${probe.httpGet.path} on ${probe.httpGet.port}, expected GET ${path} on ${HEALTH_PORT}`);
      }
    };
    probeOk('readinessProbe', '/readyz');
    probeOk('livenessProbe', '/livez');
    if (![...ports.values()].includes(HEALTH_PORT)) fail(`${where}: container port ${HEALTH_PORT} missing`);
    if (svc === 'gateway' && ![...ports.values()].includes(HTTP_PORT)) fail(`${where}: container port ${HTTP_PORT} missing`);
    resourcesOk(where, c);
    securityOk(where, podSpec, c);

    const grace = podSpec.terminationGracePeriodSeconds;
    const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    if (!(grace > 0)) fail(`${where}: terminationGracePeriodSeconds missing`);
    if (preStop !== settings.preStopSleepSeconds) fail(`${where}: preStop sleep ${preStop}s, values say ${settings.preStopSleepSeconds}s`);
    if (preStop >= grace) fail(`${where}: preStop sleep ${preStop}s leaves no time within the ${grace}s grace period`);

    // Environment the service validates at start.
    const envNames = new Set((c.env ?? []).map((e) => e.name));
    for (const source of c.envFrom ?? []) {
      const cm = source.configMapRef && find('ConfigMap', source.configMapRef.name);
      if (source.configMapRef && !cm) fail(`${where}: envFrom ConfigMap ${source.configMapRef.name} is not rendered`);
      for (const key of Object.keys(cm?.data ?? {})) envNames.add(key);
      if (cm?.data && SECRET_ENV.some((k) => k in cm.data)) fail(`ConfigMap ${cm.metadata.name} holds a secret key`);
    }
    const requiredEnv = [...COMMON_ENV, ...(SERVICE_ENV[svc] ?? []), ...(ownsDatabase ? ['DATABASE_URL'] : [])];
    for (const key of requiredEnv) if (!envNames.has(key)) fail(`${where}: environment variable ${key} missing`);
    for (const e of c.env ?? []) {
      if (SECRET_ENV.includes(e.name)) {
        if (!e.valueFrom?.secretKeyRef) fail(`${where}: ${e.name} must come from a Secret`);
        else secretRefOk(`${where} ${e.name}`, e.valueFrom.secretKeyRef);
      }
    }

    // Service
    const service = find('Service', name);
    if (!service) fail(`Service ${name} missing`);
    else {
      const svcPorts = service.spec.ports.map((p) => p.port);
      if (!svcPorts.includes(HEALTH_PORT)) fail(`Service ${name}: port ${HEALTH_PORT} missing`);
      if (svc === 'gateway' && !svcPorts.includes(HTTP_PORT)) fail(`Service ${name}: port ${HTTP_PORT} missing`);
      const podLabels = deployment.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(service.spec.selector ?? {})) {
        if (podLabels[k] !== v) fail(`Service ${name}: selector ${k}=${v} does not match the pods`);
      }
    }

    // Autoscaling and disruption budget.
    const hpa = find('HorizontalPodAutoscaler', name);
    const autoscaling = settings.autoscaling;
    if (autoscaling.enabled) {
      if (!hpa) fail(`HorizontalPodAutoscaler ${name} missing`);
      else {
        if (hpa.apiVersion !== 'autoscaling/v2') fail(`HPA ${name}: apiVersion ${hpa.apiVersion}`);
        if (hpa.spec.scaleTargetRef.name !== name || hpa.spec.scaleTargetRef.kind !== 'Deployment') fail(`HPA ${name}: wrong scale target`);
        if (hpa.spec.minReplicas !== autoscaling.minReplicas || hpa.spec.maxReplicas !== autoscaling.maxReplicas) fail(`HPA ${name}: bounds differ from values`);
        const cpu = hpa.spec.metrics?.find((m) => m.resource?.name === 'cpu');
        if (cpu?.resource.target.averageUtilization !== autoscaling.targetCPUUtilizationPercentage) fail(`HPA ${name}: CPU target differs from values`);
      }
      if (deployment.spec.replicas !== undefined) fail(`${where}: sets replicas although an HPA owns the count`);
    } else {
      if (hpa) fail(`HorizontalPodAutoscaler ${name} rendered although autoscaling is off`);
      if (deployment.spec.replicas !== settings.replicas) fail(`${where}: replicas ${deployment.spec.replicas}, values say ${settings.replicas}`);
    }
    const pods = autoscaling.enabled ? autoscaling.minReplicas : settings.replicas;
    const pdb = find('PodDisruptionBudget', name);
    if (pods > 1 && !pdb) fail(`PodDisruptionBudget ${name} missing (${pods} pods)`);
    if (pods <= 1 && pdb) fail(`PodDisruptionBudget ${name} would block node drains with a single pod`);
    if (pdb) {
      const podLabels = deployment.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(pdb.spec.selector?.matchLabels ?? {})) {
        if (podLabels[k] !== v) fail(`PodDisruptionBudget ${name}: selector does not match the pods`);
      }
    }
  }

  // Migration Jobs: exactly one per enabled database-owning service.
  const jobs = byKind('Job');
  const expectedJobs = values.migrations.enabled ? enabled.filter((s) => services[s].ownsDatabase) : [];
  const jobServices = [];
  for (const job of jobs) {
    const where = `Job ${job.metadata.name}`;
    const c = job.spec.template.spec.containers?.[0] ?? {};
    const cmd = [...(c.command ?? []), ...(c.args ?? [])];
    const match = cmd.length === 4 && cmd[0] === 'node' && cmd[1] === 'tools/migrate.mjs' && cmd[2] === '--service' ? cmd[3] : undefined;
    if (!match) {
      fail(`${where}: not a migration Job (command ${JSON.stringify(cmd)})`);
      continue;
    }
    jobServices.push(match);
    const a = job.metadata.annotations ?? {};
    const hooks = (a['helm.sh/hook'] ?? '').split(',').map((s) => s.trim());
    if (!hooks.includes('pre-install') || !hooks.includes('pre-upgrade')) fail(`${where}: helm.sh/hook must include pre-install and pre-upgrade`);
    if (!/^-?\d+$/.test(a['helm.sh/hook-weight'] ?? '')) fail(`${where}: helm.sh/hook-weight missing`);
    const policies = (a['helm.sh/hook-delete-policy'] ?? '').split(',').map((s) => s.trim());
    if (!policies.includes('before-hook-creation') || !policies.includes('hook-succeeded')) fail(`${where}: hook-delete-policy must be before-hook-creation,hook-succeeded`);
    if (job.spec.template.spec.restartPolicy !== 'Never') fail(`${where}: restartPolicy must be Never`);
    const dbEnv = (c.env ?? []).find((e) => e.name === 'DATABASE_URL');
    if (!dbEnv?.valueFrom?.secretKeyRef) fail(`${where}: DATABASE_URL must come from a Secret`);
    else {
      secretRefOk(`${where} DATABASE_URL`, dbEnv.valueFrom.secretKeyRef);
      const svcDeployment = find('Deployment', fullname(match));
      const svcDb = svcDeployment?.spec.template.spec.containers[0].env?.find((e) => e.name === 'DATABASE_URL');
      if (svcDb && JSON.stringify(svcDb.valueFrom) !== JSON.stringify(dbEnv.valueFrom)) fail(`${where}: DATABASE_URL differs from the ${match} Deployment's`);
    }
    for (const e of c.env ?? []) if (e.name !== 'DATABASE_URL' && SECRET_ENV.includes(e.name)) fail(`${where}: ${e.name} is not needed by migrations`);
    resourcesOk(where, c);
    securityOk(where, job.spec.template.spec, c);
    if (job.spec.template.spec.serviceAccountName && values.serviceAccount.create) {
      fail(`${where}: uses the chart's ServiceAccount, which does not exist yet when pre-install hooks run`);
    }
    if (values.secrets.create) {
      const devSecret = [...renderedSecrets.values()][0];
      const weight = (m) => Number(m?.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);
      if (!devSecret?.metadata.annotations?.['helm.sh/hook']?.includes('pre-install') || weight(devSecret) >= weight(job)) {
        fail(`${where}: the chart's Secret must be a hook with a lower weight so it exists before the Job runs`);
      }
    }
  }
  const sorted = (xs) => [...xs].sort().join(',');
  if (sorted(jobServices) !== sorted(expectedJobs)) {
    fail(`migration Jobs for [${sorted(jobServices)}], expected one each for [${sorted(expectedJobs)}]`);
  }

  // Ingress
  const ingresses = byKind('Ingress');
  if (values.ingress.enabled) {
    const ing = ingresses[0];
    if (ingresses.length !== 1) fail(`expected one Ingress, found ${ingresses.length}`);
    else {
      const backends = ing.spec.rules.flatMap((r) => r.http.paths.map((p) => p.backend.service));
      if (!backends.every((b) => b.name === fullname('gateway') && (b.port.name === 'http' || b.port.number === HTTP_PORT))) {
        fail(`Ingress ${ing.metadata.name}: every path must route to the gateway's HTTP port`);
      }
      const hosts = ing.spec.rules.map((r) => r.host);
      if (sorted(hosts) !== sorted(values.ingress.hosts)) fail(`Ingress ${ing.metadata.name}: hosts differ from values`);
    }
  } else if (ingresses.length) fail('Ingress rendered although ingress.enabled is false');

  return { problems, jobs: jobServices.length, externalSecrets: [...externalSecrets].sort() };
}

// ---------------------------------------------------------------------------

async function checkValid(helmPath, file) {
  const label = relative(CHART, file);
  const result = { label, ok: true, lines: [] };
  const note = (ok, msg) => {
    if (!ok) result.ok = false;
    result.lines.push(`${ok ? 'ok  ' : 'FAIL'} ${msg}`);
  };

  const [lint, template] = await Promise.all([
    helm(helmPath, ['lint', '--strict', CHART, '-f', file]),
    helm(helmPath, ['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', file]),
  ]);
  note(lint.ok, `helm lint --strict${lint.ok ? '' : `\n${indent(lint.stdout + lint.stderr)}`}`);
  if (!template.ok) {
    note(false, `helm template\n${indent(template.stderr)}`);
    return result;
  }

  const manifests = [];
  const parseErrors = [];
  for (const doc of YAML.parseAllDocuments(template.stdout)) {
    if (doc.errors.length) parseErrors.push(doc.errors.map((e) => e.message).join('; '));
    const obj = doc.toJS();
    if (obj !== null && obj !== undefined) manifests.push(obj);
  }
  const kinds = {};
  for (const m of manifests) kinds[m.kind] = (kinds[m.kind] ?? 0) + 1;
  const kindSummary = Object.entries(kinds)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  note(parseErrors.length === 0, `helm template: ${manifests.length} manifests (${kindSummary})${parseErrors.length ? `\n${indent(parseErrors.join('\n'))}` : ''}`);

  const invalid = [];
  for (const m of manifests) {
    const error = validateManifest(m);
    if (error) invalid.push(`${m.kind ?? '?'}/${m.metadata?.name ?? '?'}: ${error}`);
  }
  note(invalid.length === 0, `kubernetes-models schema validation of ${manifests.length} manifests${invalid.length ? `\n${indent(invalid.join('\n'))}` : ''}`);

  let invariants;
  try {
    invariants = checkInvariants(manifests, effectiveValues(file));
  } catch (error) {
    invariants = { problems: [`invariant check crashed: ${error instanceof Error ? error.stack : String(error)}`], jobs: 0, externalSecrets: [] };
  }
  note(
    invariants.problems.length === 0,
    `invariants (probes, resources, security, env, ${invariants.jobs} migration hook Jobs, HPA/PDB/Ingress)` +
      (invariants.problems.length ? `\n${indent(invariants.problems.join('\n'))}` : ''),
  );
  if (invariants.externalSecrets.length) {
    result.lines.push(`     existing Secrets referenced: ${invariants.externalSecrets.join(', ')}`);
  }
  return result;
}

async function checkInvalid(helmPath, file) {
  const label = relative(CHART, file);
  const text = readFileSync(file, 'utf8');
  const expected = /^#\s*expect-error:\s*(.+)$/m.exec(text)?.[1].trim();
  if (!expected) return { label, ok: false, lines: ['FAIL no "# expect-error: <text>" line in the file'] };
  // Schema violations fail both commands. Template guards (`fail`, `required`) fail only
  // `helm template`/install: lint mode logs them at INFO, so such files say "rejected-by: template".
  const rejectedBy = /^#\s*rejected-by:\s*([a-z, ]+)/m.exec(text)?.[1].split(/[ ,]+/).filter(Boolean) ?? ['lint', 'template'];
  const [lint, template] = await Promise.all([
    helm(helmPath, ['lint', '--strict', CHART, '-f', file]),
    helm(helmPath, ['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', file]),
  ]);
  const commands = [
    ['lint', 'helm lint --strict', lint],
    ['template', 'helm template', template],
  ].filter(([key]) => rejectedBy.includes(key));
  const lines = [];
  let ok = commands.some(([key]) => key === 'template');
  if (!ok) lines.push('FAIL "rejected-by" must include template');
  for (const [, name, r] of commands) {
    const output = `${r.stdout}\n${r.stderr}`;
    if (r.ok) {
      ok = false;
      lines.push(`FAIL ${name} accepted values that must be rejected`);
    } else if (!output.includes(expected)) {
      ok = false;
      lines.push(`FAIL ${name} rejected them for another reason (expected "${expected}")\n${indent(output.trim())}`);
    }
  }
  if (ok) {
    const reason = template.stderr.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('- at ') || l.startsWith('Error:')).pop();
    lines.push(`ok   rejected by ${commands.map(([key]) => key).join(' and ')}: ${reason ?? expected}`);
  }
  return { label, ok, lines };
}

function indent(text) {
  return text
    .trim()
    .split('\n')
    .map((l) => `       ${l}`)
    .join('\n');
}

async function main() {
  const started = performance.now();
  const helmPath = ensureHelm();
  const validFiles = yamlFiles(CI_DIR);
  const invalidFiles = yamlFiles(INVALID_DIR);
  const missing = REQUIRED_CI_FILES.filter((f) => !validFiles.some((v) => v.endsWith(`/${f}`)));

  const results = await Promise.all([
    ...validFiles.map((f) => checkValid(helmPath, f)),
    ...invalidFiles.map((f) => checkInvalid(helmPath, f)),
  ]);

  const { stdout: version } = await helm(helmPath, ['version', '--short']);
  console.log(`chart-check: ${relative(ROOT, CHART)} with helm ${version.trim()}`);
  console.log('\nValues that must render:');
  for (const r of results.slice(0, validFiles.length)) {
    console.log(`  ${r.label}`);
    for (const line of r.lines) console.log(`    ${line}`);
  }
  console.log('\nValues that must be rejected:');
  for (const r of results.slice(validFiles.length)) {
    console.log(`  ${r.label}`);
    for (const line of r.lines) console.log(`    ${line}`);
  }
  for (const f of missing) console.log(`\nFAIL ci/${f} is missing`);
  if (invalidFiles.length === 0) console.log('\nFAIL no invalid values files in ci/invalid/');

  const failed = results.filter((r) => !r.ok).length + missing.length + (invalidFiles.length === 0 ? 1 : 0);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${failed === 0 ? 'PASS' : 'FAIL'}: ${validFiles.length} values files rendered and validated, ` +
      `${invalidFiles.length} invalid values files rejected` +
      `${failed ? `; ${failed} check(s) failed` : ''} (${seconds}s)`,
  );
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`chart-check: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
