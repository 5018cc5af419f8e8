import { InputError } from '../../src/errors.js';

/** The InputError `run` throws or rejects with; anything else (or nothing) fails the test. */
export async function inputErrorOf(run: () => unknown): Promise<InputError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}
