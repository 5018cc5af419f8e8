/**
 * The event catalog: the six Scan Documents event types, one realistic fixture per type and variant
 * (fixtures/ at the repo root), and the builder that turns a fixture into a fresh event with overrides.
 */
import { buildEvent } from './build.js';
import { listFixtures } from './catalog.js';
import { EVENT_TYPES, type EventType } from './types.js';

export { EVENT_TYPES, TASK_OPERATIONS, type EventType, type TaskOperation, type ScanDocumentsEvent, type FixtureInfo } from './types.js';
export { listFixtures } from './catalog.js';
export { buildEvent, type BuildEventOptions } from './build.js';
export { applyOverrides, type Override, type Overrides } from './overrides.js';
export { newEventId } from './event-id.js';
export { buildScenario } from './scenario-text.js';
export { listScenarios, scenarioBuilder, builtInScenario, type ScenarioDefinition, type ScenarioStepSpec, type ScenarioEvent, type ScenarioInfo } from './scenario.js';
export { parseScenarioFile } from './scenario-file.js';
export { freshEvent, buildLifecycle, LIFECYCLE_OPERATIONS, type FreshEventOptions, type LifecycleOptions, type LifecycleStep } from './lifecycle.js';

/** The catalog as one object, for `import { fixtures } from 'scandocs-webhooks'`. */
export const fixtures: { types: readonly EventType[]; list: typeof listFixtures; build: typeof buildEvent } = {
  types: EVENT_TYPES,
  list: listFixtures,
  build: buildEvent,
};
