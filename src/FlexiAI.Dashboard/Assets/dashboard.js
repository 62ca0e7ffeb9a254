// FlexiAI dashboard: polls api/snapshot once a second and draws it. No dependencies, no external requests; all text is set
// with textContent (never parsed as HTML).
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const POLL_MS = 1000;
  const $ = id => document.getElementById(id);
  const nf = new Intl.NumberFormat();
  const usd = v => '$' + (v < 1 ? v.toFixed(6) : v.toFixed(2));
  const ms = v => v === null || v === undefined ? '–' : (v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms');
  const time = iso => iso ? new Date(iso).toLocaleTimeString() : '–';
  const stateText = s => s === 'half_open' ? 'half-open' : s;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function stats(pairs) {
    const dl = el('dl', { class: 'stats' });
    for (const [k, v] of pairs) { dl.append(el('dt', null, k), el('dd', null, v)); }
    return dl;
  }

  function inSeconds(at, now) {
    if (!at) return null;
    const s = Math.max(0, Math.round((Date.parse(at) - Date.parse(now)) / 1000));
    return s + ' s';
  }

  function chart(history, bucketSeconds) {
    const w = 300, h = 56, n = history.length || 1, bw = w / n;
    const max = Math.max(1, ...history.map(p => p.requests));
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('class', 'chart');
    svg.setAttribute('role', 'img');
    const total = history.reduce((a, p) => a + p.requests, 0), failed = history.reduce((a, p) => a + p.failures, 0);
    const label = `${total} attempts and ${failed} failures in the last ${Math.round(n * bucketSeconds / 60)} minutes, per ${bucketSeconds} s`;
    svg.setAttribute('aria-label', label);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = label;
    svg.append(title);
    history.forEach((p, i) => {
      for (const [cls, v] of [['req', p.requests], ['fail', p.failures]]) {
        if (!v) continue;
        const r = document.createElementNS(SVG, 'rect');
        const bh = Math.max(1.5, (v / max) * (h - 4));
        r.setAttribute('x', (i * bw + 0.5).toFixed(1));
        r.setAttribute('y', (h - 1 - bh).toFixed(1));
        r.setAttribute('width', Math.max(1, bw - 1).toFixed(1));
        r.setAttribute('height', bh.toFixed(1));
        r.setAttribute('class', cls);
        const t = document.createElementNS(SVG, 'title');
        t.textContent = `${time(p.at)}: ${p.requests} attempts, ${p.failures} failures` +
          Object.entries(p.failures_by_category).map(([c, k]) => ` (${c} ${k})`).join('');
        r.append(t);
        svg.append(r);
      }
    });
    const axis = document.createElementNS(SVG, 'line');
    axis.setAttribute('x1', '0'); axis.setAttribute('x2', String(w));
    axis.setAttribute('y1', String(h - 0.5)); axis.setAttribute('y2', String(h - 0.5));
    axis.setAttribute('class', 'axis');
    svg.append(axis);
    return svg;
  }

  async function act(name, action) {
    const status = $('status');
    try {
      const r = await fetch(`api/breakers/${encodeURIComponent(name)}/${action}`, { method: 'POST', headers: { 'X-FlexiAI-Dashboard': '1' }, credentials: 'same-origin' });
      status.textContent = r.ok ? `${action} ${name}: done` : `${action} ${name}: HTTP ${r.status}`;
    } catch (e) {
      status.textContent = `${action} ${name}: failed`;
    }
    poll();
  }

  function provider(p, snap) {
    const card = el('article', { class: 'provider', 'data-provider': p.name });
    const h = el('h3');
    h.append(el('span', null, p.name));
    const b = p.breaker;
    h.append(el('span', { class: 'breaker', 'data-state': b.state, 'aria-label': 'breaker ' + stateText(b.state) }, stateText(b.state)));
    if (p.primary) h.append(el('span', { class: 'badge' }, 'primary'));
    else h.append(el('span', { class: 'badge' }, '#' + p.position));
    card.append(h, el('p', { class: 'model' }, `${p.type} · ${p.model}`));

    let detail = '';
    if (b.state !== 'closed') {
      detail = `opened ${time(b.opened_at)}`;
      if (b.next_probe_at) detail += ` · next probe in ${inSeconds(b.next_probe_at, snap.captured_at)} (${time(b.next_probe_at)})`;
    } else if (b.consecutive_failures > 0) {
      detail = `${b.consecutive_failures} consecutive failure(s)`;
    }
    if (p.last_error) detail += (detail ? ' · ' : '') + `last error ${p.last_error.category}` + (p.last_error.status_code ? ` ${p.last_error.status_code}` : '') + ` at ${time(p.last_error.at)}`;
    card.append(el('p', { class: 'breaker-detail' }, detail));

    const cats = Object.entries(p.failures_by_category).map(([c, k]) => `${c} ${nf.format(k)}`).join(', ') || 'none';
    card.append(stats([
      ['attempts', `${nf.format(p.requests)} (${nf.format(p.successes)} ok, ${nf.format(p.failures)} failed, ${nf.format(p.skips)} skipped)`],
      ['failures by category', cats],
      ['success rate', p.success_rate === null ? '–' : (p.success_rate * 100).toFixed(1) + '%'],
      ['latency p50 / p95 / p99', p.latency_ms ? `${ms(p.latency_ms.p50)} / ${ms(p.latency_ms.p95)} / ${ms(p.latency_ms.p99)}` : '–'],
      ['first token p50 / p95 / p99', p.time_to_first_token_ms ? `${ms(p.time_to_first_token_ms.p50)} / ${ms(p.time_to_first_token_ms.p95)} / ${ms(p.time_to_first_token_ms.p99)}` : '–'],
      ['tokens in / out', `${nf.format(p.input_tokens)} / ${nf.format(p.output_tokens)}`],
      ['cost today', usd(p.cost_today)],
      ['breaker trips', nf.format(b.trips)],
    ]));
    card.append(chart(p.history, snap.history_bucket_seconds));
    const legend = el('div', { class: 'legend' });
    const l1 = el('span'); l1.append(el('span', { class: 'sw req' }), 'attempts');
    const l2 = el('span'); l2.append(el('span', { class: 'sw fail' }), 'failures');
    legend.append(l1, l2, el('span', null, `per ${snap.history_bucket_seconds} s`));
    card.append(legend);

    if (snap.admin_actions) {
      const actions = el('div', { class: 'actions' });
      const reset = el('button', { type: 'button', class: 'admin-action', 'data-action': 'reset' }, 'Reset breaker');
      reset.addEventListener('click', () => act(p.name, 'reset'));
      const trip = el('button', { type: 'button', class: 'admin-action', 'data-action': 'trip' }, 'Trip breaker');
      trip.addEventListener('click', () => act(p.name, 'trip'));
      actions.append(reset, trip);
      card.append(actions);
    }
    return card;
  }

  function render(snap) {
    const t = snap.totals;
    const tiles = [
      ['requests', nf.format(t.requests)], ['succeeded', nf.format(t.succeeded)], ['failed', nf.format(t.failed)],
      ['failovers', nf.format(t.failovers)], ['tokens in / out', `${nf.format(t.input_tokens)} / ${nf.format(t.output_tokens)}`],
      ['cost today', usd(snap.cost.today)], ['cost since start', usd(snap.cost.since_start)],
      ...(snap.budgets || []).map(b => [`budget ${b.description}`, b.used !== null ? `${(b.used * 100).toFixed(0)} % of ${usd(b.limit)}` : (b.spent !== null ? `${usd(b.spent)} spent` : 'store not answering')]),
      ['cache hit rate', snap.cache && snap.cache.hit_rate !== null ? `${(snap.cache.hit_rate * 100).toFixed(1)} % of ${nf.format(snap.cache.hits + snap.cache.misses)}` : '—'],
    ];
    const totals = $('totals');
    totals.replaceChildren(...tiles.map(([k, v]) => { const d = el('div'); d.append(el('dt', null, k), el('dd', null, v)); return d; }));
    $('providers').replaceChildren(...snap.providers.map(p => provider(p, snap)));
    const rows = snap.timeline.map(c => {
      const tr = el('tr');
      tr.append(el('td', null, time(c.at)), el('td', null, c.provider),
        el('td', { class: 'to-' + c.to }, `${stateText(c.from)} → ${stateText(c.to)}`),
        el('td', null, c.reason + (c.category ? ` (${c.category})` : '')),
        el('td', null, c.next_probe_at ? time(c.next_probe_at) : '–'));
      return tr;
    });
    document.querySelector('#timeline tbody').replaceChildren(...rows);
    $('timeline-empty').hidden = rows.length > 0;
    $('since').textContent = new Date(snap.since).toLocaleString();
    $('window').textContent = Math.round(snap.window_seconds / 60) + ' min';
  }

  let timer = 0;
  async function poll() {
    clearTimeout(timer);
    const status = $('status');
    try {
      const r = await fetch('api/snapshot', { cache: 'no-store', credentials: 'same-origin' });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const snap = await r.json();
      render(snap);
      status.classList.remove('stale');
      status.textContent = 'live · updated ' + time(snap.captured_at);
    } catch (e) {
      status.classList.add('stale');
      status.textContent = 'not updating: ' + e.message;
    }
    timer = setTimeout(poll, POLL_MS);
  }

  poll();
})();
