import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FAKE_CLOUDFLARED = fileURLToPath(new URL('../fixtures/fake-cloudflared.cjs', import.meta.url));
/** A fake `@ngrok/ngrok` for the CLI, loaded through the SCANDOCS_WEBHOOKS_NGROK_MODULE test seam. */
export const FAKE_NGROK_MODULE = fileURLToPath(new URL('../fixtures/fake-ngrok.mjs', import.meta.url));

export interface FakeCloudflared {
  /** The temporary folder holding the `cloudflared` executable. */
  dir: string;
  /** The executable itself, for --cloudflared-path. */
  path: string;
  /** Where the fake writes one JSON line per event (started, stopped, died). */
  logFile: string;
  /** PATH with the fake first, then the real PATH (so node and the rest still resolve). */
  pathEnv: string;
  /** The environment a spawned CLI needs to find and drive the fake. */
  env(mode?: 'ok' | 'fail' | 'die' | 'silent'): Record<string, string>;
  events(): Promise<Array<{ event: string; pid: number; argv?: string[]; signal?: string }>>;
  remove(): Promise<void>;
}

/** Writes an executable `cloudflared` (our fake, run by this node) into a fresh temporary folder. */
export async function installFakeCloudflared(): Promise<FakeCloudflared> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-cloudflared-'));
  const path = join(dir, 'cloudflared');
  const logFile = join(dir, 'events.jsonl');
  await writeFile(path, `#!${process.execPath}\n${await readFile(FAKE_CLOUDFLARED, 'utf8')}`);
  await chmod(path, 0o755);
  const pathEnv = `${dir}${delimiter}${process.env.PATH ?? ''}`;
  return {
    dir,
    path,
    logFile,
    pathEnv,
    env: (mode = 'ok') => ({ PATH: pathEnv, FAKE_CLOUDFLARED_MODE: mode, FAKE_CLOUDFLARED_LOG: logFile }),
    async events() {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** True while a process with this pid exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A PATH naming only a folder that does not exist, so `cloudflared` cannot be found whatever the machine has. */
export const PATH_WITHOUT_CLOUDFLARED = join(tmpdir(), 'scandocs-webhooks-no-cloudflared-here');
