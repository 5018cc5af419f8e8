/**
 * Settles like `promise`, or rejects with `onTimeout()` once `ms` have passed, whichever comes first.
 * The timer is cleared as soon as the promise settles, so it never holds the process open on its own.
 */
export function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
