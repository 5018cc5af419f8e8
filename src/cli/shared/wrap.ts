/**
 * Lays `text` out for a terminal `width` columns wide: each line starts with `indent`, breaks fall between words,
 * never inside one (a URL or a path stays whole, on a line of its own when it is longer than the room).
 */
export function wrapWords(text: string, width: number, indent: string): string[] {
  const room = Math.max(20, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}
