import { listenerReplaySeams } from '../../inspector/seams.js';
import { DEFAULT_INSPECT_PORT, startInspector, type Inspector } from '../../inspector/server.js';
import { keptToken, stateDirectory } from '../../inspector/token-store.js';
import { compileRoutes, type ForwardTarget } from '../../listener/route.js';
import { DEFAULT_TEST_SECRET } from '../../signature/index.js';
import { parsePort } from '../parse/port.js';

/**
 * The inspector page beside the listener: 4040 (or the next free port) unless --inspect-port names one, never the
 * webhook port. Replays sign with the listener's first secret (the built-in test secret when none was given). Its
 * token is kept per user (--new-token makes a new one), so the same ports give the same URL from one start to the next.
 */
export async function startListenInspector(
  options: { inspectPort?: string; record?: string; newToken?: boolean },
  listen: { port: number; secret?: readonly string[]; skipVerify?: boolean; forwardTo?: readonly ForwardTarget[] },
  listenerUrl: () => string | undefined,
): Promise<{ inspector: Inspector; tokenProblem?: string }> {
  const port = options.inspectPort === undefined ? DEFAULT_INSPECT_PORT : parsePort(options.inspectPort, '--inspect-port');
  const kept = keptToken(stateDirectory(process.env), { rotate: options.newToken });
  // A taken or clashing port is worded with the flags by cli/shared/flag-words.ts, as the listener's own are.
  const inspector = await startInspector({
    token: kept.token,
    port,
    nextFreePort: options.inspectPort === undefined,
    avoidPorts: listen.port === 0 ? [] : [listen.port],
    journalPath: options.record,
    replay: listenerReplaySeams({
      secret: listen.skipVerify ? undefined : (listen.secret?.[0] ?? DEFAULT_TEST_SECRET),
      routes: compileRoutes(listen.forwardTo),
      listenerUrl,
    }),
  });
  return { inspector, tokenProblem: kept.problem };
}

