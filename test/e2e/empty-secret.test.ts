import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Issue 12: `--secret "$UNSET_VAR"` arrives as --secret '' and used to fall back silently to the test secret
// (trigger, sign, check and replay exited 0). It is an error on every command that takes --secret.
const dir = mkdtempSync(join(tmpdir(), 'scandocs-empty-secret-'));
const journal = join(dir, 'events.jsonl');
writeFileSync(journal, '');

const commands: Array<[string, string[]]> = [
  ['trigger', ['trigger', 'task.completed', '--url', 'http://127.0.0.1:9/webhooks']],
  ['sign', ['sign', '--payload', '{}']],
  ['check', ['check', '--url', 'http://127.0.0.1:9/webhooks']],
  ['replay', ['replay', journal, '--url', 'http://127.0.0.1:9/webhooks']],
  ['verify', ['verify', '--payload', '{}', '--id', 'msg_1']],
  ['listen', ['listen', '--port', '0']],
];

describe("--secret '' is an error on every command", () => {
  for (const [name, args] of commands) {
    it(`${name} --secret '' exits 2 saying the secret is empty`, async () => {
      const { code, stdout, stderr } = await runCli([...args, '--secret', ''], { timeoutMs: 10_000 });
      expect(stderr).toBe('error: --secret is empty (an unset variable?): pass the endpoint secret, e.g. --secret whsec_…, or leave --secret out to use the test secret\n');
      expect(stdout).toBe('');
      expect(code).toBe(2);
    });
  }
});
