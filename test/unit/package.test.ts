import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Issue 22 ("Packaging"): the package says MIT and ships the licence text; every picture the README shows by a
// relative path is in the package, so the npm page (which renders the README from the package) shows it.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the npm package', () => {
  const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
  const files = new Set(pack[0]!.files.map((f) => f.path));

  it('holds an MIT LICENSE naming the contributors', () => {
    expect(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).license).toBe('MIT');
    expect(files.has('LICENSE')).toBe(true);
    const text = readFileSync(`${ROOT}LICENSE`, 'utf8');
    expect(text).toMatch(/^MIT License/);
    expect(text).toContain('scandocs-webhooks contributors');
  });

  it('holds every picture the README shows by a relative path', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((src) => !/^https?:/.test(src));
    expect(pictures.length).toBeGreaterThan(0);
    for (const src of pictures) expect(files.has(src.replace(/^\.\//, '')), src).toBe(true);
  });
});
