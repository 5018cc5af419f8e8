import { InputError } from '../../errors.js';
import { buildEvent } from '../../events/index.js';
import { loadShapeChecker } from '../../events/shape-loader.js';
import { EXIT_OK } from '../shared/errors.js';
import { createUi } from '../shared/ui.js';
import { printCatalog, printEvent, printScenarios, printShapeWarning } from './render.js';

export interface EventsCommandOptions {
  variant?: string;
  set?: string[];
  setNew?: string[];
  scenarios?: boolean;
  schema?: boolean;
  json?: boolean;
}

export async function runEvents(type: string | undefined, options: EventsCommandOptions): Promise<number> {
  const ui = createUi(options);
  if (options.scenarios || options.schema) {
    if (type !== undefined || options.variant !== undefined || options.set !== undefined || options.setNew !== undefined || (options.scenarios && options.schema)) {
      throw new InputError('usage', `${options.schema ? '--schema' : '--scenarios'} takes no type or other option: run it alone`);
    }
    if (options.scenarios) printScenarios(ui);
    // The schema is zod's to print: loaded only here (zod costs tens of milliseconds to load).
    else ui.line(JSON.stringify((await loadShapeChecker()).eventJsonSchema(), null, 2));
    return EXIT_OK;
  }
  if (type === undefined) {
    if (options.variant !== undefined || options.set !== undefined || options.setNew !== undefined) {
      throw new InputError('usage', 'name the event type first, e.g. scandocs-webhooks events task.completed --variant convert');
    }
    printCatalog(ui);
  } else {
    const event = buildEvent(type, { variant: options.variant, set: options.set, setNew: options.setNew });
    printEvent(ui, event);
    // Changed by hand: say when the result is not an event Scan Documents sends (it is printed all the same).
    if (options.set !== undefined || options.setNew !== undefined) printShapeWarning(event, (await loadShapeChecker()).checkShape(event));
  }
  return EXIT_OK;
}
