/**
 * Why JSON.parse refused `text`, and where, in one line: V8's reason without the text it quotes (which can hold
 * line breaks), and " at line L, column C" (empty when no place can be named). The one wording for --data, flow
 * files and anything else a user types as JSON.
 */
export function describeJsonError(text: string, error: unknown): { reason: string; where: string } {
  const reason = String((error as Error).message ?? error)
    .replace(/, (\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '')
    .replace(/\s+/g, ' ');
  const position = /at position (\d+)/.exec(reason);
  const offset = position ? Number(position[1]) : jsonErrorOffset(text);
  return { reason, where: offset === undefined ? '' : ` at line ${lineColumn(text, offset)}` };
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}, column ${before.at(-1)!.length + 1}`;
}

/**
 * Where JSON.parse gave up on `text`, as an offset: Node 20's V8 says "at position N" for some errors only
 * ("Unexpected token '}', ... is not valid JSON" and "Unexpected end of JSON input" carry none), so a bad --data
 * edit could not be pointed at. This walks the grammar just far enough to find the first character at fault
 * (text.length when the input ends too soon). For text that parses, it returns undefined.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (at: number): never => {
    throw new Failure(at);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) fail(i);
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail(i);
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail(i);
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(Math.min(i + 2, text.length));
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(i + 1);
      } else i++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail(text[i] === '-' ? i + 1 : i);
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === undefined) return void fail(i);
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail(i);
        string();
        space();
        if (text[i] !== ':') fail(i);
        i++;
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail(i);
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail(i);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    fail(i);
  };
  try {
    value();
    space();
    return i < text.length ? i : undefined;
  } catch (error) {
    if (error instanceof Failure) return Math.min(error.at, text.length);
    throw error;
  }
}

class Failure {
  constructor(readonly at: number) {}
}
