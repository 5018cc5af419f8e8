import { listenerReplaySeams } from '../../inspector/seams.js';
import { DEFAULT_INSPECT_PORT, startInspector, type Inspector } from '../../inspector/server.js';
import { compileRoutes, type ForwardTarget } from '../../listener/route.js';
import { DEFAULT_TEST_SECRET } from '../../signature/index.js';
import { parsePort } from '../parse/port.js';

/**
 * The inspector page beside the listener: 4040 (or the next free port) unless --inspect-port names one, never the
 * webhook port. Replays sign with the listener's first secret (the built-in test secret when none was given).
 */
export async function startListenInspector(
  options: { inspectPort?: string; record?: string },
  listen: { port: number; secret?: readonly string[]; skipVerify?: boolean; forwardTo?: readonly ForwardTarget[] },
  listenerUrl: () => string | undefined,
): Promise<Inspector> {
  const port = options.inspectPort === undefined ? DEFAULT_INSPECT_PORT : parsePort(options.inspectPort, '--inspect-port');
  // A taken or clashing port is worded with the flags by cli/shared/flag-words.ts, as the listener's own are.
  return startInspector({
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
}

