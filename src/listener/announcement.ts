import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * How a running listener tells `trigger`, `replay` and `check` on the same machine where it is, so they need no
 * URL (as `stripe trigger` needs none). One small JSON file per listener in a directory only its user can read:
 * the file says where it listens and which *kind* of secret it verifies with, never the secret itself.
 */
export interface ListenerAnnouncement {
  pid: number;
  /** The URL to post deliveries to. */
  url: string;
  /** When the listener became ready, in ms since the epoch: the most recent live one is chosen. */
  startedAt: number;
  /**
   * Where its secret came from ('option': given explicitly; 'env': the environment variable; 'default': the
   * built-in test secret), or 'none' when it does not verify. A sender resolving its secret from another source
   * probably signs with another secret, and can say so before the first 401.
   */
  secretSource: 'option' | 'env' | 'default' | 'none';
}

const FILE = /^listen-(\d+)\.json$/;

/**
 * The private directory: $XDG_RUNTIME_DIR/scandocs-webhooks (a per-user, 0700 directory by the XDG spec), else
 * one named after the uid in the temporary directory. Read at each call so tests can redirect it.
 */
export function announcementDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'scandocs-webhooks');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(env.TMPDIR || tmpdir(), `scandocs-webhooks-${uid}`);
}

/**
 * A directory in a shared /tmp could have been made by someone else, to read or plant announcements: it is used
 * only when it is a real directory (not a symlink), owned by this user, and closed to everyone else.
 */
function isPrivateDirectory(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    const ownUid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
    return stat.isDirectory() && !stat.isSymbolicLink() && stat.uid === ownUid && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/**
 * Writes this process's announcement (0600, via a rename so a reader never sees half a file) and returns the
 * function that removes it. Announcing is a convenience: when the directory cannot be made private, it is skipped
 * and `undefined` is returned, rather than failing the listener.
 */
export function announceListener(announcement: Omit<ListenerAnnouncement, 'pid' | 'startedAt'>, env: NodeJS.ProcessEnv = process.env): (() => void) | undefined {
  const dir = announcementDirectory(env);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isPrivateDirectory(dir)) return undefined;
    const file = join(dir, `listen-${process.pid}.json`);
    const partial = `${file}.${Date.now()}.tmp`;
    const record: ListenerAnnouncement = { pid: process.pid, startedAt: Date.now(), ...announcement };
    writeFileSync(partial, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    chmodSync(partial, 0o600);
    renameSync(partial, file);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      try {
        unlinkSync(file);
      } catch {
        // Already gone (cleaned by another run after a crash): nothing to do.
      }
    };
  } catch {
    return undefined;
  }
}

/**
 * The most recently started listener still alive, or undefined. Entries whose process is gone (killed before it
 * could clean up) are ignored and removed, as are files that do not parse.
 */
export function findRunningListener(env: NodeJS.ProcessEnv = process.env): ListenerAnnouncement | undefined {
  const dir = announcementDirectory(env);
  if (!isPrivateDirectory(dir)) return undefined;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const alive: ListenerAnnouncement[] = [];
  for (const name of names) {
    const match = FILE.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    const record = readAnnouncement(path);
    if (record && record.pid === Number(match[1]) && isAlive(record.pid)) alive.push(record);
    else removeQuietly(path);
  }
  return alive.sort((a, b) => b.startedAt - a.startedAt)[0];
}

function readAnnouncement(path: string): ListenerAnnouncement | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<ListenerAnnouncement>;
    const sources = ['option', 'env', 'default', 'none'];
    if (typeof value.pid !== 'number' || typeof value.url !== 'string' || typeof value.startedAt !== 'number' || !sources.includes(value.secretSource as string)) {
      return undefined;
    }
    // A listener serves plain http; anything else in the file did not come from one.
    if (new URL(value.url).protocol !== 'http:') return undefined;
    return value as ListenerAnnouncement;
  } catch {
    return undefined;
  }
}

/** Signal 0 tests for a process without touching it: ESRCH means it is gone; EPERM means it lives (as another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Another run cleaned it first.
  }
}
