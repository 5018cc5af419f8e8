import { InputError } from '../../errors.js';

/**
 * Parses a `"name: value"` flag (`--header`, `--fail-header`): the name must be a valid HTTP header name and the
 * value must not break the line, or the request it goes into would be refused or split.
 */
export function parseHeaderLine(text: string, flag: string, example: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  const value = colon > 0 ? text.slice(colon + 1).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n]/.test(value)) {
    throw new InputError('invalid-headers', `${flag} "${text}" is not "name: value", e.g. ${flag} ${example}`);
  }
  return [name, value];
}
