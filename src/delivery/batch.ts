import { deliverMessage, type DeliveryOptions, type OutgoingMessage } from './deliver.js';

export interface BatchSummary {
  total: number;
  delivered: number;
  failed: number;
  /** Every attempt made, retries included. */
  attempts: number;
  durationMs: number;
}

/**
 * Delivers messages with at most `concurrency` in flight, in the order given: each message runs its own retry
 * loop, so a slow or failing one does not hold the others back (as with Svix, there is no ordering guarantee).
 */
export async function deliverBatch(
  messages: readonly OutgoingMessage[],
  options: DeliveryOptions & { concurrency: number; clock?: () => number },
): Promise<BatchSummary> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const summary: BatchSummary = { total: messages.length, delivered: 0, failed: 0, attempts: 0, durationMs: 0 };
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const message = messages[next++]!;
      const outcome = await deliverMessage(message, options);
      summary.attempts += outcome.attempts;
      if (outcome.delivered) summary.delivered++;
      else summary.failed++;
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, messages.length));
  await Promise.all(Array.from({ length: workers }, worker));
  summary.durationMs = Math.round(clock() - started);
  return summary;
}

/**
 * Rehearses at-least-once delivery: `duplicate` follows every message with a second copy under the same
 * svix-id; `shuffle` sends the batch out of order (never in the original order when there are two or more).
 */
export function arrangeBatch(
  messages: readonly OutgoingMessage[],
  options: { duplicate?: boolean; shuffle?: boolean; random?: () => number },
): OutgoingMessage[] {
  const random = options.random ?? Math.random;
  const arranged = options.duplicate ? messages.flatMap((m) => [m, { ...m, copy: 2 }]) : [...messages];
  if (!options.shuffle || arranged.length < 2) return arranged;
  const original = [...arranged];
  for (let i = arranged.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [arranged[i], arranged[j]] = [arranged[j]!, arranged[i]!];
  }
  // A shuffle can land on the original order (1 in 2 for two events): rotate so "out of order" always holds.
  if (arranged.every((m, i) => m === original[i])) arranged.push(arranged.shift()!);
  return arranged;
}
