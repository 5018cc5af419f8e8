// Pieces of the detail panel. Everything a request carries is untrusted: it is only ever rendered as text
// (Preact text nodes and attributes), never as HTML.
import { Component, html, useState } from '/vendor/htm-preact.js';

export function clock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toTimeString().slice(0, 8);
}

export function duration(ms) {
  if (ms === undefined || ms === null) return '';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = s / 60;
  if (m < 60) return `${Math.round(m)} min`;
  const h = m / 60;
  return h < 48 ? `${h < 10 ? h.toFixed(1) : Math.round(h)} h` : `${Math.round(h / 24)} d`;
}

export function statusClass(status) {
  return `s${Math.floor((status ?? 0) / 100)}`;
}

export function Verification({ d, long }) {
  if (d.source === 'replay') return html`<span class="muted" title=${`sent to ${d.sentTo}`}>↗</span>`;
  if (d.verified === true) return html`<span class="ok" title="verified">✓${long ? ' verified' : ''}</span>`;
  if (d.verified === false) return html`<span class="bad" title=${d.reason ?? 'failed'}>✗${long ? ` ${d.reason ?? 'failed'}` : ''}</span>`;
  return html`<span class="warn" title="not verified (--skip-verify)">–${long ? ' not verified' : ''}</span>`;
}

export function Badges({ d }) {
  return html`${d.attempt > 1 ? html`<span class="badge">attempt ${d.attempt}</span>` : null}${d.repeat === 'duplicate'
    ? html`<span class="badge warn" title="this svix-id had already been answered 2xx: a duplicate your handler must ignore">duplicate</span>`
    : d.repeat === 'retry'
      ? html`<span class="badge">retry</span>`
      : null}${d.source === 'journal' ? html`<span class="badge" title="read back from the --record journal">journal</span>` : null}`;
}

/** A foldable tree of a parsed JSON body: objects and arrays are <details>, so they fold without any script. */
export function JsonTree({ value }) {
  return html`<div class="json">${node(undefined, value, 0)}</div>`;
}

function node(name, value, depth) {
  const key = name === undefined ? null : html`<span class="k">${typeof name === 'number' ? name : JSON.stringify(name)}</span>: `;
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return html`<div>${key}${open}${close}</div>`;
    return html`<details open=${depth < 3}>
      <summary>${key}${open}<span class="hint">${` ${entries.length} ${Array.isArray(value) ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'} `}</span>${close}</summary>
      <div class="children">${entries.map(([k, v]) => node(k, v, depth + 1))}</div>
    </details>`;
  }
  const cls = typeof value === 'string' ? 'str' : typeof value === 'number' ? 'num' : 'lit';
  return html`<div>${key}<span class=${cls}>${JSON.stringify(value)}</span></div>`;
}

/**
 * How deep the JSON tree goes. Past it the body is shown raw: a tree of 20,000 levels overflowed the stack (of this
 * page's recursion and of Preact's) and stopped the whole page (issue 19 defect 2).
 */
export const TREE_DEPTH_MAX = 100;

/**
 * How deeply `text`'s arrays and objects nest, counted without parsing (and without recursion) by its brackets. The
 * page is served as is, with no build step, so it cannot import the server's counter (signature/diagnose.ts).
 */
export function nestingDepth(text) {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

export function parseJson(d) {
  if (d.bodyEncoding !== 'utf8') return undefined;
  try {
    return { value: JSON.parse(d.body) };
  } catch {
    return undefined;
  }
}

/**
 * Catches what its children throw while rendering, so one delivery that cannot be shown never stops the rest of
 * the page (the live list above all): it shows what went wrong in its place instead. Keyed by the delivery, it
 * tries again for the next one.
 */
export class Guard extends Component {
  constructor() {
    super();
    this.state = { error: undefined };
  }
  componentDidCatch(error) {
    this.setState({ error: error?.message ?? String(error) });
  }
  render({ children, what }) {
    if (this.state.error === undefined) return children;
    return html`<p class="error-text" data-testid="render-error">could not show ${what}: ${this.state.error}</p>`;
  }
}

/** Said instead of a body the in-memory history did not keep: its empty string is not the body. */
export function NotKept({ d }) {
  return html`<p class="sub" data-testid="body-not-kept">(body not kept: ${d.bodyBytes.toLocaleString('en')} bytes, too large for the in-memory history; record to a journal with --record to keep every body)</p>`;
}

export function Body({ d }) {
  if (d.bodyKept === false) return html`<${NotKept} d=${d} />`;
  if (d.body === '') return html`<p class="sub">(empty body)</p>`;
  const depth = d.bodyEncoding === 'utf8' ? nestingDepth(d.body) : 0;
  if (depth > TREE_DEPTH_MAX) {
    return html`<pre class="raw">${d.body}</pre><p class="sub" data-testid="too-deep">nested ${depth.toLocaleString('en')} levels deep: the tree shows up to ${TREE_DEPTH_MAX}, so it is shown raw</p>`;
  }
  const parsed = parseJson(d);
  if (parsed) return html`<${JsonTree} value=${parsed.value} />`;
  return html`<pre class="raw">${d.body}</pre><p class="sub">${d.bodyEncoding === 'base64' ? 'not UTF-8: shown as base64' : 'not JSON: shown raw'}</p>`;
}

export function HeaderTable({ headers }) {
  return html`<table class="t"><tbody>${Object.entries(headers).map(
    ([name, value]) => html`<tr><td class="name">${name}</td><td class="value">${value}</td></tr>`,
  )}</tbody></table>`;
}

/** "Why it failed": verify's diagnosis, laid out, with signatures but never the secret. */
export function Diagnosis({ diagnosis: g }) {
  return html`<div class="card failure" data-testid="diagnosis">
    <div class="headline">✗ Why it failed: ${g.reason}</div>
    <p style=${{ margin: '0 0 8px' }}>${g.message}</p>
    <dl class="kv">
      ${g.headers.map((h) => html`<dt class="mono">${h.name}</dt><dd class="mono">${h.value ?? html`<span class="bad">missing</span>`}</dd>`)}
      ${g.skew
        ? html`<dt>timestamp skew</dt><dd class=${g.skew.within ? '' : 'bad'}>${`${Math.abs(g.skew.seconds)} s ${g.skew.seconds >= 0 ? 'old' : 'in the future'} (tolerance ±${g.skew.toleranceSeconds} s, ${g.skew.within ? 'within it' : 'outside it'})`}</dd>`
        : null}
      ${g.signedContent !== undefined
        ? html`<dt>signed content</dt><dd><code>${g.signedContent}</code>${g.bodyTruncated ? html`<span class="sub"> (body cut short)</span>` : null}</dd>`
        : null}
      ${g.expected.length > 0
        ? html`<dt>expected</dt><dd>${g.expected.map((e) => html`<span class="sig">${e}</span>`)}<span class="sub">for the secret in use, over these bytes</span></dd>`
        : null}
      ${g.received.length > 0
        ? html`<dt>received</dt><dd>${g.received.map((r) => html`<span class=${`sig ${r.matches ? 'match' : 'mismatch'}`}>${r.value}</span>`)}</dd>`
        : null}
      ${g.reserialization ? html`<dt>re-serialized</dt><dd>${g.reserialization}</dd>` : null}
    </dl>
  </div>`;
}

export function Timeline({ d, onSelect }) {
  return html`<ol class="timeline" data-testid="timeline">${d.timeline.map(
    (a, index) => html`<li class=${a.seq === d.seq ? 'current' : ''} onClick=${() => onSelect(a.seq)}>
      <span class="when">#${index + 1}<br />${clock(a.receivedAt)}</span>
      <span>
        <${Verification} d=${a} long=${true} /> → <b class=${statusClass(a.status)}>${a.status}</b>
        ${a.repeat === 'duplicate' ? html`<span class="badge warn">duplicate</span>` : null}
        ${a.sentTo ? html`<span class="badge">sent to ${a.sentTo}</span>` : null}
        <br /><span class="sub">${a.gapMs === undefined ? 'first attempt' : `${duration(a.gapMs)} after the previous one`}${a.productionOffsetMs === undefined
          ? ''
          : index === 0
            ? ' · production sends it at once'
            : ` · production would send it ${duration(a.productionOffsetMs)} after the first`}</span>
      </span>
    </li>`,
  )}</ol>`;
}

export function DiffView({ diff }) {
  const [showSame, setShowSame] = useState(false);
  const headers = diff.headers.filter((h) => showSame || h.change !== 'same');
  return html`<div data-testid="diff">
    <h3>Body</h3>
    ${diff.body.kind === 'json'
      ? diff.body.changes.length === 0
        ? html`<p class="sub">The bodies are the same JSON.</p>`
        : html`<ul class="changes">${diff.body.changes.map(
            (c) => html`<li class=${c.change} data-path=${c.path}><span class="path">${c.path || '(root)'}</span>${` ${c.change}: `}${c.change !== 'added' ? html`<span class="bad">${JSON.stringify(c.a)}</span>` : null}${c.change === 'changed' ? ' → ' : ''}${c.change !== 'removed'
                ? html`<span class="ok">${JSON.stringify(c.b)}</span>`
                : null}</li>`,
          )}</ul>`
      : diff.body.same
        ? html`<p class="sub">The bodies are byte for byte the same.</p>`
        : html`<div class="card"><pre class="raw">${diff.body.a}</pre></div><div class="card"><pre class="raw">${diff.body.b}</pre></div>`}
    <h3>Headers <label class="sub" style=${{ textTransform: 'none', letterSpacing: 0, marginLeft: '8px' }}><input type="checkbox" checked=${showSame} onChange=${(e) => setShowSame(e.currentTarget.checked)} /> show unchanged</label></h3>
    <table class="t"><thead><tr><th>header</th><th>#${diff.a}</th><th>#${diff.b}</th></tr></thead><tbody>${headers.map(
      (h) => html`<tr class=${h.change}><td class="name">${h.name}${h.volatile ? html`<span class="badge" title="differs on every attempt by design">volatile</span>` : null}</td>
        <td class="value">${h.a ?? ''}</td><td class="value">${h.b ?? ''}</td></tr>`,
    )}</tbody></table>
  </div>`;
}
