import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Issue 12: trigger, events and replay say what is wrong once, precisely, and never send what the user did not mean.
const dir = mkdtempSync(join(tmpdir(), 'scandocs-trigger-input-'));
const journal = join(dir, 'events.jsonl');
writeFileSync(journal, '');
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Runs the CLI (URL replaced by the test endpoint) and asserts a usage error: one stderr line, exit 2, nothing sent. */
async function usage(args: string[], line: string | RegExp): Promise<void> {
  const before = server.requests.length;
  const { code, stdout, stderr } = await runCli(args.map((a) => a.replace('URL', `${server.url}/webhooks`)));
  if (typeof line === 'string') expect(stderr).toBe(`${line.replaceAll('URL', `${server.url}/webhooks`)}\n`);
  else expect(stderr).toMatch(line);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stdout).toBe('');
  expect(code).toBe(2);
  expect(server.requests.length).toBe(before);
}

describe('--set paths must exist; --set-new adds', () => {
  it('trigger --set with a misspelt path is an error naming the closest existing path', () =>
    usage(
      ['trigger', 'file.created', '--set', 'data.propertes.size=0', '--url', 'URL'],
      'error: --set "data.propertes.size=0": the event has no data.propertes: did you mean data.properties.size? (use --set-new data.propertes.size=… to add a field)',
    ));

  it('events --set with a misspelt path is the same error', () =>
    usage(
      ['events', 'file.created', '--set', 'data.propertes.size=0'],
      'error: --set "data.propertes.size=0": the event has no data.propertes: did you mean data.properties.size? (use --set-new data.propertes.size=… to add a field)',
    ));

  it('trigger --set with an index past the end of an array is an error', () =>
    usage(
      ['trigger', 'task.completed', '--variant', 'convert', '--set', 'data.result.generated_files.3.name=x.png', '--url', 'URL'],
      'error: --set "data.result.generated_files.3.name=x.png": index 3 is past the end of data.result.generated_files (length 1: indexes 0 to 0)',
    ));

  it('trigger --set-new adds a field the sample does not have, and sends it', async () => {
    const before = server.requests.length;
    const { code, stderr } = await runCli(['trigger', 'file.created', '--set-new', 'data.custom.flag=true', '--set', 'data.properties.size=0', '--url', `${server.url}/webhooks`]);
    // Issue 20: a field Scan Documents does not send is named in one warning line; the event is sent all the same.
    expect(stderr).toBe('warning: file.created: data.custom is not in the known shape: Scan Documents does not send this event (sent all the same)\n');
    expect(code).toBe(0);
    const sent = JSON.parse(server.requests[before]!.body.toString());
    expect(sent.data.custom).toEqual({ flag: true });
    expect(sent.data.properties.size).toBe(0);
  });
});

describe('the URL goes in --url, and -u works wherever --url does', () => {
  it('trigger task.completed http://… (no --url) says "did you mean --url …?"', () =>
    usage(['trigger', 'task.completed', 'URL'], 'error: "URL" is an argument, but the endpoint goes in --url: did you mean --url URL?'));

  it('trigger task.completed http://… --url … says the URL is not an event type', () =>
    usage(['trigger', 'task.completed', 'URL', '--url', 'URL'], 'error: "URL" is not an event type: did you mean --url URL? (drop it from the event types)'));

  it('check -u is --url', async () => {
    const { code, stderr } = await runCli(['check', '-u', 'notaurl']);
    expect(stderr).toMatch(/^error: --url "notaurl" is not an http\(s\) URL/);
    expect(code).toBe(2);
  });
});

describe('messages say what is wrong once, and every accepted form', () => {
  it('trigger --data with invalid JSON text names --data once', () =>
    usage(['trigger', '--data', '{x', '--url', 'URL'], /^error: --data is not valid JSON at line 1, column 2 \(.*\): fix it, or add --raw to send it anyway\n$/));

  it('trigger --timeout -5s says the duration is negative', () =>
    usage(['trigger', 'task.completed', '--timeout', '-5s', '--url', 'URL'], 'error: --timeout "-5s" is negative: use a duration of 0 or more, e.g. 500ms, 6s, 5m, 2h, 1m30s'));

  it('replay --since with a bad value lists durations, ISO dates and unix seconds', () =>
    usage(
      ['replay', journal, '--since', 'yesterday', '--url', 'URL'],
      'error: --since "yesterday" is neither a duration nor a time: use a duration back from now (10m, 2h, 1d), an ISO date (2026-11-28T12:00:00Z) or unix seconds',
    ));

  it('replay --since -5m says it is negative', () =>
    usage(['replay', journal, '--since', '-5m', '--url', 'URL'], /^error: --since "-5m" is negative: /));

  it('replay with a missing journal does not offer - (standard input), which replay does not read', () =>
    usage(
      ['replay', join(dir, 'missing.jsonl'), '--url', 'URL'],
      `error: cannot read journal file "${join(dir, 'missing.jsonl')}": no such file (pass the path of a file written by listen --record, e.g. events.jsonl)`,
    ));

  it('trigger --count 20 --duplicate counts 20 events, each sent twice', async () => {
    const { code, stdout } = await runCli(['trigger', 'task.created', '--count', '20', '--duplicate', '--url', `${server.url}/webhooks`]);
    expect(stdout).toMatch(/^→ sending 20 events, each twice with the same svix-id \(40 deliveries\)/m);
    expect(code).toBe(0);
  });
});
