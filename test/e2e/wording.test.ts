import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Issue 22 ("consistent wording"): every missing required option or argument says the same thing the same way;
// --schedule lists its forms; broken --data JSON says where, in one line; the library names a missing url.
async function usage(args: string[], line: string): Promise<void> {
  const { code, stdout, stderr } = await runCli(args);
  expect(stderr).toBe(`${line}\n`);
  expect(stdout).toBe('');
  expect(code).toBe(2);
}

describe('missing required options and arguments', () => {
  it('sign without --payload', () =>
    usage(['sign'], 'error: --payload is required: the raw body (literal text, @file, or - for standard input); see scandocs-webhooks sign --help'));
  it('verify without --payload', () =>
    usage(['verify'], 'error: --payload is required: the raw body (literal text, @file, or - for standard input); see scandocs-webhooks verify --help'));
  it('replay without its journal names it', () =>
    usage(['replay'], 'error: the <journal> argument is required: the journal to resend, written by `listen --record`, e.g. events.jsonl; see scandocs-webhooks replay --help'));
  it('trigger with nothing to send says so before looking for a listener', () =>
    usage(['trigger'], 'error: name at least one event type (file.created, file.deleted, task.created, task.completed, task.failed, task.deleted), or --all, or --scenario convert, or --data @event.json'));
});

describe('--schedule and --data', () => {
  it('--schedule slow lists production, fast or a list', () =>
    usage(['trigger', 'task.created', '--schedule', 'slow', '--url', 'http://127.0.0.1:9/webhooks'], 'error: --schedule "slow" is not a schedule: use production, fast, or a list of waits like 0,1s,2s,4s'));
  it('--data with an unexpected token on line 2 says line and column, on one line', () =>
    usage(['trigger', '--data', '{"a":1,\n"b":}', '--url', 'http://127.0.0.1:9/webhooks'], "error: --data is not valid JSON at line 2, column 5 (Unexpected token '}'): fix it, or add --raw to send it anyway"));
  it('--data cut short says where it ends', () =>
    usage(['trigger', '--data', '{"a":', '--url', 'http://127.0.0.1:9/webhooks'], 'error: --data is not valid JSON at line 1, column 6 (Unexpected end of JSON input): fix it, or add --raw to send it anyway'));
});

describe('the library', () => {
  it("trigger({}) and check({}) say that url is missing, not that 'undefined' is no URL", async () => {
    const { trigger, check, replay } = await import('../../src/index.js');
    await expect(trigger({} as never)).rejects.toThrow("url is missing: pass the endpoint, e.g. url: 'http://127.0.0.1:3000/webhooks'");
    await expect(replay({ journal: 'x' } as never)).rejects.toThrow('url is missing');
    await expect(check({} as never)).rejects.toThrow("url is missing: pass the endpoint, e.g. url: 'http://localhost:3000/webhooks'");
  });
});
