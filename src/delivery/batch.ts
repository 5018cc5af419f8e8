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
 * Messages are pulled from the iterable as workers free up, so a large count is built while earlier events are
 * in flight instead of all up front. An aborted signal stops pulling, and the batch rejects with its reason.
 */
export async function deliverBatch(
  messages: Iterable<OutgoingMessage>,
  options: DeliveryOptions & { concurrency: number; clock?: () => number },
): Promise<BatchSummary> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const summary: BatchSummary = { total: 0, delivered: 0, failed: 0, attempts: 0, durationMs: 0 };
  const queue = messages[Symbol.iterator]();
  const worker = async () => {
    for (let next = queue.next(); !next.done && !options.signal?.aborted; next = queue.next()) {
      summary.total++;
      const outcome = await deliverMessage(next.value, options);
      summary.attempts += outcome.attempts;
      if (outcome.delivered) summary.delivered++;
      else summary.failed++;
    }
  };
  // Every worker ends before the batch settles, so an abort leaves nothing in flight behind it.
  const ended = await Promise.allSettled(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  options.signal?.throwIfAborted();
  for (const end of ended) if (end.status === 'rejected') throw end.reason;
  summary.durationMs = Math.round(clock() - started);
  return summary;
}

/**
 * Rehearses at-least-once delivery: `duplicate` follows every message with a second copy under the same
 * svix-id; `shuffle` sends the batch out of order (never in the original order when there are two or more).
 * Without a shuffle the messages stay lazy.
 */
export function arrangeBatch(
  messages: Iterable<OutgoingMessage>,
  options: { duplicate?: boolean; shuffle?: boolean; random?: () => number },
): Iterable<OutgoingMessage> {
  const arranged = options.duplicate ? duplicated(messages) : messages;
  return options.shuffle ? shuffled([...arranged], options.random ?? Math.random) : arranged;
}

function* duplicated(messages: Iterable<OutgoingMessage>): Generator<OutgoingMessage> {
  for (const message of messages) {
    yield message;
    yield { ...message, copy: 2 };
  }
}

function shuffled(messages: OutgoingMessage[], random: () => number): OutgoingMessage[] {
  if (messages.length < 2) return messages;
  const original = [...messages];
  for (let i = messages.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [messages[i], messages[j]] = [messages[j]!, messages[i]!];
  }
  // A shuffle can land on the original order (1 in 2 for two events): rotate so "out of order" always holds.
  if (messages.every((m, i) => m === original[i])) messages.push(messages.shift()!);
  return messages;
}
