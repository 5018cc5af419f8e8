/**
 * A POSIX-shell curl command that sends these exact bytes: `sign --curl` prints it and the inspector copies it, so
 * both run the same way. Single quotes keep every byte of the values literal.
 */
export function curlCommand(request: { method: string; url: string; headers: Readonly<Record<string, string>>; body: Buffer }): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  // -sS: no progress meter, errors still shown; -w prints the status on its own line, since a 204 (or any empty
  // answer) would otherwise print nothing at all.
  const lines = [`curl -sS -X ${request.method} ${quote(request.url)}`, `-w ${quote('\\nHTTP %{http_code}\\n')}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`-H ${quote(`${name}: ${value}`)}`);
  // An argument of curl's, in an array: the core-boundary test tells it from a message naming one of our flags.
  lines.push(['--data-binary', quote(request.body.toString('utf8'))].join(' '));
  return lines.join(' \\\n  ');
}
