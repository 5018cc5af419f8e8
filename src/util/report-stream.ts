/** How long waitFor() waits by default, so a test whose delivery never comes fails instead of hanging. */
export const DEFAULT_WAIT_MS = 10_000;

export interface WaitOptions {
  timeoutMs?: number;
}

type Match<R> = R extends { type: infer T } ? T : never;

/**
 * The reports of a long-running engine (the listener), offered three ways: `on(type, handler)`, `waitFor(type |
 * predicate)`, and `for await … of`. The last `historyLimit` reports are kept, so a report that came before
 * anyone asked (a delivery that arrived while trigger() was still returning) is still found.
 */
export interface ReportStream<R extends { type: string }> {
  /** Calls `handler` with every later report of this type; returns the function that stops it. */
  on<T extends Match<R>>(type: T, handler: (report: Extract<R, { type: T }>) => void): () => void;
  /**
   * The first report of this type (or that the predicate accepts) that no earlier waitFor() returned: one
   * already received, else the next to come. Rejects after `timeoutMs` (10 s by default) or once the stream ends.
   */
  waitFor<T extends Match<R>>(type: T, options?: WaitOptions): Promise<Extract<R, { type: T }>>;
  waitFor(predicate: (report: R) => boolean, options?: WaitOptions): Promise<R>;
  /** Every report kept, then each new one, until the engine closes. */
  [Symbol.asyncIterator](): AsyncIterator<R>;
}

export interface ReportSource<R extends { type: string }> extends ReportStream<R> {
  push(report: R): void;
  /** No more reports: iterators finish, waiters reject. */
  end(): void;
}

interface Waiter<R> {
  accepts(report: R): boolean;
  resolve(report: R): void;
  reject(error: Error): void;
}

export function createReportStream<R extends { type: string }>(historyLimit: number, what: string): ReportSource<R> {
  // `first` is the sequence number of history[0], so iterators can tell what they have missed.
  let history: R[] = [];
  let first = 0;
  let ended = false;
  const taken = new WeakSet<R>();
  const handlers = new Map<string, Set<(report: R) => void>>();
  const waiters = new Set<Waiter<R>>();
  const wakers = new Set<() => void>();

  const matcher = (match: string | ((report: R) => boolean)) => (typeof match === 'string' ? (r: R) => r.type === match : match);

  return {
    push(report) {
      if (historyLimit > 0) {
        history.push(report);
        if (history.length > historyLimit * 2) {
          // Trimmed in halves rather than one at a time, so keeping the history costs no shift per report.
          first += history.length - historyLimit;
          history = history.slice(-historyLimit);
        }
      }
      handlers.get(report.type)?.forEach((handler) => handler(report));
      for (const waiter of waiters) {
        if (waiter.accepts(report)) {
          taken.add(report);
          waiter.resolve(report);
          break;
        }
      }
      wakers.forEach((wake) => wake());
    },
    end() {
      ended = true;
      for (const waiter of waiters) waiter.reject(new Error(`${what} closed before the report waited for arrived`));
      wakers.forEach((wake) => wake());
    },
    on(type, handler) {
      const set = handlers.get(type) ?? new Set();
      handlers.set(type, set);
      set.add(handler as (report: R) => void);
      return () => set.delete(handler as (report: R) => void);
    },
    waitFor(match: string | ((report: R) => boolean), options: WaitOptions = {}): Promise<never> {
      const accepts = matcher(match);
      const found = history.find((report) => !taken.has(report) && accepts(report));
      if (found) {
        taken.add(found);
        return Promise.resolve(found as never);
      }
      if (ended) return Promise.reject(new Error(`${what} is closed`));
      const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
      return new Promise((resolve, reject) => {
        const waiter: Waiter<R> = {
          accepts,
          resolve: (report) => (done(), resolve(report as never)),
          reject: (error) => (done(), reject(error)),
        };
        const timer = setTimeout(() => waiter.reject(new Error(`no ${typeof match === 'string' ? `${match} report` : 'matching report'} from ${what} within ${timeoutMs} ms`)), timeoutMs);
        const done = () => (clearTimeout(timer), waiters.delete(waiter));
        waiters.add(waiter);
      });
    },
    [Symbol.asyncIterator]() {
      let next = first;
      return {
        next: () =>
          new Promise<IteratorResult<R>>((resolve) => {
            const attempt = () => {
              next = Math.max(next, first);
              if (next - first < history.length) {
                wakers.delete(attempt);
                resolve({ value: history[next++ - first]!, done: false });
              } else if (ended) {
                wakers.delete(attempt);
                resolve({ value: undefined, done: true });
              } else {
                wakers.add(attempt);
              }
            };
            attempt();
          }),
        return: () => Promise.resolve({ value: undefined, done: true }),
      };
    },
  };
}
