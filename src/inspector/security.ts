import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A random token, printed in the inspector's URL: anyone without it (another local user, a web page) is refused. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The Host names a browser uses for this page. Anything else is refused: a DNS-rebinding page on evil.example that
 * resolves to 127.0.0.1 reaches the port but sends `Host: evil.example`.
 */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/** The cookie carries the port: cookies are shared by every port of a host, and two listeners must not clash. */
export function cookieName(port: number): string {
  return `scandocs_inspector_${port}`;
}

export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  // Constant time, so the token cannot be guessed a character at a time from response times.
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token a request carries: the page's cookie or a script's `Authorization: Bearer`. Never `?token=`: the page
 * URL alone takes it there, once, to trade it for the cookie (pageToken); on an API URL it would land in proxy
 * logs and shell history (issue 19).
 */
export function requestToken(req: IncomingMessage, port: number): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** The `?token=` of the page URL that listen prints: accepted on that URL only, where it becomes the cookie. */
export function pageToken(url: URL): string | undefined {
  return url.searchParams.get('token') ?? undefined;
}

/**
 * A POST from another origin is refused even with the cookie (SameSite=Strict already keeps it out of most):
 * the Origin a browser sends must be this page's own; scripts (curl) send none and use the token.
 */
export function originAllowed(req: IncomingMessage, hosts: Set<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return req.headers['sec-fetch-site'] === undefined || req.headers['sec-fetch-site'] === 'same-origin';
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && hosts.has(url.host);
  } catch {
    return false;
  }
}

/** Nothing but this origin: no inline script, no CDN, no fonts, no framing. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // The first URL carries the token; it must not leak to another site in a Referer.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};
