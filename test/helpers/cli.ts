import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real launcher, exactly as `npx scandocs-webhooks` runs it (tests run against the built dist/). */
export const BIN = fileURLToPath(new URL('../../bin/scandocs-webhooks.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  cwd?: string;
  /** Kill the process after this long (a bound on every test). Default 20 s. */
  timeoutMs?: number;
}

/**
 * One private runtime directory per test file (issue 22): a `listen` a test starts announces itself there, so
 * `trigger` without --url finds it, and never a listener of another test file or another session on this machine.
 * A test that needs its own (no listener at all, say) passes XDG_RUNTIME_DIR in `env`.
 */
export const RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'scandocs-test-runtime-'));

/**
 * Per-user state (the inspector's token file) goes to a directory of this test file's own, never the developer's:
 * parallel test files and sessions on one machine must not share a token (issue 23). A test may pass its own.
 */
export const TEST_STATE_HOME = mkdtempSync(join(tmpdir(), 'scandocs-state-'));

/** The environment every spawned CLI gets unless a test overrides it: see RUNTIME_DIR and TEST_STATE_HOME. */
export const ISOLATED_ENV = { XDG_RUNTIME_DIR: RUNTIME_DIR, TMPDIR: RUNTIME_DIR, XDG_STATE_HOME: TEST_STATE_HOME };

/** Colour off, no inherited secret, a private runtime directory: output is stable whatever the shell exports. */
export function testEnv(extra: CliOptions['env'] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, SCANDOCS_WEBHOOK_SECRET: undefined, ...ISOLATED_ENV };
  for (const [k, v] of Object.entries(extra)) env[k] = v;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: testEnv(options.env), cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal (SIGINT by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running command (listen) and lets the test wait for lines and stop it. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: testEnv(options.env), cwd: options.cwd });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  child.stdout.on('data', (d) => ((out += d), notify()));
  child.stderr.on('data', (d) => ((err += d), notify()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => (notify(), resolve(code))));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  exited.then(() => clearTimeout(killTimer));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (out + err).match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (child.exitCode !== null) {
            cleanup();
            reject(new Error(`process exited (${child.exitCode}) before ${pattern}:\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}:\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
