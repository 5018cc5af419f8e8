// Issue 19 defect 2, in the page itself: one hostile delivery must not blind the inspector. Real `listen`, real
// headless Chromium.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`SKIPPED: the inspector's browser tests need Chromium at ${CHROMIUM} (or set CHROMIUM_PATH)`);
const dir = mkdtempSync(join(tmpdir(), 'scandocs-inspector-hostile-'));

/** 40 KB of JSON nested 20,000 deep: its tree overflowed the stack of the page. */
const DEEP = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;

describe.skipIf(!haveChromium)('the inspector page survives a hostile delivery (issue 19 defect 2)', () => {
  let browser: Browser;
  let context: BrowserContext | undefined;
  let cli: RunningCli | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await context?.close();
    await cli?.stop('SIGKILL');
    context = cli = undefined;
  });

  async function open(args: string[]): Promise<{ page: Page; url: string; problems: string[] }> {
    cli = startCli(['listen', '--port', '0', '--inspect-port', '0', ...args]);
    const [, inspectUrl] = await cli.waitFor(/inspect\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/);
    const [, url] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/[\d.:]+)/);
    context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const page = await context.newPage();
    // A missing element fails in seconds, not at the test's own timeout.
    page.setDefaultTimeout(5_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.goto(inspectUrl!);
    await page.locator('.live.on').waitFor();
    return { page, url: url!, problems };
  }

  for (const mode of ['in memory', 'with a journal']) {
    it(`a body nested 20,000 deep, then a normal delivery: both rows show, and the deep one's detail renders (${mode})`, async () => {
      const args = mode === 'in memory' ? [] : ['--record', join(dir, `deep-${Date.now()}.jsonl`)];
      const { page, url, problems } = await open(args);
      // Unsigned: the listener answers 401, and records and lists it all the same.
      const deep = await fetch(`${url}/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: DEEP });
      expect(deep.status).toBe(401);
      const rows = page.locator('[data-testid=list] .row');
      await expect.poll(() => rows.count()).toBe(1);
      // Followed, the deep one is selected and its detail drawn: the body is shown raw, with the depth said.
      await expect.poll(() => page.getByTestId('too-deep').textContent(), { timeout: 5_000 }).toBe(
        'nested 20,000 levels deep: the tree shows up to 100, so it is shown raw',
      );

      const normal = await runCli(['trigger', 'task.completed', '--url', `${url}/webhooks`, '--set', 'id=event_after_deep']);
      expect(normal.code, normal.stderr).toBe(0);
      await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(2);
      await expect.poll(() => page.getByTestId('body').textContent()).toContain('event_after_deep');

      // Back to the deep one: its overview, raw body and diff all render.
      await rows.filter({ hasNotText: 'task.completed' }).click();
      await expect.poll(() => page.getByTestId('too-deep').count()).toBe(1);
      await page.getByRole('tab', { name: 'Request' }).click();
      expect((await page.getByTestId('raw-body').textContent())?.length).toBe(DEEP.length);
      // The normal one's diff is with the one before it, the deep one: compared as text, where it answered 500.
      await rows.filter({ hasText: 'task.completed' }).click();
      await page.getByRole('tab', { name: 'Diff' }).click();
      await page.getByTestId('diff').waitFor({ timeout: 5_000 });
      expect(await page.getByTestId('diff').textContent()).toContain('[[[[');
      expect(await page.getByTestId('render-error').count()).toBe(0);
      expect(problems).toEqual([]);
    });
  }

  it('a detail the page cannot draw leaves a note in its place; the live list and the next delivery go on', async () => {
    const { page, url, problems } = await open([]);
    // Whatever makes drawing a delivery throw (here its detail arrives without the timeline the page expects),
    // the error stays inside that delivery's panel.
    await page.route(/\/api\/deliveries\/1$/, async (route) => {
      const response = await route.fetch();
      const detail = await response.json();
      delete detail.timeline;
      await route.fulfill({ response, json: detail });
    });
    const send = async (id: string) => {
      const sent = await runCli(['trigger', 'task.completed', '--url', `${url}/webhooks`, '--set', `id=${id}`]);
      expect(sent.code, sent.stderr).toBe(0);
    };
    await send('event_broken_detail');
    await expect.poll(() => page.getByTestId('render-error').textContent()).toMatch(/^could not show delivery #1: /);
    await send('event_next_one');
    const rows = page.locator('[data-testid=list] .row');
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.getByTestId('body').textContent()).toContain('event_next_one');
    expect(await page.getByTestId('render-error').count()).toBe(0);
    // Only the error the page caught and showed; no uncaught page error.
    expect(problems.filter((p) => p.startsWith('page error'))).toEqual([]);
  });
});
