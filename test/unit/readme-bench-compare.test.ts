import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Issue 22: the README's `bench/listen.js --compare` example works in a fresh clone: it makes the build it
// compares with (a git worktree of the previous commit) instead of pointing at a ../main that only the authors had.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${ROOT}README.md`, 'utf8');

describe('README: bench/listen.js --compare', () => {
  it('creates the build it compares with, at the path it passes', () => {
    const make = /^git worktree add (\S+) HEAD~1 && \(cd (\S+) && npm install\)/m.exec(readme);
    const compare = /^node bench\/listen\.js --compare (\S+)\/bin\/scandocs-webhooks\.js/m.exec(readme);
    expect(make, 'the worktree step').not.toBeNull();
    expect(compare, 'the --compare example').not.toBeNull();
    expect(make![2]).toBe(make![1]);
    expect(compare![1]).toBe(make![1]);
    expect(readme).not.toContain('--compare ../main/');
  });

  it('a --compare path that does not exist is one line saying how to make one', () => {
    const run = spawnSync(process.execPath, ['bench/listen.js', '--compare', '../no-such-build/bin/scandocs-webhooks.js'], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('git worktree add ../before HEAD~1');
  });
});
