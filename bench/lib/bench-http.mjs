// A small HTTP/1.1 keep-alive client for the benchmarks: one request at a time per connection,
// requests prepared once as buffers, responses parsed just enough (status, body). It costs the load
// generator far less CPU than fetch or http.Agent, which matters when it shares two cores with the
// system under test.
import net from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

/** The bytes of one request. `headers` are extra header lines (`{name: value}`). */
export function buildRequest({ method, path, host, token, body, headers = {} }) {
  const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  if (token) head += `authorization: Bearer ${token}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (payload) head += `content-type: application/json\r\ncontent-length: ${payload.length}\r\n`;
  else if (method !== 'GET' && method !== 'HEAD') head += 'content-length: 0\r\n';
  head += '\r\n';
  return payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : Buffer.from(head, 'latin1');
}

/** Parses one complete response at the start of `buf`; null when more bytes are needed. */
export function parseResponse(buf) {
  const headerEnd = buf.indexOf(HEADER_END);
  if (headerEnd < 0) return null;
  const head = buf.toString('latin1', 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const close = /\r\nconnection:[ \t]*close/i.test(head);
  const start = headerEnd + 4;
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (length) {
    const end = start + Number(length[1]);
    if (buf.length < end) return null;
    return { status, body: buf.toString('utf8', start, end), close, used: end };
  }
  if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) {
    const parts = [];
    let at = start;
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at, 'latin1');
      if (lineEnd < 0) return null;
      const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
      if (size === 0) {
        const end = buf.indexOf(HEADER_END, lineEnd);
        if (end < 0) return null;
        return { status, body: Buffer.concat(parts).toString('utf8'), close, used: end + 4 };
      }
      if (buf.length < lineEnd + 2 + size + 2) return null;
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  // No length: the body runs to the end of the connection (not used by the gateway).
  return { status, body: '', close: true, used: start };
}

/** One keep-alive connection; `request` waits for the previous answer to be read first. */
export class HttpConnection {
  constructor(host, port, { timeoutMs = 30_000 } = {}) {
    this.host = host;
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.socket = undefined;
    this.pending = undefined;
    this.buffer = Buffer.alloc(0);
    this.connecting = undefined;
  }

  connect() {
    if (this.socket && !this.socket.destroyed) return Promise.resolve();
    if (this.connecting) return this.connecting;
    this.connecting = new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
      const failed = (error) => {
        this.connecting = undefined;
        reject(error);
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        socket.setKeepAlive(true, 10_000);
        this.socket = socket;
        this.buffer = Buffer.alloc(0);
        this.connecting = undefined;
        // Events of a socket this connection already gave up are ignored.
        socket.on('data', (chunk) => socket === this.socket && this.onData(chunk));
        socket.on('error', (error) => socket === this.socket && this.fail(error));
        socket.on('close', () => socket === this.socket && this.fail(new Error('connection closed')));
        resolve();
      });
    });
    return this.connecting;
  }

  onData(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const response = parseResponse(this.buffer);
    if (!response) return;
    this.buffer = this.buffer.subarray(response.used);
    const pending = this.pending;
    this.pending = undefined;
    if (response.close) this.destroy();
    if (pending) {
      clearTimeout(pending.timer);
      pending.resolve(response);
    }
  }

  fail(error) {
    this.destroy();
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  destroy() {
    const socket = this.socket;
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
    socket?.destroy();
  }

  /** Sends a prepared request (see {@link buildRequest}); resolves with `{status, body}`. */
  async request(bytes) {
    if (this.pending) throw new Error('one request at a time per connection');
    if (!this.socket || this.socket.destroyed) await this.connect();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
      this.pending = { resolve, reject, timer };
      this.socket.write(bytes);
    });
  }
}

/** Opens `count` connections, `batch` at a time (so the listen backlog never overflows). */
export async function openConnections(host, port, count, { batch = 100, timeoutMs } = {}) {
  const connections = Array.from({ length: count }, () => new HttpConnection(host, port, { timeoutMs }));
  for (let i = 0; i < count; i += batch) await Promise.all(connections.slice(i, i + batch).map((c) => c.connect()));
  return connections;
}

/** Hands out idle connections of a fixed set; callers wait in arrival order when all are busy. */
export class ConnectionPool {
  constructor(connections) {
    this.idle = [...connections];
    this.waiting = [];
  }

  async request(bytes) {
    const connection = this.idle.pop() ?? (await new Promise((resolve, reject) => this.waiting.push({ resolve, reject })));
    try {
      return await connection.request(bytes);
    } finally {
      const next = this.waiting.shift();
      if (next) next.resolve(connection);
      else this.idle.push(connection);
    }
  }

  /** Gives up every request still waiting for a connection; returns how many. */
  abandon(reason = 'abandoned: still queued in the client at the deadline') {
    const waiting = this.waiting.splice(0);
    for (const w of waiting) w.reject(new Error(reason));
    return waiting.length;
  }
}

/** JSON helper for setup calls (not measured): `api.call('POST', '/v1/…', {token, body})`. */
export function jsonApi(host, port, { connections = 32 } = {}) {
  const pool = new ConnectionPool(Array.from({ length: connections }, () => new HttpConnection(host, port, { timeoutMs: 60_000 })));
  const hostHeader = `${host}:${port}`;
  return {
    async call(method, path, { token, body } = {}) {
      const response = await pool.request(buildRequest({ method, path, host: hostHeader, token, body }));
      return { status: response.status, body: response.body ? JSON.parse(response.body) : undefined };
    },
    async must(method, path, options) {
      const result = await this.call(method, path, options);
      if (result.status >= 400) throw new Error(`${method} ${path} → ${result.status} ${JSON.stringify(result.body)}`);
      return result.body;
    },
    close() {
      for (const connection of [...pool.idle]) connection.destroy();
    },
  };
}
