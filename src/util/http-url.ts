import { InputError } from '../errors.js';

/** Whether `text` is a whole http(s) URL (a scheme-less `localhost:3000` is not). */
export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

/** The http(s) URL an option names; anything else is an InputError naming the option and showing the form. */
export function httpUrl(value: string | URL, option: string, example: string): URL {
  const text = String(value);
  if (!isHttpUrl(text)) throw new InputError('invalid-url', `${option} "${text}" is not an http(s) URL, e.g. ${example}`, { value: text });
  return new URL(text);
}
