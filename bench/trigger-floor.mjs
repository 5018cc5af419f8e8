// The floor for bench/trigger.js: undici alone (the Agent and dispatch() trigger uses) plus only the work any
// correct trigger must do per event, inline, with no options, reports or error handling: a fresh event (a new id
// and the current time spliced into the serialized fixture), an HMAC-SHA256 signature over a fresh svix-id and
// timestamp, and one line of output per attempt (buffered, written in 64 KiB blocks). It tells the cost of that
// work from the cost of trigger's own code. With `bare` last, it is "undici alone": one event built and signed
// before the first POST, the same bytes sent every time, no output.
// Usage: node bench/trigger-floor.mjs <url> <count> <concurrency> <event JSON> <whsec_ secret> [bare]
import { createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import Agent from 'undici/lib/dispatcher/agent.js';

const [url, count, concurrency, fixture, secret] = [new URL(process.argv[2]), +process.argv[3], +process.argv[4], JSON.parse(process.argv[5]), process.argv[6]];
const bare = process.argv[7] === 'bare';
const key = createSecretKey(Buffer.from(secret.replace(/^whsec_/, ''), 'base64'));
fixture.id = '@id@';
fixture.timestamp = '@timestamp@';
const pieces = JSON.stringify(fixture).split(/"@(id|timestamp)@"/);
const agent = new Agent({ keepAliveTimeout: 10_000 });
let output = '';
let failures = 0;

/** A fresh event, signed: its body, headers and event id. */
function signedEvent() {
  const values = { id: `"event_${randomUUID()}"`, timestamp: `"${new Date().toISOString()}"` };
  let text = pieces[0];
  for (let i = 1; i < pieces.length; i += 2) text += values[pieces[i]] + pieces[i + 1];
  const body = Buffer.from(text);
  const messageId = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', key).update(`${messageId}.${timestamp}.`).update(body).digest('base64');
  const headers = { 'content-type': 'application/json', 'user-agent': 'trigger-floor', 'svix-id': messageId, 'svix-timestamp': timestamp, 'svix-signature': `v1,${signature}` };
  return { body, headers, id: values.id };
}

const once = bare ? signedEvent() : undefined;

function post() {
  const { body, headers, id } = once ?? signedEvent();
  const started = performance.now();
  return new Promise((resolve, reject) =>
    agent.dispatch(
      { origin: url.origin, path: url.pathname, method: 'POST', headers, body },
      {
        onRequestStart() {},
        onResponseStart(_controller, status) {
          if (status !== 200) failures++;
        },
        onResponseData() {},
        onResponseEnd() {
          if (bare) return resolve();
          output += `✓ file.created ${id} · attempt 1 · 200 OK · ${Math.round(performance.now() - started)}ms\n`;
          if (output.length > 64 * 1024) {
            writeSync(1, output);
            output = '';
          }
          resolve();
        },
        onResponseError: (_controller, error) => reject(error),
      },
    ),
  );
}

let sent = 0;
await Promise.all(Array.from({ length: concurrency }, async () => { while (sent < count) { sent++; await post(); } }));
writeSync(1, output);
await agent.close();
if (failures > 0) { console.error(`${failures} POSTs were not answered 200`); process.exitCode = 1; }
