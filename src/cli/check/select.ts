import { selectChecks as selectFromBattery, type Check, type CheckSelection } from '../../check/index.js';
import { InputError } from '../../errors.js';
import { withFlagWords } from '../shared/flag-words.js';

/** selectChecks() for --only and --skip: the same choice, its failures said with the flags' names. */
export function selectChecks(battery: readonly Check[], selection: CheckSelection): Check[] {
  try {
    return selectFromBattery(battery, selection);
  } catch (error) {
    throw error instanceof InputError ? withFlagWords(error) : error;
  }
}
