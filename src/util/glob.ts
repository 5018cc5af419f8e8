/**
 * The one glob matcher, for event types (`task.*`) and check names (`refuses-*`): `*` matches any run of
 * characters and everything else is literal, so the dot in `task.completed` is a dot.
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
