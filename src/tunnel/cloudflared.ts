import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import { within } from '../util/within.js';
import { DEFAULT_TUNNEL_HOST, DEFAULT_TUNNEL_TIMEOUT_MS, type Tunnel, type TunnelStartOptions } from './types.js';

export interface CloudflaredConfig {
  provider: 'cloudflared';
  /** The binary to run: `cloudflared` from PATH by default. */
  command?: string;
  /** Seam for tests; node:child_process spawn by default. */
  spawn?: typeof nodeSpawn;
}

/** The quick-tunnel hostname in cloudflared's banner; `api.trycloudflare.com` (in its error lines) is not one. */
const QUICK_TUNNEL_URL = /https:\/\/(?!api\.)[a-z0-9-]+\.trycloudflare\.com/i;
/** On SIGTERM cloudflared drains connections for up to its 30 s grace period; Ctrl-C should not wait that long. */
const STOP_GRACE_MS = 3_000;
const KILL_WAIT_MS = 2_000;
/** Output lines kept to explain a failure. */
const KEPT_LINES = 20;

export const CLOUDFLARED_INSTALL_HINT =
  'install it (macOS: brew install cloudflared; Linux and Windows: https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/)';

/**
 * Runs `cloudflared tunnel --url http://HOST:PORT` (a quick tunnel: no account, a random trycloudflare.com name),
 * reads the public URL from its banner, and stops the process on `stop()`.
 */
export async function startCloudflared(config: CloudflaredConfig, options: TunnelStartOptions): Promise<Tunnel> {
  const { port, host = DEFAULT_TUNNEL_HOST, timeoutMs = DEFAULT_TUNNEL_TIMEOUT_MS, onReport = () => {}, signal } = options;
  const command = config.command ?? 'cloudflared';
  onReport({ type: 'tunnel-starting', provider: 'cloudflared' });

  const child = (config.spawn ?? nodeSpawn)(command, ['tunnel', '--url', `http://${host}:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  // 'close' (not 'exit') so the last lines of output are in `recent` when we explain why it ended.
  const closed = new Promise<string>((resolve) => child.once('close', (code, signal) => resolve(describeExit(code, signal))));
  let stopping = false;

  const urlShown = new Promise<string>((resolve, reject) => {
    const onLine = (line: string) => {
      recent.push(line);
      if (recent.length > KEPT_LINES) recent.shift();
      const match = QUICK_TUNNEL_URL.exec(line);
      if (match) resolve(match[0]);
    };
    // cloudflared logs to stderr; read stdout too in case a version or wrapper prints there.
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
    }
    child.once('error', (error) => reject(spawnError(error as NodeJS.ErrnoException, command, config.command !== undefined)));
    void closed.then((how) =>
      reject(new InputError('tunnel', `cloudflared ${how} before giving a public URL: ${lastWords(recent)}`)),
    );
  });

  let url: string;
  try {
    url = await within(urlShown, timeoutMs, () => {
      return new InputError('tunnel', `cloudflared gave no public URL within ${formatDuration(timeoutMs)}: ${lastWords(recent)}`);
    }, signal);
  } catch (error) {
    await terminate(child, closed);
    throw error;
  }
  onReport({ type: 'tunnel-ready', provider: 'cloudflared', url });

  // A death we did not ask for: the public URL is gone, but the local listener is fine and keeps running.
  void closed.then((how) => {
    if (!stopping) onReport({ type: 'tunnel-exited', provider: 'cloudflared', reason: `cloudflared ${how}: ${lastWords(recent)}` });
  });

  let stopped: Promise<void> | undefined;
  return {
    provider: 'cloudflared',
    url,
    stop() {
      stopping = true;
      stopped ??= terminate(child, closed).then(() => onReport({ type: 'tunnel-closed', provider: 'cloudflared' }));
      return stopped;
    },
  };
}

/** SIGTERM, then SIGKILL if it has not gone after STOP_GRACE_MS. Resolves once it is gone (or after a bound). */
async function terminate(child: ChildProcess, closed: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const gone = await within(closed, STOP_GRACE_MS, () => new Error('still running')).then(
    () => true,
    () => false,
  );
  if (gone) return;
  child.kill('SIGKILL');
  await within(closed, KILL_WAIT_MS, () => new Error('still running')).catch(() => {});
}

/**
 * Why `command` cannot be run, checked before anything starts, or undefined when it can: a missing binary must stop
 * `listen` before it reports ready, not after its banner. A bare name is looked up on `path` as spawn would.
 */
export function findCloudflaredProblem(command: string | undefined, path = process.env.PATH ?? ''): InputError | undefined {
  const given = command !== undefined;
  const name = command ?? 'cloudflared';
  const candidates = name.includes('/') ? [name] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  let denied: string | undefined;
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
    } catch {
      continue;
    }
    try {
      accessSync(candidate, constants.X_OK);
      return undefined;
    } catch {
      denied ??= candidate;
    }
  }
  const code = denied ? 'EACCES' : 'ENOENT';
  return spawnError(Object.assign(new Error(code), { code }), denied ?? name, given);
}

function spawnError(error: NodeJS.ErrnoException, command: string, given: boolean): InputError {
  if (error.code === 'ENOENT') {
    return new InputError(
      'tunnel',
      given
        ? `cloudflared not found at "${command}": fix the path to it, or ${CLOUDFLARED_INSTALL_HINT}`
        : `cloudflared is not installed (not found on PATH): ${CLOUDFLARED_INSTALL_HINT}, or give the path to it`,
      { kind: given ? 'cloudflared-not-at-path' : 'cloudflared-missing', command, hint: CLOUDFLARED_INSTALL_HINT },
    );
  }
  if (error.code === 'EACCES') {
    return new InputError('tunnel', `cannot run "${command}": permission denied (make it executable with chmod +x, or give the path to the cloudflared binary)`, {
      kind: 'cloudflared-not-executable',
      command,
    });
  }
  return new InputError('tunnel', `cannot run "${command}": ${error.message}`);
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was stopped by ${signal}` : `exited with code ${code}`;
}

/** The line that best explains a failure: the last error line cloudflared logged, without its timestamp and level. */
function lastWords(lines: string[]): string {
  const strip = (line: string) => line.replace(/^\S+\s+(INF|WRN|ERR|FTL|DBG)\s+/, '').trim();
  const meaningful = lines.filter((line) => strip(line));
  const errorLine = [...meaningful].reverse().find((line) => /\s(ERR|FTL)\s|error|failed/i.test(line));
  const chosen = errorLine ?? meaningful.at(-1);
  return chosen ? strip(chosen) : 'it printed nothing';
}
