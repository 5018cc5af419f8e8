// The inspector page: a live, filterable list of deliveries and the detail of the one selected. Data comes from
// the JSON API and the event stream of the server that serves this file; nothing is loaded from another host.
import { html, render, useCallback, useEffect, useMemo, useRef, useState } from '/vendor/htm-preact.js';
import { Badges, Body, clock, DiffView, Diagnosis, duration, Guard, HeaderTable, NotKept, statusClass, Timeline, Verification } from './view.js';

const ROW_HEIGHT = 28;
const PAGE = 200;
/** The page keeps at most this many rows loaded; older ones are fetched again when scrolled to. */
const LOADED_MAX = 5000;

async function api(path, init) {
  const response = await fetch(path, init);
  const value = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(value.error ?? `HTTP ${response.status}`);
  return value;
}

function post(path, body) {
  return api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function query(filters, extra = {}) {
  const p = new URLSearchParams();
  if (filters.type) p.set('type', filters.type);
  if (filters.status) p.set('status', filters.status);
  if (filters.verification) p.set('verification', filters.verification);
  if (filters.q) p.set('q', filters.q);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The filters a live delivery can be checked against here; the body text is searched by the server. */
function matches(s, f) {
  if (f.type && s.eventType !== f.type) return false;
  if (f.status) {
    if (/^[1-5]xx$/.test(f.status)) {
      if (Math.floor(s.status / 100) !== Number(f.status[0])) return false;
    } else if (String(s.status) !== f.status) return false;
  }
  if (f.verification === 'verified' && s.verified !== true) return false;
  if (f.verification === 'failed' && s.verified !== false) return false;
  if (f.verification === 'unverified' && s.verified !== null) return false;
  return true;
}

function App() {
  const [info, setInfo] = useState(undefined);
  const [filters, setFilters] = useState({ type: '', status: '', verification: '', q: '' });
  const [items, setItems] = useState([]);
  const [more, setMore] = useState(false);
  const [selected, setSelected] = useState(undefined);
  // The newest delivery is selected as it arrives, until the user picks one.
  const [follow, setFollow] = useState(true);
  const [connected, setConnected] = useState(false);
  const [tab, setTab] = useState('overview');
  const [detailVersion, setDetailVersion] = useState(0);
  const [replayResult, setReplayResult] = useState(undefined);
  // The stream starts after the newest delivery the first list had, so nothing falls between the two; `instance`
  // is the listener run whose numbers these are.
  const [stream, setStream] = useState(undefined);
  const state = useRef({});
  state.current = { items, selected, follow, filters };
  const search = useRef(null);
  const scroller = useRef(null);

  const generation = useRef(0);
  const load = useCallback(async (f, fresh = false) => {
    // Filters change faster than answers come back: only the answer to the latest request is shown.
    const mine = ++generation.current;
    const page = await api(`/api/deliveries${query(f, { limit: PAGE })}`);
    if (mine !== generation.current) return;
    setItems(page.items);
    setMore(page.more);
    setStream((old) => (old && !fresh ? old : { from: page.lastSeq, instance: page.instance }));
    if (fresh || state.current.follow || state.current.selected === undefined) setSelected(page.items[0]?.seq);
  }, []);

  // The listener was restarted (or the stream gave up): its numbers start again, so the list is loaded again and a
  // new stream follows it. Tried every 2 s while the listener is down; the cookie still holds with the same token.
  const retry = useRef(undefined);
  const reconnect = useCallback(async () => {
    clearTimeout(retry.current);
    try {
      setInfo(await api('/api/info'));
      await load(state.current.filters, true);
    } catch {
      retry.current = setTimeout(reconnect, 2000);
    }
  }, [load]);
  useEffect(() => () => clearTimeout(retry.current), []);

  useEffect(() => {
    api('/api/info').then(setInfo, () => {});
  }, []);

  // The list, again whenever a filter changes (the text filter waits for a pause in typing).
  useEffect(() => {
    const timer = setTimeout(() => load(filters).catch(() => {}), filters.q ? 200 : 0);
    return () => clearTimeout(timer);
  }, [filters, load]);

  // Live updates: a reconnect resumes after the last event seen (EventSource sends Last-Event-ID itself), unless
  // the listener behind it is a new run (its hello says so), when the page starts again from the list (issue 23).
  useEffect(() => {
    if (stream === undefined) return undefined;
    const source = new EventSource(`/api/events?after=${stream.from}&instance=${encodeURIComponent(stream.instance ?? '')}`);
    let refetch;
    source.onopen = () => setConnected(true);
    source.onerror = () => {
      setConnected(false);
      // EventSource retries by itself after a dropped connection, but gives up for good on an HTTP error.
      if (source.readyState === EventSource.CLOSED) reconnect();
    };
    source.addEventListener('hello', (event) => {
      if (JSON.parse(event.data).instance === stream.instance) return;
      source.close();
      reconnect();
    });
    source.addEventListener('delivery', (event) => {
      const s = JSON.parse(event.data);
      const { filters: f, follow: following, selected: current } = state.current;
      setInfo((old) => (old && s.eventType && !old.types.includes(s.eventType) ? { ...old, types: [...old.types, s.eventType].sort() } : old));
      if (!matches(s, f)) return;
      if (f.q) {
        // Only the server searches bodies: ask it again once the burst is over.
        clearTimeout(refetch);
        refetch = setTimeout(() => load(state.current.filters).catch(() => {}), 150);
        return;
      }
      setItems((old) => {
        if (old.length > 0 && old[0].seq >= s.seq) return old;
        const next = [s, ...old];
        if (next.length > LOADED_MAX) {
          next.length = LOADED_MAX;
          setMore(true);
        }
        return next;
      });
      if (following) setSelected(s.seq);
      else if (current !== undefined && s.messageId) setDetailVersion((v) => v + 1);
    });
    return () => {
      clearTimeout(refetch);
      source.close();
    };
  }, [stream, load, reconnect]);

  const loadOlder = useCallback(async () => {
    const { items: loaded, filters: f } = state.current;
    if (loaded.length === 0) return;
    const mine = generation.current;
    const page = await api(`/api/deliveries${query(f, { limit: PAGE, before: loaded[loaded.length - 1].seq })}`);
    if (mine !== generation.current) return;
    setItems((old) => [...old, ...page.items.filter((s) => s.seq < old[old.length - 1].seq)]);
    setMore(page.more);
  }, []);

  const pick = useCallback((seq) => {
    setFollow(false);
    setSelected(seq);
    setReplayResult(undefined);
  }, []);

  const move = useCallback(
    (step) => {
      const { items: list, selected: current } = state.current;
      if (list.length === 0) return;
      const index = list.findIndex((s) => s.seq === current);
      const next = Math.min(list.length - 1, Math.max(0, index === -1 ? 0 : index + step));
      pick(list[next].seq);
      const el = scroller.current;
      if (el) {
        const top = next * ROW_HEIGHT;
        if (top < el.scrollTop) el.scrollTop = top;
        else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
      }
    },
    [pick],
  );

  const replaySelected = useCallback(async (request) => {
    const seq = state.current.selected;
    if (seq === undefined) return;
    setTab('replay');
    setReplayResult({ pending: true });
    try {
      setReplayResult(await post(`/api/deliveries/${seq}/replay`, request));
    } catch (error) {
      setReplayResult({ error: error.message });
    }
  }, []);

  // Keyboard: j/k move, Enter opens the detail, r replays, / searches. Typing in a field is left alone.
  useEffect(() => {
    const onKey = (event) => {
      const field = event.target.closest?.('input, textarea, select');
      if (field) {
        if (event.key === 'Escape') {
          // Chromium empties a search box on Escape without an input event: the filter must follow the box (issue 23).
          if (field === search.current) setFilters((f) => (f.q === '' ? f : { ...f, q: '' }));
          field.blur();
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'j') move(1);
      else if (event.key === 'k') move(-1);
      else if (event.key === 'Enter') {
        setTab('overview');
        document.querySelector('.detail')?.focus();
      } else if (event.key === 'r') replaySelected({ target: 'listener', signature: 'fresh' });
      else if (event.key === '/') search.current?.focus();
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [move, replaySelected]);

  const set = (key) => (event) => setFilters((f) => ({ ...f, [key]: event.currentTarget.value }));
  const exportLink = (kind) => `/api/export.${kind}${query(filters)}`;

  return html`<div class="shell">
    <header class="top">
      <span class="brand"><img src="/favicon.svg" alt="" />scandocs-webhooks inspector</span>
      <span class="meta">
        ${info?.listenerUrl ? html`<span>listening on <code>${info.listenerUrl}</code></span>` : null}
        ${info ? html`<span data-testid="history-size">${info.history.kind === 'journal'
          ? `history: the journal ${info.history.journal} (last ${info.history.capacity.toLocaleString('en')} listed)`
          : `history: the last ${info.history.capacity.toLocaleString('en')} deliveries (at most ${Math.round(info.history.bytes / 1048576)} MiB), in memory`}</span>` : null}
      </span>
      <span class="spacer"></span>
      <span class=${`live ${connected ? 'on' : ''}`}>${connected ? 'live' : 'connecting…'}</span>
      <a href=${exportLink('jsonl')} download title="the shown deliveries as a journal: scandocs-webhooks replay file.jsonl --url …">Export JSONL</a>
      <a href=${exportLink('har')} download>Export HAR</a>
    </header>
    <div class="filters">
      <select aria-label="type" value=${filters.type} onChange=${set('type')}>
        <option value="">all types</option>
        ${(info?.types ?? []).map((t) => html`<option value=${t}>${t}</option>`)}
      </select>
      <select aria-label="status" value=${filters.status} onChange=${set('status')}>
        <option value="">any status</option><option value="2xx">2xx</option><option value="4xx">4xx</option><option value="5xx">5xx</option>
      </select>
      <select aria-label="verification" value=${filters.verification} onChange=${set('verification')}>
        <option value="">any verification</option><option value="verified">✓ verified</option><option value="failed">✗ failed</option><option value="unverified">– not verified</option>
      </select>
      <input ref=${search} type="search" aria-label="search bodies" placeholder="Search bodies  ( / )" value=${filters.q} onInput=${set('q')} onSearch=${set('q')} />
      <label class="follow"><input type="checkbox" checked=${follow} onChange=${(e) => setFollow(e.currentTarget.checked)} /> follow newest</label>
      <span class="help"><span><span class="kbd">j</span>/<span class="kbd">k</span> move</span><span><span class="kbd">r</span> replay</span></span>
      <span class="count">${items.length.toLocaleString('en')}${more ? '+' : ''} shown</span>
    </div>
    <div class="main">
      <${List} items=${items} more=${more} selected=${selected} onPick=${pick} onOlder=${loadOlder} scroller=${scroller} listenerUrl=${info?.listenerUrl} />
      <${Guard} key=${`detail-${selected}`} what=${`delivery #${selected}`}>
        <${Detail} seq=${selected} version=${detailVersion} tab=${tab} setTab=${setTab} info=${info} onPick=${pick}
          replay=${replaySelected} replayResult=${replayResult} />
      </${Guard}>
    </div>
  </div>`;
}

/** Only the rows in view are in the DOM, so ten thousand deliveries scroll as smoothly as ten. */
function List({ items, more, selected, onPick, onOlder, scroller, listenerUrl }) {
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const loading = useRef(false);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const onScroll = (event) => {
    const el = event.currentTarget;
    setScrollTop(el.scrollTop);
    if (more && !loading.current && el.scrollTop + el.clientHeight > items.length * ROW_HEIGHT - 10 * ROW_HEIGHT) {
      loading.current = true;
      onOlder().finally(() => (loading.current = false));
    }
  };
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 10);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + 10);
  const rows = [];
  for (let i = first; i < last; i++) {
    const s = items[i];
    // Each row on its own: one delivery that cannot be drawn leaves a note in its place, never an empty list.
    rows.push(html`<${Guard} key=${s.seq} what=${`delivery #${s.seq}`}><${Row} s=${s} i=${i} selected=${selected} onPick=${onPick} /></${Guard}>`);
  }
  return html`<section class="list" aria-label="deliveries">
    <div class="list-head"><span class="num" title="the delivery's number, as the diff asks for it">#</span><span>time</span><span>type</span><span class="c-event">event id</span><span class="c-svix">svix-id</span><span></span><span class="num">status</span><span class="num">latency</span><span class="num c-app" title="forwarded: the app's status">app</span></div>
    <div class="scroller" ref=${scroller} onScroll=${onScroll} data-testid="list">
      <div style=${{ height: `${items.length * ROW_HEIGHT + (more ? 30 : 0)}px` }}>
        ${rows}
        ${more ? html`<div class="more" style=${{ top: `${items.length * ROW_HEIGHT}px` }}>loading older deliveries…</div>` : null}
      </div>
      ${items.length === 0
        ? html`<p class="empty">No deliveries yet. Send one:<br /><code data-testid="first-command">npx scandocs-webhooks trigger task.completed${listenerUrl ? ` --url ${listenerUrl}` : ''}</code></p>`
        : null}
    </div>
  </section>`;
}

function Row({ s, i, selected, onPick }) {
  return html`<div class=${`row ${s.seq === selected ? 'selected' : ''}`} style=${{ top: `${i * ROW_HEIGHT}px` }}
      data-seq=${s.seq} onClick=${() => onPick(s.seq)}>
      <span class="seq num">#${s.seq}</span>
      <span class="time">${clock(s.receivedAt)}</span>
      <span>${s.eventType ?? '(no type)'}${s.drift ? html` <span class="badge warn" data-testid="drift" title=${`${s.drift} (Scan Documents may have changed this event; check your handler)`}>⚠ shape</span>` : null}</span>
      <span class="id c-event" title=${s.eventId ?? ''}>${s.eventId ?? '–'}</span>
      <span class="id c-svix" title=${s.messageId ?? ''}>${s.repeat === 'duplicate'
        ? html`<span class="badge warn" title="duplicate: this svix-id had already been answered 2xx">dup</span> `
        : s.repeat === 'retry'
          ? html`<span class="badge" title=${`attempt ${s.attempt} of this svix-id`}>↻${s.attempt}</span> `
          : null}${s.messageId ?? '–'}</span>
      <${Verification} d=${s} />
      <span class=${`num ${statusClass(s.status)}`}>${s.status || '–'}</span>
      <span class="num">${duration(s.latencyMs)}</span>
      <span class=${`num c-app ${s.forwardStatus ? statusClass(s.forwardStatus) : s.forwardError ? 'bad' : ''}`} title=${s.forwardError ?? ''}>${s.forwardStatus ?? (s.forwardError ? '✗' : '')}</span>
    </div>`;
}

function Detail({ seq, version, tab, setTab, info, onPick, replay, replayResult }) {
  const [d, setD] = useState(undefined);
  const [error, setError] = useState(undefined);
  useEffect(() => {
    if (seq === undefined) return setD(undefined);
    let live = true;
    api(`/api/deliveries/${seq}`).then(
      (value) => live && (setD(value), setError(undefined)),
      (e) => live && setError(e.message),
    );
    return () => (live = false);
  }, [seq, version, replayResult]);
  if (seq === undefined) return html`<section class="detail" tabindex="-1"><p class="empty">Select a delivery.</p></section>`;
  if (error) return html`<section class="detail" tabindex="-1"><p class="error-text">${error}</p></section>`;
  if (!d || d.seq !== seq) return html`<section class="detail" tabindex="-1"></section>`;
  const tabs = [
    ['overview', 'Overview'],
    ['request', 'Request'],
    ['timeline', `Timeline (${d.timeline.length})`],
    ['diff', 'Diff'],
    ['replay', 'Replay'],
  ];
  return html`<section class="detail" tabindex="-1" data-testid="detail" aria-label="delivery">
    <h2>${d.eventType ?? '(no type)'} <span class="sub">${d.eventId ?? ''}</span></h2>
    <div class="sub">
      <span class="mono">${d.method} ${d.path}</span> · ${new Date(d.receivedAt).toLocaleString('en-GB')} · <span class="mono">${d.messageId ?? 'no svix-id'}</span>
      <${Badges} d=${d} />
    </div>
    ${d.drift ? html`<p class="warn" data-testid="drift-detail">⚠ ${d.eventType ?? '(no type)'}: ${d.drift} (Scan Documents may have changed this event; check your handler)</p>` : null}
    <div class="tabs" role="tablist">${tabs.map(([key, label]) => html`<button role="tab" class=${tab === key ? 'active' : ''} onClick=${() => setTab(key)}>${label}</button>`)}</div>
    <${Guard} key=${`${d.seq}-${tab}`} what=${`this tab of delivery #${d.seq}`}>
    ${tab === 'overview' ? html`<${Overview} d=${d} />` : null}
    ${tab === 'request' ? html`<h3>Headers</h3><${HeaderTable} headers=${d.headers} /><h3>Raw body (${d.bodyBytes.toLocaleString('en')} bytes)</h3>${d.bodyKept === false ? html`<${NotKept} d=${d} />` : html`<pre class="raw" data-testid="raw-body">${d.body}</pre>`}` : null}
    ${tab === 'timeline' ? html`<${Timeline} d=${d} onSelect=${onPick} />` : null}
    ${tab === 'diff' ? html`<${DiffPanel} key=${d.seq} d=${d} />` : null}
    ${tab === 'replay' ? html`<${ReplayPanel} key=${d.seq} d=${d} info=${info} replay=${replay} result=${replayResult} />` : null}
    </${Guard}>
  </section>`;
}

/** Which --respond step or --fail-rate chose the status. */
function policyText(p) {
  return p.source === 'respond' ? `--respond ${p.rule}, step ${p.step} of ${p.steps}` : `--fail-rate ${p.rate}`;
}

function Overview({ d }) {
  const f = d.forward;
  const chosenBy = d.source === 'replay'
    ? `the answer of ${d.sentTo}`
    : d.policy ? policyText(d.policy) : (d.verified === false ? 'the failed signature' : d.reason ? `the body (${d.reason})` : d.filtered ? 'the --events filter' : f?.status !== undefined ? 'the app it was forwarded to' : 'the default (200)');
  return html`
    ${d.diagnosis ? html`<${Diagnosis} diagnosis=${d.diagnosis} />` : null}
    <div class="card"><dl class="kv">
      <dt>verification</dt><dd><${Verification} d=${d} long=${true} />${d.verification?.ok ? html`<span class="sub"> (${d.verification.family}-signature ${d.verification.signature.slice(0, 14)}…)</span>` : null}</dd>
      <dt>answered</dt><dd><b class=${statusClass(d.status)}>${d.status}</b> <span class="sub">chosen by ${chosenBy}</span></dd>
      ${d.delayMs ? html`<dt>delay</dt><dd>${duration(d.delayMs)} (--delay)</dd>` : null}
      ${d.latencyMs !== undefined ? html`<dt>latency</dt><dd>${duration(d.latencyMs)}${d.senderGone ? html` <span class="warn">the sender had hung up</span>` : null}</dd>` : null}
      ${d.recordError ? html`<dt>journal</dt><dd class="bad">not recorded: ${d.recordError}</dd>` : null}
    </dl></div>
    ${f ? html`<h3>${d.source === 'replay' ? 'The answer' : 'Forwarded to the app'}</h3><div class="card" data-testid="forward"><dl class="kv">
      <dt>url</dt><dd class="mono">${f.url}</dd>
      <dt>status</dt><dd>${f.status !== undefined ? html`<b class=${statusClass(f.status)}>${f.status}</b>` : html`<span class="bad">${f.error ?? 'no answer'}</span>`} <span class="sub">in ${duration(f.latencyMs)}</span></dd>
    </dl>
    ${f.headers?.length ? html`<h3>Headers</h3><${HeaderTable} headers=${Object.fromEntries(f.headers)} />` : null}
    ${f.body ? html`<h3>Body</h3><pre class="raw">${f.body}</pre>` : null}</div>` : null}
    <h3>Body</h3>
    <div data-testid="body"><${Body} d=${d} /></div>`;
}

/** Two attempts of one message by default (this one and the one before), else this and the delivery before. */
function DiffPanel({ d }) {
  const attempts = d.timeline.filter((a) => a.seq !== d.seq);
  const before = attempts.filter((a) => a.seq < d.seq);
  const fallback = before.length > 0 ? before[before.length - 1].seq : attempts[0]?.seq ?? (d.seq > 1 ? d.seq - 1 : undefined);
  const [other, setOther] = useState(fallback);
  const [diff, setDiff] = useState(undefined);
  const [error, setError] = useState(undefined);
  useEffect(() => {
    if (other === undefined) return;
    const [a, b] = other < d.seq ? [other, d.seq] : [d.seq, other];
    api(`/api/diff?a=${a}&b=${b}`).then((value) => (setDiff(value), setError(undefined)), (e) => setError(e.message));
  }, [other, d.seq]);
  return html`<div>
    <label>Compare with delivery #<input type="text" size="6" aria-label="compare with" value=${other ?? ''} onChange=${(e) => setOther(Number(e.currentTarget.value) || undefined)} /></label>
    ${attempts.length ? html`<span class="sub"> attempts of this message: ${attempts.map((a) => html` <a href="#" onClick=${(e) => (e.preventDefault(), setOther(a.seq))}>#${a.seq}</a>`)}</span>` : null}
    ${error ? html`<p class="error-text">${error}</p>` : diff ? html`<${DiffView} diff=${diff} />` : other === undefined ? html`<p class="sub">Nothing to compare with yet.</p>` : null}
  </div>`;
}

function ReplayPanel({ d, info, replay, result }) {
  const [target, setTarget] = useState('listener');
  const [url, setUrl] = useState('http://127.0.0.1:3000/webhooks');
  // Only what verified is re-signed as it is (issue 19 defect 7): the rest keeps its original headers unless edited.
  const [signature, setSignature] = useState(d.verified !== true ? 'original' : 'fresh');
  const [body, setBody] = useState(d.bodyEncoding === 'utf8' ? d.body : '');
  const [curl, setCurl] = useState(undefined);
  const edited = d.bodyEncoding === 'utf8' && body !== d.body;
  const request = () => ({ target, url: target === 'url' ? url : undefined, signature: edited && signature === 'original' ? 'fresh' : signature, body: edited ? body : undefined });
  const copyCurl = async () => {
    try {
      const { command } = await post(`/api/deliveries/${d.seq}/curl`, request());
      setCurl(command);
      await navigator.clipboard?.writeText(command).catch(() => {});
    } catch (error) {
      setCurl(`# ${error.message}`);
    }
  };
  const radio = (name, value, current, setter, label, disabled = false) =>
    html`<label><input type="radio" name=${name} value=${value} checked=${current === value} disabled=${disabled} onChange=${() => setter(value)} />${label}</label>`;
  return html`<div class="replay-form" data-testid="replay">
    <fieldset><legend>Send to</legend>
      ${radio('target', 'listener', target, setTarget, html`this listener <code>${info?.listenerUrl ?? ''}${d.path}</code>`)}
      ${radio('target', 'forward', target, setTarget, html`its forward target ${d.forwardTarget ? html`<code>${d.forwardTarget}</code>` : html`<span class="sub">(none: start listen with --forward-to)</span>`}`, !d.forwardTarget)}
      <label><input type="radio" name="target" value="url" checked=${target === 'url'} onChange=${() => setTarget('url')} />another URL
        <input type="url" aria-label="replay URL" value=${url} onInput=${(e) => (setUrl(e.currentTarget.value), setTarget('url'))} size="36" /></label>
    </fieldset>
    <fieldset><legend>Signature</legend>
      ${radio('signature', 'fresh', signature, setSignature, 'fresh timestamp and signature, same svix-id (a retry)', !info?.canSign)}
      ${radio('signature', 'new-id', signature, setSignature, 'fresh signature under a new svix-id (a new message)', !info?.canSign)}
      ${radio('signature', 'original', signature, setSignature, 'the original headers, byte for byte (a stale replay, which a verifier must refuse)', edited)}
      ${d.verified === false
        ? html`<p class="sub">This delivery failed verification: it is only re-signed once you edit its body.</p>`
        : d.verified !== true
          ? html`<p class="sub">This delivery was never verified: it is only re-signed once you edit its body.</p>`
          : null}
    </fieldset>
    <fieldset><legend>Body ${edited ? html`<span class="badge warn">edited: re-signed when sent</span>` : null}</legend>
      <textarea aria-label="body" spellcheck="false" value=${body} onInput=${(e) => setBody(e.currentTarget.value)}></textarea>
    </fieldset>
    <div class="actions">
      <button class="primary" onClick=${() => replay(request())}>Replay <span class="kbd">r</span></button>
      <button onClick=${copyCurl}>Copy as curl</button>
      <a href=${`/api/deliveries/${d.seq}/fixture`} download>Save as fixture</a>
      <span class="sub">(send it again with <code>trigger --data @file</code>)</span>
    </div>
    ${curl ? html`<pre class="raw" data-testid="curl">${curl}</pre>` : null}
    ${result ? html`<div class="card result" data-testid="replay-result">${result.pending
      ? 'sending…'
      : result.error
        ? html`<span class="error-text">${result.error}</span>`
        : result.result.error
          ? html`<span class="error-text">${result.result.url}: ${result.result.error}</span>`
          : html`<dl class="kv"><dt>sent to</dt><dd class="mono">${result.result.url}</dd><dt>signed with</dt><dd>${result.result.signedAs}</dd>
              <dt>answer</dt><dd><b class=${statusClass(result.result.status)}>${result.result.status}</b> in ${duration(result.result.latencyMs)}</dd>
              ${result.result.body ? html`<dt>body</dt><dd><pre>${result.result.body}</pre></dd>` : null}</dl>`}</div>` : null}
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
