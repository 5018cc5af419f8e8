import { InputError } from '../../errors.js';
import { OVERRIDE_EXAMPLES } from '../../events/overrides.js';
import { RECORDED_DELIVERY_HINT, type VerifyResult } from '../../signature/index.js';

/**
 * The core words its failures with option names; the CLI says the same with its flag names. This is the one place
 * that knows which flag each failure is about. An error it does not know is returned as it is.
 */
export function withFlagWords(error: InputError): InputError {
  const message = flagMessage(error);
  return message === undefined ? error : new InputError(error.code, message, error.details);
}

function flagMessage(error: InputError): string | undefined {
  const { code, details: d } = error;
  switch (code) {
    case 'port-in-use':
      if (d.kind === 'inspector') return `--inspect-port ${d.port} is in use: pass --inspect-port 0 for any free port, or --no-inspect`;
      return `port ${d.port} is in use: pass --port 0 for any free port, or stop the other process`;
    case 'port-not-allowed':
      return `not allowed to listen on port ${d.port}: ports below 1024 need privileges, use e.g. --port 4000`;
    case 'unwritable-file':
      return d.kind === 'journal' ? `cannot write --record file "${d.path}": ${d.why} (choose a writable file, e.g. --record ./events.jsonl)` : undefined;
    case 'unreadable-file':
      return d.kind === 'journal' ? `cannot read journal file "${d.path}": ${d.why} (pass the path of a file written by listen --record, e.g. events.jsonl)` : undefined;
    case 'unreachable-forward':
      return `--forward-to ${d.url} is unreachable: ${d.failure} (start your app first, or fix the URL)`;
    case 'unknown-check':
      // The list of valid checks is the core's; only the flag's name changes.
      return error.message.replace(` in ${d.kind}: `, ` in --${d.kind}: `);
    case 'usage':
      if (d.kind === 'inspector-on-webhook-port') return `--inspect-port ${d.port} is the webhook port (--port): a tunnel would publish the page; choose another`;
      return d.kind === 'none-left' ? 'no check left to run: --skip removes every check that --only selects' : undefined;
    case 'tunnel':
      return tunnelMessage(d);
    case 'invalid-override': {
      // The core names the change as given and shows examples; the CLI puts its flag before each.
      const flag = d.mode === 'setNew' ? '--set-new' : '--set';
      const message = error.message
        .replace(OVERRIDE_EXAMPLES.join(' or '), OVERRIDE_EXAMPLES.map((example) => `--set ${example}`).join(' or '))
        .replace('; setNew ', '; --set-new ')
        .replace('(use setNew ', '(use --set-new ');
      return `${flag} ${message}`;
    }
    default:
      return undefined;
  }
}

function tunnelMessage(d: InputError['details']): string | undefined {
  switch (d.kind) {
    case 'cloudflared-not-at-path':
      return `cloudflared not found at "${d.command}": fix --cloudflared-path, or ${d.hint}`;
    case 'cloudflared-missing':
      return `cloudflared is not installed (not found on PATH): ${d.hint}, or pass its location with --cloudflared-path`;
    case 'cloudflared-not-executable':
      return `cannot run "${d.command}": permission denied (make it executable with chmod +x, or point --cloudflared-path at the cloudflared binary)`;
    case 'ngrok-sdk':
      return `the ngrok SDK (@ngrok/ngrok) did not load on this platform (${d.reason}): run npm install again, or use --tunnel cloudflared`;
    default:
      return undefined;
  }
}

/** A verification result as the CLI shows it: a recorded delivery is checked with --at. */
export function verificationWithFlagWords<V extends VerifyResult>(result: V): V {
  if (result.ok || !result.message.endsWith(RECORDED_DELIVERY_HINT)) return result;
  return { ...result, message: `${result.message.slice(0, -RECORDED_DELIVERY_HINT.length)} (check with --at to verify a recorded delivery)` };
}
