import { chmodSync, linkSync, lstatSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { newToken } from './security.js';

/** What a token looks like (newToken: 24 random bytes, base64url): anything else in the file is not ours. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{32}$/;
const FILE_NAME = 'inspector-token';

export interface KeptToken {
  token: string;
  /** The file it is kept in, when it could be kept. */
  file?: string;
  /** Why it could not be kept (the URL then changes at the next start). */
  problem?: string;
}

/**
 * The per-user state directory, as the XDG base directory spec places it: $XDG_STATE_HOME (when absolute), else
 * ~/.local/state, then this tool's own folder.
 */
export function stateDirectory(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'scandocs-webhooks');
}

/**
 * The inspector's token, created once per user and kept, so the same ports give the same URL after a restart and an
 * open page's cookie still holds (issue 23). It lives in a 0600 file in a 0700 directory: a file another user could
 * read or write, or that is not a plain file of this user's, is not trusted and is replaced. `rotate` replaces it
 * on purpose, which signs every open page and bookmark out.
 */
export function keptToken(directory: string, options: { rotate?: boolean } = {}): KeptToken {
  const file = join(directory, FILE_NAME);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const dir = lstatSync(directory);
    if (!dir.isDirectory()) return { token: newToken(), problem: `${directory} is not a directory` };
    if (!ownedByMe(dir.uid)) return { token: newToken(), problem: `${directory} belongs to another user` };
    if ((dir.mode & 0o077) !== 0) chmodSync(directory, 0o700);
    if (!options.rotate) {
      const existing = readTrusted(file);
      if (existing) return { token: existing, file };
    }
    return { token: writeToken(directory, file, !options.rotate && !exists(file)), file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOTDIR' || code === 'EEXIST'
            ? 'a part of that path is a file, not a folder'
            : (code ?? String(error));
    return { token: newToken(), problem: `cannot keep it in ${file}: ${why}` };
  }
}

/** The token in the file, if the file is this user's alone and holds one; otherwise undefined. */
function readTrusted(file: string): string | undefined {
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile() || !ownedByMe(stat.uid) || (stat.mode & 0o077) !== 0) return undefined;
  const token = readFileSync(file, 'utf8').trim();
  return TOKEN_FORMAT.test(token) ? token : undefined;
}

/**
 * Writes a new token whole before it is visible: into a private temporary file, then linked into place when the file
 * is new (two listeners starting at once then agree on the first one's token) or renamed over the old one.
 */
function writeToken(directory: string, file: string, first: boolean): string {
  const token = newToken();
  const temporary = join(directory, `.${FILE_NAME}.${process.pid}.${token.slice(0, 8)}`);
  writeFileSync(temporary, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (first) {
      try {
        linkSync(temporary, file);
        return token;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const theirs = readTrusted(file);
        if (theirs) return theirs;
      }
    }
    renameSync(temporary, file);
    return token;
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // Renamed into place: nothing left to remove.
    }
  }
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function ownedByMe(uid: number): boolean {
  return process.getuid === undefined || uid === process.getuid();
}
