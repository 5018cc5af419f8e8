import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'svix';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { listenWithInspector, type RunningInspector } from '../helpers/inspector.js';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';

/** Debian's package; `.ci/run` installs it, so CI never skips these tests. */
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`SKIPPED: the inspector's browser tests need Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (or set CHROMIUM_PATH)`);
}
const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const SHOTS = join(tmpdir(), 'scandocs-inspector-shots');
/** `UPDATE_DOCS=1 npx vitest run test/browser` refreshes the README's picture. */
const DOCS_PICTURE = fileURLToPath(new URL('../../docs/inspector.png', import.meta.url));

describe.skipIf(!haveChromium)('the inspector page in headless Chromium', () => {
  let browser: Browser;
  let context: BrowserContext | undefined;
  let listener: RunningInspector | undefined;
  let problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await context?.close();
    await listener?.cli.stop('SIGKILL');
    context = undefined;
    listener = undefined;
  });

  /** A fresh listener and a fresh browser context on its page; console errors and CSP violations are collected. */
  async function open(args: string[] = [], colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; i: RunningInspector }> {
    listener = await listenWithInspector(args);
    context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 760 } });
    problems = [];
    const page = await context.newPage();
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // Nothing is loaded from any other host.
    page.on('request', (r) => {
      if (new URL(r.url()).origin !== new URL(listener!.inspectUrl).origin) problems.push(`request to another host: ${r.url()}`);
    });
    page.on('requestfailed', (r) => {
      // The event stream is cut when a test ends; anything else failing to load is a problem.
      if (!r.url().includes('/api/events')) problems.push(`request failed: ${r.url()}`);
    });
    await page.goto(listener.inspectUrl);
    await page.locator('.live.on').waitFor();
    return { page, i: listener };
  }

  async function trigger(i: RunningInspector, ...args: string[]): Promise<void> {
    const result = await runCli(['trigger', 'task.completed', '--url', `${i.url}/webhooks`, ...args]);
    expect(result.code, result.stderr).toBe(0);
  }

  async function tampered(i: RunningInspector, eventId: string): Promise<void> {
    const body = JSON.stringify({ type: 'file.created', id: eventId, timestamp: new Date().toISOString(), data: { id: 'file_01', name: 'invoice.pdf', size: 48213 } });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = new Webhook(TEST_SECRET).sign(`msg_${eventId}`, new Date(timestamp * 1000), body);
    const response = await fetch(`${i.url}/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'svix-id': `msg_${eventId}`, 'svix-timestamp': String(timestamp), 'svix-signature': signature },
      body: body.replace('invoice.pdf', 'invoice-final.pdf'),
    });
    expect(response.status).toBe(401);
  }

  const row = (page: Page, text: string) => page.locator('[data-testid=list] .row', { hasText: text });

  it('a delivery sent with trigger appears within a second, selected, and its detail shows the body', async () => {
    const { page, i } = await open();
    await trigger(i, '--set', 'id=event_live1', '--set', 'data.result.content=Total due 1,250.00 EUR');
    const sent = Date.now();
    await row(page, 'event_live1').waitFor({ timeout: 1_000 });
    expect(Date.now() - sent).toBeLessThan(1_000);
    await expect.poll(() => row(page, 'event_live1').getAttribute('class')).toContain('selected');
    await expect.poll(() => page.getByTestId('body').textContent()).toContain('Total due 1,250.00 EUR');
    await page.getByRole('tab', { name: 'Request' }).click();
    expect(await page.getByTestId('raw-body').textContent()).toContain('"id":"event_live1"');
    await page.screenshot({ path: join(SHOTS, 'live.png') });
    expect(problems).toEqual([]);
  });

  it('a tampered delivery shows why it failed, with expected and received signatures; light theme picture for the README', async () => {
    // A few of every kind, for the picture: verified, a retried message (500 then 200), a failed signature.
    const { page, i } = await open(['--respond', 'task.failed=500,200']);
    await trigger(i, '--set', 'id=event_ok1');
    const other = await runCli(['trigger', 'file.created', 'task.created', 'task.failed', 'file.deleted', '--url', `${i.url}/webhooks`]);
    expect(other.code, other.stderr).toBe(0);
    await tampered(i, 'event_bad1');
    await row(page, 'event_bad1').click();
    const diagnosis = page.getByTestId('diagnosis');
    await diagnosis.waitFor();
    const text = await diagnosis.textContent();
    expect(text).toContain('Why it failed: no-matching-signature');
    expect(text).toContain('expected');
    expect(text).toContain(`msg_event_bad1.`);
    expect(text).toContain('(body cut short)');
    expect(await page.getByTestId('body').textContent()).toContain('invoice-final.pdf');
    expect(text).toContain('tolerance ±300 s, within it');
    expect(text).not.toContain(TEST_SECRET.slice(6));
    await page.screenshot({ path: join(SHOTS, 'failed-light.png') });
    if (process.env.UPDATE_DOCS) await page.screenshot({ path: DOCS_PICTURE });
    expect(problems).toEqual([]);
  });

  it('r replays the selected delivery re-signed: the timeline gains an attempt that verifies (dark theme)', async () => {
    const { page, i } = await open([], 'dark');
    await trigger(i, '--set', 'id=event_replay1');
    await row(page, 'event_replay1').click();
    await page.keyboard.press('r');
    await expect.poll(() => page.getByTestId('replay-result').textContent()).toContain('200');
    await expect.poll(() => page.locator('[data-testid=list] .row', { hasText: 'event_replay1' }).count()).toBe(2);
    await page.locator('[data-testid=list] .row').first().click();
    await page.getByRole('tab', { name: /Timeline/ }).click();
    const attempts = page.locator('[data-testid=timeline] li');
    await expect.poll(() => attempts.count()).toBe(2);
    expect(await attempts.nth(1).textContent()).toContain('✓ verified');
    expect(await attempts.nth(1).textContent()).toContain('duplicate');
    await page.screenshot({ path: join(SHOTS, 'timeline-dark.png') });
    expect(problems).toEqual([]);
  });

  it('a replay with an edited body is re-signed, and the diff with the previous attempt marks the changed field', async () => {
    const { page, i } = await open();
    await trigger(i, '--set', 'id=event_diff1', '--set', 'data.result.format=plain');
    await row(page, 'event_diff1').click();
    await page.getByRole('tab', { name: 'Replay' }).click();
    const editor = page.getByLabel('body');
    await editor.fill((await editor.inputValue()).replace('"format":"plain"', '"format":"markdown"'));
    await page.getByRole('button', { name: /Replay/ }).click();
    await expect.poll(() => page.getByTestId('replay-result').textContent()).toContain('over the edited body');
    await expect.poll(() => row(page, 'event_diff1').count()).toBe(2);
    await row(page, 'event_diff1').first().click();
    await page.getByRole('tab', { name: 'Diff' }).click();
    const changed = page.locator('[data-testid=diff] li.changed[data-path="data.result.format"]');
    await changed.waitFor();
    expect(await changed.textContent()).toContain('"plain" → "markdown"');
    const volatile = page.locator('[data-testid=diff] tr.changed', { hasText: 'svix-signature' });
    expect(await volatile.textContent()).toContain('volatile');
    expect(await page.locator('[data-testid=diff] li').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'diff.png') });
    expect(problems).toEqual([]);
  });

  it('j and k move the selection, / focuses the search, and the filters narrow the list', async () => {
    const { page, i } = await open();
    for (const id of ['event_k1', 'event_k2', 'event_k3']) await trigger(i, '--set', `id=${id}`);
    await tampered(i, 'event_k4');
    await expect.poll(() => page.locator('[data-testid=list] .row').count()).toBe(4);
    const selected = () => page.locator('[data-testid=list] .row.selected').textContent();
    await expect.poll(selected).toContain('event_k4');
    await page.keyboard.press('j');
    await expect.poll(selected).toContain('event_k3');
    await page.keyboard.press('j');
    await expect.poll(selected).toContain('event_k2');
    await page.keyboard.press('k');
    await expect.poll(selected).toContain('event_k3');
    // A pick is kept when a new delivery arrives.
    await trigger(i, '--set', 'id=event_k5');
    await expect.poll(() => page.locator('[data-testid=list] .row').count()).toBe(5);
    expect(await selected()).toContain('event_k3');

    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('search bodies');
    await page.keyboard.type('event_k2');
    await expect.poll(() => page.locator('[data-testid=list] .row').count()).toBe(1);
    await page.getByLabel('search bodies').fill('');
    await expect.poll(() => page.locator('[data-testid=list] .row').count()).toBe(5);
    await page.getByLabel('verification').selectOption('failed');
    await expect.poll(() => page.locator('[data-testid=list] .row').count()).toBe(1);
    expect(await page.locator('[data-testid=list] .row').textContent()).toContain('event_k4');
    expect(problems).toEqual([]);
  });
});
