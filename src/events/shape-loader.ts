/**
 * The shape checker, loaded on first use: it brings zod, which `--help`, plain `trigger` and every command that
 * does not validate must not pay for (bench/startup.js, test/e2e/events-schema.test.ts).
 */
export type ShapeModule = typeof import('./shape.js');

let loading: Promise<ShapeModule> | undefined;
let loaded: ShapeModule | undefined;

export function loadShapeChecker(): Promise<ShapeModule> {
  loading ??= import('./shape.js').then((module) => (loaded = module));
  return loading;
}

/** The checker if something has loaded it already (listen does, when it verifies), without loading it. */
export function loadedShapeChecker(): ShapeModule | undefined {
  return loaded;
}
