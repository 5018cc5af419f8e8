import { InputError } from '../../errors.js';
import { customSchedule, FAST_SCHEDULE, NO_RETRIES, PRODUCTION_DELAYS_MS, productionSchedule, type Schedule } from '../../delivery/schedule.js';
import { parseDuration } from '../parse/duration.js';

/**
 * Parses `--schedule production|fast|<list>` with `--time-scale` and `--no-retries`. A list such as
 * `0,50ms,100ms` gives the local wait before each attempt (the first is immediate), at most one per production
 * attempt, so each still stands for a real production offset.
 */
export function parseSchedule(options: { schedule?: string; timeScale?: string; retries?: boolean }): Schedule {
  const text = (options.schedule ?? 'production').trim();
  const timeScale = options.timeScale === undefined ? undefined : parseTimeScale(options.timeScale);
  if (timeScale !== undefined && text !== 'production') {
    throw new InputError('usage', `--time-scale compresses the production schedule; --schedule ${text} already sets the waits: drop one of them`);
  }
  if (options.retries === false) {
    if (options.schedule !== undefined || timeScale !== undefined) {
      throw new InputError('usage', '--no-retries makes a single attempt: drop --schedule and --time-scale');
    }
    return NO_RETRIES;
  }
  if (text === 'production') return productionSchedule(timeScale);
  if (text === 'fast') return FAST_SCHEDULE;
  const example = 'e.g. --schedule 0,1s,2s,4s, or production, or fast';
  // A single word is a schedule name mistyped (`slow`), not a wait: list the names and the list form.
  if (!text.includes(',') && /^[a-z][a-z-]*$/i.test(text)) {
    throw new InputError('usage', `--schedule "${text}" is not a schedule: use production, fast, or a list of waits like 0,1s,2s,4s`);
  }
  const waitsMs = text.split(',').map((item) => {
    if (item.trim() === '') throw new InputError('usage', `--schedule "${text}" has an empty entry: ${example}`);
    return parseDuration(item, `--schedule entry`);
  });
  if (waitsMs[0] !== 0) throw new InputError('usage', `--schedule "${text}": the first attempt is immediate, so the list starts with 0 (${example})`);
  if (waitsMs.length > PRODUCTION_DELAYS_MS.length) {
    throw new InputError(
      'usage',
      `--schedule "${text}" has ${waitsMs.length} attempts; production makes at most ${PRODUCTION_DELAYS_MS.length}: give ${PRODUCTION_DELAYS_MS.length} entries or fewer`,
    );
  }
  return customSchedule(waitsMs);
}

function parseTimeScale(text: string): number {
  const value = Number(text.trim());
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value >= 1)) {
    throw new InputError('usage', `--time-scale "${text}" is not a number ≥ 1: it divides production delays, e.g. --time-scale 10000 (1 is real time)`);
  }
  return value;
}

