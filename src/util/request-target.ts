/**
 * The one owner of how a received request target becomes a path, and how a recorded path is sent again: a request
 * must never choose where the tool sends anything (issue 19 defect 1).
 */

/** `http://host:port/x?y` (absolute-form, RFC 9112 §3.2.2): the scheme, then `://`. */
const ABSOLUTE_FORM = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * The path and query of a request target. An absolute-form target (`POST http://127.0.0.1:9/x`) is accepted, as
 * HTTP/1.1 requires of a server, but only its path and query are kept: the host it names is not the listener's
 * business and must never be where a replay goes. Origin-form targets (`/x`, even `//host:9/x`, which is a path
 * on this server) are kept as they are.
 */
export function requestPath(target: string): string {
  if (!ABSOLUTE_FORM.test(target)) return target;
  if (!URL.canParse(target)) return '/';
  const { pathname, search } = new URL(target);
  return `${pathname}${search}`;
}

/**
 * `path` (a recorded request target) on `base`'s origin, whatever the path holds: `new URL(path, base)` would let
 * `//evil:9/x` or `http://evil:9/x` pick the host. The origin is written first and the path after a `/`, so the
 * authority has ended before any byte of the path is read.
 */
export function urlOnOrigin(base: string | URL, path: string): URL {
  const origin = new URL(base).origin;
  const kept = requestPath(path);
  const url = new URL(`${origin}${kept.startsWith('/') ? '' : '/'}${kept}`);
  // Belt and braces: the construction above cannot move the origin, and this says so if it ever did.
  if (url.origin !== origin) throw new Error(`the recorded path ${JSON.stringify(path)} would leave ${origin}`);
  return url;
}
