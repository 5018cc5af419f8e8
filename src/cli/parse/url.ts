import { InputError } from '../../errors.js';
import { isHttpUrl } from '../../util/http-url.js';

/** Parses the http(s) URL given to `flag`; anything else is bad input, answered with an example of the right form. */
export function parseHttpUrl(text: string, flag: string, example: string): URL {
  if (!isHttpUrl(text)) {
    throw new InputError('invalid-url', `${flag} "${text}" is not an http(s) URL: give the whole address, e.g. ${flag} ${example}`);
  }
  return new URL(text);
}
