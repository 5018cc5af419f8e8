import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { listFixtures } from '../../src/events/index.js';
import { BIN, ISOLATED_ENV, runCli } from '../helpers/cli.js';

describe('scandocs-webhooks events', () => {
  it('events lists every type and variant in aligned columns, defaults marked, exit 0', async () => {
    const { code, stdout, stderr } = await runCli(['events']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const rows = stdout.split('\n').filter((line) => /^(file|task)\./.test(line));
    expect(rows.map((row) => row.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'file.created image',
      'file.created pdf',
      'file.created image-generated',
      'file.created pdf-generated',
      'file.deleted default',
      'task.created default',
      'task.completed extract-text',
      'task.completed detect-documents',
      'task.completed convert',
      'task.completed apply-effect',
      'task.completed warp',
      'task.completed render',
      'task.completed split',
      'task.completed merge',
      'task.completed extract-pages',
      'task.failed default',
      'task.deleted default',
    ]);
    // The description column starts at the same offset on every row.
    const descriptions = listFixtures().map((f) => f.description);
    expect(new Set(rows.map((row, i) => row.indexOf(descriptions[i]!)))).toEqual(new Set([rows[0]!.indexOf(descriptions[0]!)]));
    expect(rows[0]!.indexOf(descriptions[0]!)).toBeGreaterThan(20);
    expect(rows[0]).toContain('image (default)');
    expect(rows[6]).toContain('extract-text (default)');
    expect(rows[1]).not.toContain('(default)');
    expect(stdout).not.toMatch(/\x1b\[/);
  });

  it('events task.completed > e.json prints the default sample as parseable, indented JSON', async () => {
    const { code, stdout, stderr } = await runCli(['events', 'task.completed']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('\n  "type": "task.completed",\n');
    const event = JSON.parse(stdout);
    expect(event.id).toMatch(/^event_[a-z0-9]{16}$/);
    expect(Math.abs(Date.parse(event.timestamp) - Date.now())).toBeLessThan(60_000);
    expect(event.data.operation).toBe('extract-text');
    expect(event.data.result.format).toBe('markdown');
  });

  it('events task.completed --variant convert --set … prints that variant with the overrides applied', async () => {
    const { code, stdout } = await runCli([
      'events',
      'task.completed',
      '--variant',
      'convert',
      '--set',
      'data.result.generated_files.0.name=scan.png',
      '--set',
      'data.result.generated_files.0.properties.size=1024',
    ]);
    expect(code).toBe(0);
    const file = JSON.parse(stdout).data.result.generated_files[0];
    expect(file).toMatchObject({ name: 'scan.png', type: 'image/png', properties: { size: 1024 } });
    expect(file.task_id).toMatch(/^task_/);
  });

  it('events --json prints one catalog object per line on stdout', async () => {
    const { code, stdout, stderr } = await runCli(['events', '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(17);
    expect(lines[0]).toEqual({
      type: 'file.created',
      variant: 'image',
      description: expect.stringContaining('JPEG'),
      isDefault: true,
    });
    expect(lines.filter((line) => line.isDefault).map((line) => line.type)).toEqual([
      'file.created',
      'file.deleted',
      'task.created',
      'task.completed',
      'task.failed',
      'task.deleted',
    ]);
  });

  it('events file.created --variant pdf --json prints the sample event on one line', async () => {
    const { code, stdout } = await runCli(['events', 'file.created', '--variant', 'pdf', '--json']);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout).data).toMatchObject({ type: 'application/pdf', properties: { page_count: 12 } });
  });

  it.each([
    [['events', 'task.complete'], 'error: unknown event type "task.complete": did you mean "task.completed"? Valid types: file.created, file.deleted, task.created, task.completed, task.failed, task.deleted'],
    [['events', 'task.completed', '--variant', 'ocr'], 'error: unknown variant "ocr" of task.completed: valid variants: extract-text (default), detect-documents, convert, apply-effect, warp, render, split, merge, extract-pages'],
    [['events', 'file.created', '--set', 'data.name'], 'error: --set "data.name" has no "=": use path=value, e.g. --set data.name=report.pdf or --set data.properties.page_count=3'],
    [['events', '--variant', 'pdf'], 'error: name the event type first, e.g. scandocs-webhooks events task.completed --variant convert'],
  ])('events %j exits 2 with one line on stderr and no stack trace', async (args, expected) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${expected}\n`);
  });

  it('events --json stops quietly, exit 0, when the reader closes the pipe early (like | head -1)', async () => {
    // The read end is closed before the CLI writes anything, so its first write is certain to hit EPIPE.
    const child = spawn(process.execPath, [BIN, 'events', '--json'], { env: { ...process.env, NO_COLOR: '1', ...ISOLATED_ENV } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
