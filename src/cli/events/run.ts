import { InputError } from '../../errors.js';
import { buildEvent } from '../../events/index.js';
import { EXIT_OK } from '../shared/errors.js';
import { createUi } from '../shared/ui.js';
import { printCatalog, printEvent } from './render.js';

export interface EventsCommandOptions {
  variant?: string;
  set?: string[];
  setNew?: string[];
  json?: boolean;
}

export function runEvents(type: string | undefined, options: EventsCommandOptions): number {
  const ui = createUi(options);
  if (type === undefined) {
    if (options.variant !== undefined || options.set !== undefined || options.setNew !== undefined) {
      throw new InputError('usage', 'name the event type first, e.g. scandocs-webhooks events task.completed --variant convert');
    }
    printCatalog(ui);
  } else {
    const event = buildEvent(type, { variant: options.variant, set: options.set, setNew: options.setNew });
    printEvent(ui, event);
  }
  return EXIT_OK;
}
