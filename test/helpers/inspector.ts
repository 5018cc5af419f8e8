import { request } from 'node:http';
import { startCli, type CliOptions, type RunningCli } from './cli.js';

export interface RunningInspector {
  cli: RunningCli;
  /** The webhook endpoint. */
  url: string;
  /** The page's URL as printed, with its token. */
  inspectUrl: string;
  origin: string;
  port: number;
  token: string;
}

/** Starts the real `listen` with its inspector on a free port (never 4040, so parallel tests never collide). */
export async function listenWithInspector(args: string[] = [], options: CliOptions = {}): Promise<RunningInspector> {
  const cli = startCli(['listen', '--port', '0', '--inspect-port', '0', ...args], options);
  const [, inspectUrl] = await cli.waitFor(/inspect\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/);
  const [, url] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/[\d.:]+)/);
  const parsed = new URL(inspectUrl!);
  return { cli, url: url!, inspectUrl: inspectUrl!, origin: parsed.origin, port: Number(parsed.port), token: parsed.searchParams.get('token')! };
}

/** A raw HTTP request, so tests can send what fetch() refuses to (a foreign Host header). */
export function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A call to the inspector's JSON API, with its token as the page's scripts send it (a header, never the URL). */
export function inspectorApi(i: { origin: string; token: string }, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${i.origin}${path}`, { ...init, headers: { authorization: `Bearer ${i.token}`, ...(init.headers as Record<string, string>) } });
}

/** The body of an API answer, as the test reads it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(response: Promise<Response> | Response): Promise<any> {
  return (await response).json();
}
