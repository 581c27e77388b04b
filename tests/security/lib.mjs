// Shared pieces of the security suites: a raw HTTP/1.1 client that sends bytes exactly
// as given (no URL or header normalisation), checks that an answer is well-formed, and
// a tally that prints the closing "N passed, M failed" line.

import net from 'node:net';

/** Security headers every answer of the application must carry. */
export const SECURITY_HEADERS = [
  'content-security-policy',
  'x-content-type-options',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
];

/** Statuses actix-http answers itself, before the application, with an empty body. */
const BARE_STATUSES = new Set([400, 408, 431]);

/**
 * Sends `head` (Buffer or string, a complete request head) to 127.0.0.1:port and
 * resolves with { status, headers, body, raw } of the first response.
 */
export function rawRequest(port, head, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      // A reset after a complete answer is fine; without one it is a failure.
      const raw = Buffer.concat(chunks);
      if (raw.length > 0) {
        clearTimeout(timer);
        resolve(parse(raw));
      } else {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(parse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** A GET request head for `target` (bytes) with extra header lines (bytes). */
export function getHead(target, extraHeaders = []) {
  const parts = [Buffer.from('GET '), Buffer.from(target), Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\n')];
  for (const line of extraHeaders) {
    parts.push(Buffer.from(line), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('Connection: close\r\n\r\n'));
  return Buffer.concat(parts);
}

function parse(raw) {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) {
    throw new Error(`incomplete response head: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`);
  }
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.1 (\d{3})( .*)?$/.exec(lines[0]);
  if (!match) {
    throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
  }
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`bad header line ${JSON.stringify(line)}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if ((headers['transfer-encoding'] || '').toLowerCase() === 'chunked') {
    body = dechunk(body);
  }
  return { status: Number(match[1]), headers, body, raw };
}

function dechunk(data) {
  const out = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) throw new Error('chunked body without chunk size line');
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) throw new Error('bad chunk size');
    if (size === 0) return Buffer.concat(out);
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Problems with a response; empty when it is well-formed. `head` is true for HEAD. */
export function problems(res) {
  const found = [];
  if (res.status >= 500) found.push(`status ${res.status}`);
  const length = res.headers['content-length'];
  if (length !== undefined && Number(length) !== res.body.length) {
    found.push(`content-length ${length} but ${res.body.length} bytes`);
  }
  if (res.body.length === 0 && !res.headers['content-type'] && BARE_STATUSES.has(res.status)) {
    // actix-http's own answer to a request it could not parse: nothing to check.
    return found;
  }
  for (const name of SECURITY_HEADERS) {
    if (!res.headers[name]) found.push(`no ${name}`);
  }
  const type = res.headers['content-type'] || '';
  if (res.body.length > 0) {
    if (!type) found.push('body without content-type');
    let text = null;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(res.body);
    } catch {
      if (type.startsWith('text/') || type.includes('json')) found.push('body is not UTF-8');
    }
    if (text !== null && type.includes('json')) {
      try {
        JSON.parse(text);
      } catch (error) {
        found.push(`invalid JSON: ${error.message}`);
      }
    }
    if (text !== null && type.startsWith('text/html')) {
      if (!text.startsWith('<!DOCTYPE html>') || !text.trimEnd().endsWith('</html>')) {
        found.push('HTML is not a complete document');
      }
      if (/<script(?![^>]*\bsrc="\/assets\/)/i.test(text)) found.push('inline script in HTML');
    }
  }
  return found;
}

/** Counts checks and remembers failures. */
export class Tally {
  constructor(name) {
    this.name = name;
    this.passed = 0;
    this.failed = 0;
    this.failures = [];
  }

  check(what, issues) {
    if (issues.length === 0) {
      this.passed += 1;
    } else {
      this.failed += 1;
      if (this.failures.length < 50) this.failures.push(`${what}: ${issues.join('; ')}`);
    }
  }

  finish() {
    for (const failure of this.failures) console.log(`FEHLER ${failure}`);
    if (this.failed > this.failures.length) {
      console.log(`… und ${this.failed - this.failures.length} weitere Fehler`);
    }
    console.log(`${this.name}: ${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 ? 0 : 1;
  }
}

/** Runs `task` over `items` with at most `width` at a time. */
export async function pool(items, width, task) {
  let next = 0;
  const workers = Array.from({ length: width }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await task(item);
    }
  });
  await Promise.all(workers);
}
