/**
 * The shape checker, loaded on first use: it brings zod, which `--help`, plain `trigger` and every command that
 * does not validate must not pay for (bench/startup.js, test/e2e/events-schema.test.ts).
 */
export type ShapeModule = typeof import('./shape.js');

let loading: Promise<ShapeModule> | undefined;

export function loadShapeChecker(): Promise<ShapeModule> {
  loading ??= import('./shape.js');
  return loading;
}
