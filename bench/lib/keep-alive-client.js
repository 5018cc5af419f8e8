// A lean HTTP/1.1 keep-alive load generator for the benches: each connection writes pre-built request buffers one
// at a time and reads just enough of each response (status line, content-length) to know it is complete. It does
// no per-request work beyond that, so the server under test, not the client, is what runs out of CPU.
import { connect } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Sends every buffer of `requests` once, over `connections` keep-alive connections to host:port (the buffers are
 * dealt round-robin, so each connection sends its own distinct share in order). Resolves with the statuses seen
 * and the wall time from the first write to the last response, in ms; rejects on a socket error, a response it
 * cannot frame, or when `timeoutMs` passes first.
 */
export function sendAll({ port, host = '127.0.0.1', requests, connections, timeoutMs = 120_000 }) {
  return new Promise((resolve, reject) => {
    const statuses = new Map();
    const sockets = [];
    let open = 0;
    let failed = false;
    let started = 0;
    const fail = (error) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`the load did not finish within ${timeoutMs} ms`)), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      resolve({ ms, statuses });
    };
    const count = Math.min(connections, requests.length);
    for (let c = 0; c < count; c++) {
      const share = [];
      for (let i = c; i < requests.length; i += count) share.push(requests[i]);
      open++;
      const socket = connect({ port, host, noDelay: true });
      sockets.push(socket);
      let next = 0;
      let pending = null;
      socket.on('error', fail);
      socket.on('connect', () => {
        if (started === 0) started = performance.now();
        socket.write(share[next++]);
      });
      socket.on('data', (chunk) => {
        pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
        // One request in flight per connection, so a chunk holds at most one response (or part of one).
        const end = pending.indexOf(HEADER_END);
        if (end < 0) return;
        const head = pending.toString('latin1', 0, end);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (!length) return fail(new Error(`a response without content-length: ${JSON.stringify(head.slice(0, 200))}`));
        if (pending.length < end + 4 + Number(length[1])) return;
        const status = Number(head.slice(9, 12));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        pending = null;
        if (next < share.length) socket.write(share[next++]);
        else {
          socket.end();
          if (--open === 0) done();
        }
      });
    }
  });
}

/** One raw HTTP/1.1 POST with a keep-alive connection, as bytes ready to write. */
export function buildPost({ host, port, path, headers, body }) {
  const bytes = Buffer.from(body);
  let head = `POST ${path} HTTP/1.1\r\nhost: ${host}:${port}\r\nconnection: keep-alive\r\ncontent-length: ${bytes.length}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), bytes]);
}
