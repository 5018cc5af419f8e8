import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Guards the exact bytes of listen's output (issue 15): the per-delivery work is hand-tuned (explicit key lists,
// batched answers), and a key moved or a field dropped must fail here. Only what cannot be fixed in advance
// (the clock, latencies, the port, the signature of a timestamp taken now) is replaced by a placeholder.

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const WRONG_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const clis: RunningCli[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(clis.splice(0).map((cli) => cli.stop('SIGKILL')));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Sent {
  id: string;
  body: Buffer;
  secret?: string;
}

// Not events Scan Documents sends (issue 20): their verified lines carry the drift mark, guarded here byte for byte too.
const TASK = '{"type":"task.completed","id":"event_guard1","timestamp":"2026-01-02T03:04:05.000Z","data":{"taskId":"task_1","status":"completed"}}';
const DELETED = '{"type":"file.deleted","id":"event_guard2","timestamp":"2026-01-02T03:04:06.000Z","data":{"fileId":"file_1"}}';
const DELIVERIES: Sent[] = [
  { id: 'msg_guard1', body: Buffer.from(TASK) },
  { id: 'msg_guard1', body: Buffer.from(TASK) },
  { id: 'msg_guard2', body: Buffer.from(TASK), secret: WRONG_SECRET },
  { id: 'msg_guard3', body: Buffer.from('not json, "quoted" é') },
  { id: 'msg_guard4', body: Buffer.from([0xff, 0xfe, 0x00, 0x41]) },
  { id: 'msg_guard5', body: Buffer.from(DELETED) },
  { id: 'msg_guard6', body: Buffer.alloc(3000, 0x61) },
];

/** One request with exactly these header bytes, on its own connection; resolves with the status. */
function post(port: number, sent: Sent, timestamp: number): Promise<number> {
  const signature = new Webhook(sent.secret ?? TEST_SECRET).sign(sent.id, new Date(timestamp * 1000), sent.body.toString('utf8'));
  const head =
    `POST /hooks/in HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\nsvix-id: ${sent.id}\r\n` +
    `svix-timestamp: ${timestamp}\r\nsvix-signature: ${signature}\r\ncontent-length: ${sent.body.length}\r\nconnection: close\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1])));
    // Not end(): a half-closed socket reads as "the sender had hung up", and that races with the answer.
    socket.write(Buffer.concat([Buffer.from(head), sent.body]));
  });
}

/** Sends every delivery in turn (each answered before the next) and returns the normalised output. */
async function run(args: string[]): Promise<{ stdout: string; stderr: string; journal?: string; statuses: number[] }> {
  const app = await startServer((_req, res) => void res.writeHead(202, { 'content-type': 'application/json' }).end('{"ok":true}'));
  servers.push(app);
  const cli = startCli(['listen', '--port', '0', '--no-inspect', '--max-body', '2kb', '--respond', 'file.deleted=503', '--forward-to', `task.*=${app.url}/app`, ...args]);
  clis.push(cli);
  const [, port] = await cli.waitFor(/Ready: waiting for deliveries on http:\/\/127\.0\.0\.1:(\d+)/);
  const timestamp = Math.floor(Date.now() / 1000);
  const statuses: number[] = [];
  for (const sent of DELIVERIES) statuses.push(await post(Number(port), sent, timestamp));
  expect(await cli.stop('SIGINT')).toBe(0);
  const normalise = (text: string) =>
    text
      .replaceAll(String(timestamp), '{TS}')
      .replaceAll(`:${port}`, ':{PORT}')
      .replaceAll(`:${app.port}`, ':{APP}')
      .replace(/v1,[A-Za-z0-9+/=]{44}/g, 'v1,{SIG}')
      .replace(/"(receivedAt|recordedAt)":"[^"]+"/g, '"$1":"{AT}"')
      .replace(/"latencyMs":[\d.]+/g, '"latencyMs":0')
      // The timestamp is taken once before sending; a second may pass before a failed delivery is checked.
      .replace(/"skewSeconds":-?\d+/g, '"skewSeconds":0')
      .replace(/^\d\d:\d\d:\d\d/gm, 'HH:MM:SS')
      .replace(/\b\d+(\.\d+)? ?ms\b/g, '{N}ms');
  const record = args.indexOf('--record');
  const journal = record === -1 ? undefined : normalise(readFileSync(args[record + 1]!, 'utf8'));
  return { stdout: normalise(cli.stdout()), stderr: normalise(cli.stderr()), journal, statuses };
}

describe('listen output, byte for byte (issue 15 guard)', () => {
  it('--json: every line on stdout has exactly these bytes and key order', async () => {
    const { stdout, statuses } = await run(['--json']);
    expect(statuses).toEqual([202, 202, 401, 400, 401, 503, 413]);
    expect(stdout).toBe(EXPECTED_JSON);
  });

  it('the human lines (to a pipe, as to a file) have exactly these bytes', async () => {
    const { stdout, stderr } = await run([]);
    expect(stderr).toBe('');
    expect(stdout).toBe(EXPECTED_HUMAN);
  });

  it('--record: the journal file has exactly these bytes', async () => {
    const { journal } = await run(['--record', join(mkdtempSync(join(tmpdir(), 'scandocs-bytes-')), 'events.jsonl')]);
    expect(journal).toBe(EXPECTED_JOURNAL);
  });
});

const EXPECTED_JSON = [
  "{\"type\":\"ready\",\"url\":\"http://127.0.0.1:{PORT}\",\"host\":\"127.0.0.1\",\"port\":{PORT}}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"messageId\":\"msg_guard1\",\"attempt\":1,\"eventType\":\"task.completed\",\"eventId\":\"event_guard1\",\"shape\":{\"ok\":false,\"path\":\"data.operation\",\"message\":\"data.operation is missing\"},\"filtered\":false,\"status\":202,\"delayMs\":0,\"latencyMs\":0,\"senderGone\":false,\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard1\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"132\",\"connection\":\"close\"},\"verified\":true,\"verification\":{\"ok\":true,\"id\":\"msg_guard1\",\"timestamp\":{TS},\"family\":\"svix\",\"signature\":\"v1,{SIG}\",\"secretIndex\":0},\"forward\":{\"url\":\"http://127.0.0.1:{APP}/app\",\"status\":202,\"latencyMs\":0,\"contentType\":\"application/json\",\"body\":\"{\\\"ok\\\":true}\",\"bodyEncoding\":\"utf8\"},\"body\":\"{\\\"type\\\":\\\"task.completed\\\",\\\"id\\\":\\\"event_guard1\\\",\\\"timestamp\\\":\\\"2026-01-02T03:04:05.000Z\\\",\\\"data\\\":{\\\"taskId\\\":\\\"task_1\\\",\\\"status\\\":\\\"completed\\\"}}\",\"bodyEncoding\":\"utf8\"}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"messageId\":\"msg_guard1\",\"attempt\":2,\"repeat\":\"duplicate\",\"eventType\":\"task.completed\",\"eventId\":\"event_guard1\",\"shape\":{\"ok\":false,\"path\":\"data.operation\",\"message\":\"data.operation is missing\"},\"filtered\":false,\"status\":202,\"delayMs\":0,\"latencyMs\":0,\"senderGone\":false,\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard1\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"132\",\"connection\":\"close\"},\"verified\":true,\"verification\":{\"ok\":true,\"id\":\"msg_guard1\",\"timestamp\":{TS},\"family\":\"svix\",\"signature\":\"v1,{SIG}\",\"secretIndex\":0},\"forward\":{\"url\":\"http://127.0.0.1:{APP}/app\",\"status\":202,\"latencyMs\":0,\"contentType\":\"application/json\",\"body\":\"{\\\"ok\\\":true}\",\"bodyEncoding\":\"utf8\"},\"body\":\"{\\\"type\\\":\\\"task.completed\\\",\\\"id\\\":\\\"event_guard1\\\",\\\"timestamp\\\":\\\"2026-01-02T03:04:05.000Z\\\",\\\"data\\\":{\\\"taskId\\\":\\\"task_1\\\",\\\"status\\\":\\\"completed\\\"}}\",\"bodyEncoding\":\"utf8\"}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"messageId\":\"msg_guard2\",\"attempt\":1,\"eventType\":\"task.completed\",\"eventId\":\"event_guard1\",\"filtered\":false,\"status\":401,\"delayMs\":0,\"latencyMs\":0,\"senderGone\":false,\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard2\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"132\",\"connection\":\"close\"},\"verified\":false,\"verification\":{\"ok\":false,\"reason\":\"no-matching-signature\",\"message\":\"no signature matched among 1 (v1): check that the secret is this endpoint’s and that the body is the raw bytes received\",\"family\":\"svix\",\"id\":\"msg_guard2\",\"timestamp\":{TS},\"skewSeconds\":0,\"versionsSeen\":[\"v1\"],\"toleranceSeconds\":300,\"receivedSignatures\":[\"v1,{SIG}\"],\"expectedSignatures\":[\"v1,{SIG}\"]},\"body\":\"{\\\"type\\\":\\\"task.completed\\\",\\\"id\\\":\\\"event_guard1\\\",\\\"timestamp\\\":\\\"2026-01-02T03:04:05.000Z\\\",\\\"data\\\":{\\\"taskId\\\":\\\"task_1\\\",\\\"status\\\":\\\"completed\\\"}}\",\"bodyEncoding\":\"utf8\"}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"messageId\":\"msg_guard3\",\"attempt\":1,\"problem\":{\"reason\":\"invalid-json\",\"message\":\"the body is not JSON (Unexpected token 'o', \\\"not json, \\\"quoted\\\" é\\\" is not valid JSON)\"},\"filtered\":false,\"status\":400,\"delayMs\":0,\"latencyMs\":0,\"senderGone\":false,\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard3\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"21\",\"connection\":\"close\"},\"verified\":true,\"verification\":{\"ok\":true,\"id\":\"msg_guard3\",\"timestamp\":{TS},\"family\":\"svix\",\"signature\":\"v1,{SIG}\",\"secretIndex\":0},\"body\":\"not json, \\\"quoted\\\" é\",\"bodyEncoding\":\"utf8\"}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"messageId\":\"msg_guard4\",\"attempt\":1,\"filtered\":false,\"status\":401,\"delayMs\":0,\"latencyMs\":0,\"senderGone\":false,\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard4\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"4\",\"connection\":\"close\"},\"verified\":false,\"verification\":{\"ok\":false,\"reason\":\"no-matching-signature\",\"message\":\"no signature matched among 1 (v1): check that the secret is this endpoint’s and that the body is the raw bytes received\",\"family\":\"svix\",\"id\":\"msg_guard4\",\"timestamp\":{TS},\"skewSeconds\":0,\"versionsSeen\":[\"v1\"],\"toleranceSeconds\":300,\"receivedSignatures\":[\"v1,{SIG}\"],\"expectedSignatures\":[\"v1,{SIG}\"]},\"body\":\"//4AQQ==\",\"bodyEncoding\":\"base64\"}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"messageId\":\"msg_guard5\",\"attempt\":1,\"eventType\":\"file.deleted\",\"eventId\":\"event_guard2\",\"shape\":{\"ok\":false,\"path\":\"data.id\",\"message\":\"data.id is missing\"},\"filtered\":false,\"status\":503,\"policy\":{\"source\":\"respond\",\"rule\":\"file.deleted=503\",\"step\":1,\"steps\":1},\"delayMs\":0,\"latencyMs\":0,\"senderGone\":false,\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard5\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"109\",\"connection\":\"close\"},\"verified\":true,\"verification\":{\"ok\":true,\"id\":\"msg_guard5\",\"timestamp\":{TS},\"family\":\"svix\",\"signature\":\"v1,{SIG}\",\"secretIndex\":0},\"body\":\"{\\\"type\\\":\\\"file.deleted\\\",\\\"id\\\":\\\"event_guard2\\\",\\\"timestamp\\\":\\\"2026-01-02T03:04:06.000Z\\\",\\\"data\\\":{\\\"fileId\\\":\\\"file_1\\\"}}\",\"bodyEncoding\":\"utf8\"}",
  "{\"type\":\"rejected\",\"reason\":\"body-too-large\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"status\":413,\"message\":\"body of 2.9 KiB is over the 2 KiB limit (raise it with --max-body)\"}",
  "{\"type\":\"summary\",\"received\":6,\"verified\":4,\"failed\":2,\"unverified\":0,\"filtered\":0,\"forwarded\":2,\"forwardFailed\":0,\"rejected\":1,\"byType\":{\"task.completed\":3,\"(no type)\":2,\"file.deleted\":1},\"byStatus\":{\"202\":2,\"400\":1,\"401\":2,\"503\":1}}",
  "",
].join('\n');
const EXPECTED_HUMAN = [
  "scandocs-webhooks listen",
  "  url       http://127.0.0.1:{PORT} (any path)",
  "  secret    whsec_c2Nh•••••• (the built-in test secret; --print-secret shows it)",
  "  forward   task.* → http://127.0.0.1:{APP}/app (timeout 30s)",
  "  respond   file.deleted=503",
  "Ready: waiting for deliveries on http://127.0.0.1:{PORT} (Ctrl-C to stop)",
  "HH:MM:SS  POST /hooks/in  task.completed  event_guard1  ✓ verified  ⚠ task.completed: data.operation is missing (Scan Documents may have changed this event; check your handler)  → 202  {N}ms  ⇢ app 202 in {N}ms: {\"ok\":true}",
  "HH:MM:SS  POST /hooks/in  task.completed  event_guard1  ✓ verified  ↻ duplicate #2  ⚠ task.completed: data.operation is missing (Scan Documents may have changed this event; check your handler)  → 202  {N}ms  ⇢ app 202 in {N}ms: {\"ok\":true}",
  "HH:MM:SS  POST /hooks/in  task.completed  event_guard1  ✗ no-matching-signature: no signature matched among 1 (v1): check that the secret is this endpoint’s and that the body is the raw bytes received  → 401  {N}ms",
  "HH:MM:SS  POST /hooks/in  (no type)       -  ✓ verified  ✗ invalid-json: the body is not JSON (Unexpected token 'o', \"not json, \"quoted\" é\" is not valid JSON)  → 400  {N}ms",
  "HH:MM:SS  POST /hooks/in  (no type)       -  ✗ no-matching-signature: no signature matched among 1 (v1): check that the secret is this endpoint’s and that the body is the raw bytes received  → 401  {N}ms",
  "HH:MM:SS  POST /hooks/in  file.deleted    event_guard2  ✓ verified  ⚠ file.deleted: data.id is missing (Scan Documents may have changed this event; check your handler)  → 503 (--respond file.deleted=503: 1/1)  {N}ms",
  "HH:MM:SS  POST /hooks/in  ✗ body-too-large: body of 2.9 KiB is over the 2 KiB limit (raise it with --max-body)  → 413",
  "Stopped. 6 deliveries received: 4 verified, 2 failed verification, 2 forwarded",
  "  1 request rejected before verification (too large, malformed, too slow or aborted)",
  "  by type    task.completed 3 · (no type) 2 · file.deleted 1",
  "  answered   202 ×2 · 400 ×1 · 401 ×2 · 503 ×1",
  "",
].join('\n');

const EXPECTED_JOURNAL = [
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard1\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"132\",\"connection\":\"close\"},\"body\":\"{\\\"type\\\":\\\"task.completed\\\",\\\"id\\\":\\\"event_guard1\\\",\\\"timestamp\\\":\\\"2026-01-02T03:04:05.000Z\\\",\\\"data\\\":{\\\"taskId\\\":\\\"task_1\\\",\\\"status\\\":\\\"completed\\\"}}\",\"bodyEncoding\":\"utf8\",\"messageId\":\"msg_guard1\",\"eventType\":\"task.completed\",\"eventId\":\"event_guard1\",\"verification\":{\"ok\":true,\"id\":\"msg_guard1\",\"timestamp\":{TS},\"family\":\"svix\",\"signature\":\"v1,{SIG}\",\"secretIndex\":0},\"status\":202,\"latencyMs\":0,\"forward\":{\"url\":\"http://127.0.0.1:{APP}/app\",\"status\":202,\"latencyMs\":0},\"shape\":{\"ok\":false,\"path\":\"data.operation\",\"message\":\"data.operation is missing\"}}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard1\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"132\",\"connection\":\"close\"},\"body\":\"{\\\"type\\\":\\\"task.completed\\\",\\\"id\\\":\\\"event_guard1\\\",\\\"timestamp\\\":\\\"2026-01-02T03:04:05.000Z\\\",\\\"data\\\":{\\\"taskId\\\":\\\"task_1\\\",\\\"status\\\":\\\"completed\\\"}}\",\"bodyEncoding\":\"utf8\",\"messageId\":\"msg_guard1\",\"eventType\":\"task.completed\",\"eventId\":\"event_guard1\",\"verification\":{\"ok\":true,\"id\":\"msg_guard1\",\"timestamp\":{TS},\"family\":\"svix\",\"signature\":\"v1,{SIG}\",\"secretIndex\":0},\"status\":202,\"latencyMs\":0,\"forward\":{\"url\":\"http://127.0.0.1:{APP}/app\",\"status\":202,\"latencyMs\":0},\"shape\":{\"ok\":false,\"path\":\"data.operation\",\"message\":\"data.operation is missing\"}}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard2\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"132\",\"connection\":\"close\"},\"body\":\"{\\\"type\\\":\\\"task.completed\\\",\\\"id\\\":\\\"event_guard1\\\",\\\"timestamp\\\":\\\"2026-01-02T03:04:05.000Z\\\",\\\"data\\\":{\\\"taskId\\\":\\\"task_1\\\",\\\"status\\\":\\\"completed\\\"}}\",\"bodyEncoding\":\"utf8\",\"messageId\":\"msg_guard2\",\"eventType\":\"task.completed\",\"eventId\":\"event_guard1\",\"verification\":{\"ok\":false,\"reason\":\"no-matching-signature\",\"message\":\"no signature matched among 1 (v1): check that the secret is this endpoint’s and that the body is the raw bytes received\",\"family\":\"svix\",\"id\":\"msg_guard2\",\"timestamp\":{TS},\"skewSeconds\":0,\"versionsSeen\":[\"v1\"],\"toleranceSeconds\":300,\"receivedSignatures\":[\"v1,{SIG}\"],\"expectedSignatures\":[\"v1,{SIG}\"]},\"status\":401,\"latencyMs\":0}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard3\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"21\",\"connection\":\"close\"},\"body\":\"not json, \\\"quoted\\\" é\",\"bodyEncoding\":\"utf8\",\"messageId\":\"msg_guard3\",\"verification\":{\"ok\":true,\"id\":\"msg_guard3\",\"timestamp\":{TS},\"family\":\"svix\",\"signature\":\"v1,{SIG}\",\"secretIndex\":0},\"status\":400,\"latencyMs\":0}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard4\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"4\",\"connection\":\"close\"},\"body\":\"//4AQQ==\",\"bodyEncoding\":\"base64\",\"messageId\":\"msg_guard4\",\"verification\":{\"ok\":false,\"reason\":\"no-matching-signature\",\"message\":\"no signature matched among 1 (v1): check that the secret is this endpoint’s and that the body is the raw bytes received\",\"family\":\"svix\",\"id\":\"msg_guard4\",\"timestamp\":{TS},\"skewSeconds\":0,\"versionsSeen\":[\"v1\"],\"toleranceSeconds\":300,\"receivedSignatures\":[\"v1,{SIG}\"],\"expectedSignatures\":[\"v1,{SIG}\"]},\"status\":401,\"latencyMs\":0}",
  "{\"type\":\"delivery\",\"receivedAt\":\"{AT}\",\"method\":\"POST\",\"path\":\"/hooks/in\",\"headers\":{\"host\":\"127.0.0.1:{PORT}\",\"content-type\":\"application/json\",\"svix-id\":\"msg_guard5\",\"svix-timestamp\":\"{TS}\",\"svix-signature\":\"v1,{SIG}\",\"content-length\":\"109\",\"connection\":\"close\"},\"body\":\"{\\\"type\\\":\\\"file.deleted\\\",\\\"id\\\":\\\"event_guard2\\\",\\\"timestamp\\\":\\\"2026-01-02T03:04:06.000Z\\\",\\\"data\\\":{\\\"fileId\\\":\\\"file_1\\\"}}\",\"bodyEncoding\":\"utf8\",\"messageId\":\"msg_guard5\",\"eventType\":\"file.deleted\",\"eventId\":\"event_guard2\",\"verification\":{\"ok\":true,\"id\":\"msg_guard5\",\"timestamp\":{TS},\"family\":\"svix\",\"signature\":\"v1,{SIG}\",\"secretIndex\":0},\"status\":503,\"latencyMs\":0,\"shape\":{\"ok\":false,\"path\":\"data.id\",\"message\":\"data.id is missing\"}}",
  "",
].join('\n');
