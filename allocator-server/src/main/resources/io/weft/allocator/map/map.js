// The weft lease map: draws the subnet space from /map/state, /map/blocks and the live
// /map/events stream (see LeaseMapPage). Plain browser JavaScript, no build step, no
// network access beyond this server. Read-only: it never sends a write.
'use strict';
(() => {
  const SINGLE_CELLS = 65536; // a range up to this many subnets is drawn one cell per subnet
  const BLOCK_CELLS = 4096; // a larger range is drawn as this many blocks
  const MAP_WIDTH = 768;
  const PAGE_ROWS = 200;

  const el = (id) => document.getElementById(id);
  const canvas = el('map');
  const ctx = canvas.getContext('2d');
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue('--' + name).trim();
  const COLOURS = {
    free: colour('free'), reserved: colour('reserved'), quarantined: colour('quarantined'),
    'leased-long': colour('long'), 'leased-hour': colour('hour'), 'leased-soon': colour('soon'),
    'leased-unknown': colour('unknown'),
  };

  const model = {
    leases: new Map(), // key -> lease
    pending: null, // a snapshot still arriving in chunks
    byIndex: { ipv4: new Map(), ipv6: new Map() },
    quarantined: { ipv4: new Map(), ipv6: new Map() },
    state: null,
    skew: 0, // server clock minus ours
    revision: 0,
    loaded: false,
  };
  const view = {
    family: null, from: 0, to: 0, stack: [], blocks: null, grid: null,
    selected: null, query: '', matches: [], page: 0,
  };
  // Milliseconds since navigation start (performance.now()), for measuring the first load.
  const stats = { snapshotStartMs: null, snapshotDoneMs: null, firstDrawMs: null, firstDrawTookMs: null, draws: 0 };

  // ---- subnets as text (BigInt, so IPv6 works too) ----
  function parseAddress(text) {
    if (text.includes('.')) {
      return text.split('.').reduce((v, part) => (v << 8n) | BigInt(part), 0n);
    }
    const [head, tail] = text.split('::');
    const groups = (s) => (s ? s.split(':') : []);
    const h = groups(head);
    const t = tail === undefined ? [] : groups(tail);
    const all = h.concat(Array(8 - h.length - t.length).fill('0'), t);
    return all.reduce((v, g) => (v << 16n) | BigInt(parseInt(g, 16)), 0n);
  }

  function formatAddress(value, ipv6) {
    if (!ipv6) {
      return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
    }
    const groups = [];
    for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
    let best = -1; let bestLen = 1;
    for (let i = 0; i < 8;) {
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen) { best = i; bestLen = j - i; }
      i = j === i ? i + 1 : j;
    }
    if (best < 0) return groups.join(':');
    return groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLen).join(':');
  }

  function subnetAt(family, index) {
    const info = familyInfo(family);
    if (!info) return '';
    const ipv6 = family === 'ipv6';
    const bits = ipv6 ? 128n : 32n;
    const min = parseAddress(info.min.split('/')[0]);
    const start = min + (BigInt(index) << (bits - BigInt(info.subnetLen)));
    return formatAddress(start, ipv6) + '/' + info.subnetLen;
  }

  // ---- the model ----
  const familyInfo = (family) => (model.state ? model.state.families.find((f) => f.family === family) : null);
  const now = () => Date.now() + model.skew;

  function indexLease(lease, add) {
    for (const [family, at] of [['ipv4', lease.i4], ['ipv6', lease.i6]]) {
      if (at < 0) continue;
      const map = model.byIndex[family];
      if (add) map.set(at, lease);
      else if (map.get(at) && map.get(at).key === lease.key) map.delete(at);
    }
  }

  function snapshot(chunk) {
    if (stats.snapshotStartMs === null) stats.snapshotStartMs = performance.now();
    if (!model.pending) model.pending = new Map();
    for (const lease of chunk.leases) model.pending.set(lease.key, lease);
    if (chunk.more) return;
    model.leases = model.pending;
    model.pending = null;
    model.byIndex = { ipv4: new Map(), ipv6: new Map() };
    for (const lease of model.leases.values()) indexLease(lease, true);
    model.revision = chunk.revision;
    model.loaded = true;
    if (stats.snapshotDoneMs === null) stats.snapshotDoneMs = performance.now();
    changed();
  }

  function change(event) {
    const lease = event.lease;
    const old = model.leases.get(lease.key);
    if (old) indexLease(old, false);
    if (event.type === 'removed') {
      model.leases.delete(lease.key);
    } else {
      model.leases.set(lease.key, lease);
      indexLease(lease, true);
    }
    model.revision = Math.max(model.revision, event.revision);
    if (view.selected && view.selected.key === lease.key) {
      view.selected = event.type === 'removed' ? null : lease;
    }
    changed();
  }

  function applyState(state) {
    const before = model.state ? JSON.stringify(model.state.families.map((f) => [f.network, f.min, f.max, f.subnetLen])) : null;
    model.state = state;
    model.skew = state.now - Date.now();
    model.quarantined = { ipv4: new Map(), ipv6: new Map() };
    for (const q of state.quarantined) model.quarantined[q.family].set(q.index, q);
    const after = JSON.stringify(state.families.map((f) => [f.network, f.min, f.max, f.subnetLen]));
    if (before !== null && before !== after) {
      // A new network config renumbers every subnet: start over with a fresh snapshot.
      connect();
    }
    if (!view.family || !familyInfo(view.family)) {
      const first = state.families[0];
      if (first) showFamily(first.family);
    }
    renderFamilies();
    renderUsage();
    redraw();
  }

  // ---- fetching (this server's memory only; never etcd) ----
  let stateTimer = null;
  function refreshState(delay) {
    clearTimeout(stateTimer);
    stateTimer = setTimeout(() => {
      fetch('/map/state').then((r) => r.json()).then(applyState).catch(() => lost('cannot read /map/state'));
    }, delay);
  }

  let blocksTimer = null;
  function refreshBlocks(delay) {
    clearTimeout(blocksTimer);
    if (!aggregated()) { view.blocks = null; return; }
    const want = { family: view.family, from: view.from, to: view.to };
    blocksTimer = setTimeout(() => {
      const url = `/map/blocks?family=${want.family}&from=${want.from}&to=${want.to}&cells=${BLOCK_CELLS}`;
      fetch(url).then((r) => r.json()).then((blocks) => {
        if (view.family === want.family && view.from === want.from && view.to === want.to) {
          view.blocks = blocks;
          redraw();
        }
      }).catch(() => lost('cannot read /map/blocks'));
    }, delay);
  }

  let source = null;
  function connect() {
    if (source) source.close();
    source = new EventSource('/map/events');
    source.addEventListener('open', () => status('live', 'live'));
    source.addEventListener('error', () => lost('connection lost, reconnecting…'));
    source.addEventListener('snapshot', (e) => snapshot(JSON.parse(e.data)));
    source.addEventListener('change', (e) => change(JSON.parse(e.data)));
    source.addEventListener('progress', (e) => { model.revision = Math.max(model.revision, JSON.parse(e.data).revision); status('live', 'live'); });
  }

  function changed() {
    status('live', 'live');
    refreshState(150);
    refreshBlocks(150);
    scheduleRedraw();
    scheduleTable();
  }

  function status(text, kind) {
    const s = el('status');
    s.className = kind;
    s.textContent = kind === 'live'
      ? `live · revision ${model.revision} · ${plural(model.leases.size, 'lease')}`
      : text;
  }
  const lost = (why) => status(why, 'lost');
  const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

  // ---- the map ----
  const aggregated = () => view.to - view.from > SINGLE_CELLS;

  function showFamily(family, from, to) {
    const info = familyInfo(family);
    if (!info) return;
    view.family = family;
    view.from = from === undefined ? 0 : from;
    view.to = to === undefined ? info.size : to;
    view.stack = [];
    view.blocks = null;
    if (from !== undefined) view.stack.push({ from: 0, to: info.size });
    refreshBlocks(0);
    renderFamilies();
    redraw();
  }

  function zoom(from, to) {
    view.stack.push({ from: view.from, to: view.to });
    view.from = from;
    view.to = to;
    view.blocks = null;
    refreshBlocks(0);
    redraw();
  }

  function zoomOut() {
    const back = view.stack.pop();
    if (!back) return;
    view.from = back.from;
    view.to = back.to;
    view.blocks = null;
    refreshBlocks(0);
    redraw();
  }

  function gridFor(count) {
    let cols = 1;
    while (cols * cols < count) cols *= 2;
    cols = Math.min(cols, 256);
    const cell = Math.max(1, Math.min(24, Math.floor(MAP_WIDTH / cols)));
    return { count, cols, rows: Math.ceil(count / cols), cell };
  }

  function leaseKind(lease) {
    if (lease.reserved) return 'reserved';
    if (lease.expires === undefined) return 'leased-unknown';
    const left = lease.expires - now();
    if (left < 10 * 60e3) return 'leased-soon';
    if (left < 60 * 60e3) return 'leased-hour';
    return 'leased-long';
  }

  function cellKind(family, index) {
    const lease = model.byIndex[family].get(index);
    if (lease) return leaseKind(lease);
    return model.quarantined[family].has(index) ? 'quarantined' : 'free';
  }

  let redrawQueued = false;
  function scheduleRedraw() {
    if (redrawQueued) return;
    redrawQueued = true;
    requestAnimationFrame(() => { redrawQueued = false; redraw(); });
  }

  function redraw() {
    if (!view.family || !model.loaded) return;
    const single = !aggregated();
    if (!single && !view.blocks) return;
    const started = performance.now();
    const count = single ? view.to - view.from : view.blocks.leased.length;
    const grid = gridFor(count);
    view.grid = grid;
    const width = grid.cols * grid.cell;
    const height = grid.rows * grid.cell;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    ctx.fillStyle = COLOURS.free;
    ctx.fillRect(0, 0, width, height);
    if (single) drawSubnets(grid); else drawBlocks(grid);
    drawOutlines(grid, single);
    renderRange();
    stats.draws++;
    if (stats.firstDrawMs === null && model.state) {
      stats.firstDrawMs = performance.now();
      stats.firstDrawTookMs = stats.firstDrawMs - started;
    }
    canvas.dataset.drawn = String(stats.draws);
  }

  function fillCell(grid, i, style) {
    ctx.fillStyle = style;
    const gap = grid.cell >= 6 ? 1 : 0;
    ctx.fillRect((i % grid.cols) * grid.cell, Math.floor(i / grid.cols) * grid.cell, grid.cell - gap, grid.cell - gap);
  }

  function drawSubnets(grid) {
    const family = view.family;
    for (const [at] of model.quarantined[family]) {
      if (at >= view.from && at < view.to) fillCell(grid, at - view.from, COLOURS.quarantined);
    }
    for (const [at, lease] of model.byIndex[family]) {
      if (at >= view.from && at < view.to) fillCell(grid, at - view.from, COLOURS[leaseKind(lease)]);
    }
  }

  function blockSize(i) {
    return Math.min(view.blocks.per, view.blocks.to - (view.blocks.from + i * view.blocks.per));
  }

  function drawBlocks(grid) {
    const b = view.blocks;
    for (let i = 0; i < b.leased.length; i++) {
      const held = b.leased[i] + b.reserved[i];
      if (held + b.quarantined[i] === 0) continue;
      // Fuller blocks are darker, on a log scale so one lease in a million still shows.
      const share = Math.log1p(held) / Math.log1p(blockSize(i));
      ctx.globalAlpha = held === 0 ? 0.6 : 0.5 + 0.5 * share;
      const style = held === 0 ? COLOURS.quarantined : b.reserved[i] > b.leased[i] ? COLOURS.reserved : COLOURS['leased-long'];
      fillCell(grid, i, style);
    }
    ctx.globalAlpha = 1;
  }

  function drawOutlines(grid, single) {
    const marks = [];
    if (single) {
      for (const lease of view.matches) marks.push([indexIn(lease, view.family), '#111827']);
      if (view.selected) marks.push([indexIn(view.selected, view.family), '#000000']);
    }
    ctx.lineWidth = Math.max(1, Math.floor(grid.cell / 6));
    for (const [at, style] of marks) {
      if (at < view.from || at >= view.to) continue;
      const i = at - view.from;
      ctx.strokeStyle = style;
      ctx.strokeRect((i % grid.cols) * grid.cell - 1, Math.floor(i / grid.cols) * grid.cell - 1, grid.cell + 1, grid.cell + 1);
    }
  }

  const indexIn = (lease, family) => (family === 'ipv6' ? lease.i6 : lease.i4);

  function cellAt(event) {
    if (!view.grid) return -1;
    const rect = canvas.getBoundingClientRect();
    const x = (event.clientX - rect.left) * (canvas.width / rect.width);
    const y = (event.clientY - rect.top) * (canvas.height / rect.height);
    const col = Math.floor(x / view.grid.cell);
    const row = Math.floor(y / view.grid.cell);
    if (col < 0 || col >= view.grid.cols || row < 0) return -1;
    const i = row * view.grid.cols + col;
    return i < view.grid.count ? i : -1;
  }

  // ---- describing a cell ----
  function describeLease(lease) {
    const rows = [
      ['Subnet', lease.s4], ['IPv6 subnet', lease.s6], ['Node', lease.node || '(flanneld: no name)'],
      ['Public IP', lease.ip], ['Public IPv6', lease.ip6], ['Backend', lease.backend],
      ['VNI', lease.vni ? String(lease.vni) : ''], ['VTEP MAC', lease.mac], ['VTEP MAC (IPv6)', lease.mac6],
      ['State', lease.reserved ? 'reserved (never expires)' : 'leased'], ['Expires', expiry(lease)],
      ['How chosen', lease.chosen || 'not recorded by this server'], ['Revision', String(lease.rev)],
    ];
    return rows.filter(([, v]) => v);
  }

  function expiry(lease) {
    if (lease.reserved) return '';
    if (lease.expires === undefined) return 'unknown';
    const left = Math.round((lease.expires - now()) / 1000);
    const h = Math.floor(Math.abs(left) / 3600);
    const m = Math.floor((Math.abs(left) % 3600) / 60);
    const when = new Date(lease.expires).toISOString().replace('.000', '');
    return left >= 0 ? `${when} (in ${h}h ${m}m)` : `${when} (${h}h ${m}m ago)`;
  }

  function describeCell(i) {
    if (aggregated()) {
      const b = view.blocks;
      const from = b.from + i * b.per;
      const size = blockSize(i);
      return [
        ['Block', `${subnetAt(view.family, from)} … ${subnetAt(view.family, from + size - 1)}`],
        ['Subnets', String(size)], ['Leased', String(b.leased[i])], ['Reserved', String(b.reserved[i])],
        ['Quarantined', String(b.quarantined[i])],
        ['Free', String(size - b.leased[i] - b.reserved[i] - b.quarantined[i])],
      ];
    }
    const at = view.from + i;
    const lease = model.byIndex[view.family].get(at);
    if (lease) return describeLease(lease);
    const q = model.quarantined[view.family].get(at);
    if (q) return [['Subnet', q.subnet], ['State', 'quarantined'], ['Until', new Date(q.until).toISOString()]];
    return [['Subnet', subnetAt(view.family, at)], ['State', 'free']];
  }

  function showDetails(rows) {
    const dl = el('selected');
    dl.replaceChildren();
    for (const [name, value] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dl.append(dt, dd);
    }
  }

  canvas.addEventListener('mousemove', (event) => {
    const i = cellAt(event);
    const tip = el('tooltip');
    if (i < 0) { tip.hidden = true; return; }
    tip.textContent = describeCell(i).map(([k, v]) => `${k}: ${v}`).join('\n');
    tip.style.left = `${event.offsetX + 14}px`;
    tip.style.top = `${event.offsetY + 14}px`;
    tip.hidden = false;
  });
  canvas.addEventListener('mouseleave', () => { el('tooltip').hidden = true; });
  canvas.addEventListener('click', (event) => {
    const i = cellAt(event);
    if (i < 0) return;
    if (aggregated()) {
      const from = view.blocks.from + i * view.blocks.per;
      zoom(from, from + blockSize(i));
      return;
    }
    view.selected = model.byIndex[view.family].get(view.from + i) || null;
    showDetails(describeCell(i));
    redraw();
  });
  el('zoom-out').addEventListener('click', zoomOut);

  // ---- the rest of the page ----
  function renderRange() {
    const info = familyInfo(view.family);
    el('zoom-out').disabled = view.stack.length === 0;
    const span = view.to - view.from;
    const what = aggregated()
      ? `${view.blocks.leased.length} blocks of ${view.blocks.per} subnets`
      : `${span} subnets, one cell each`;
    el('range').textContent = info
      ? `${view.family}: ${subnetAt(view.family, view.from)} … ${subnetAt(view.family, view.to - 1)} (${what})`
      : '';
  }

  function renderFamilies() {
    const box = el('families');
    box.replaceChildren();
    for (const f of model.state ? model.state.families : []) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = `${f.family === 'ipv6' ? 'IPv6' : 'IPv4'} ${f.network}`;
      b.setAttribute('aria-pressed', String(f.family === view.family));
      b.addEventListener('click', () => showFamily(f.family));
      box.append(b);
    }
  }

  function renderUsage() {
    const box = el('usage');
    box.replaceChildren();
    if (!model.state.configured) {
      box.textContent = 'No network config is set yet.';
      return;
    }
    for (const f of model.state.families) {
      const div = document.createElement('div');
      div.className = 'family-usage';
      div.dataset.family = f.family;
      const label = document.createElement('div');
      const used = f.size ? ((100 * (f.leased + f.reserved)) / f.size).toFixed(f.size > 1e6 ? 4 : 1) : '0';
      label.textContent = `${f.family === 'ipv6' ? 'IPv6' : 'IPv4'} ${f.network} in /${f.subnetLen}s: `
        + `${f.leased} leased, ${f.reserved} reserved, ${f.quarantined} quarantined, ${f.free} free of ${f.size} (${used}% used)`;
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.setAttribute('role', 'img');
      bar.setAttribute('aria-label', `${used}% used`);
      for (const kind of ['leased', 'reserved', 'quarantined']) {
        const seg = document.createElement('span');
        seg.className = kind;
        seg.style.width = `${f.size ? (100 * f[kind]) / f.size : 0}%`;
        if (f[kind] > 0) seg.style.minWidth = '1px';
        bar.append(seg);
      }
      div.append(label, bar);
      box.append(div);
    }
  }

  let tableTimer = null;
  function scheduleTable() {
    clearTimeout(tableTimer);
    tableTimer = setTimeout(renderTable, 200);
  }

  const order = (a, b) => (a.i4 - b.i4) || (a.i6 - b.i6) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

  function renderTable() {
    const rows = (view.query ? view.matches.slice() : Array.from(model.leases.values())).sort(order);
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_ROWS));
    view.page = Math.min(view.page, pages - 1);
    const first = view.page * PAGE_ROWS;
    const body = document.createElement('tbody');
    for (const lease of rows.slice(first, first + PAGE_ROWS)) {
      const tr = document.createElement('tr');
      tr.dataset.key = lease.key;
      const state = lease.reserved ? 'reserved' : 'leased';
      for (const value of [lease.s4, lease.s6, lease.node, lease.ip, lease.ip6, lease.backend,
        lease.mac, state, lease.reserved ? '' : expiry(lease), lease.chosen]) {
        const td = document.createElement('td');
        td.textContent = value;
        tr.append(td);
      }
      body.append(tr);
    }
    el('leases').tBodies[0].replaceWith(body);
    el('table-info').textContent = rows.length === 0
      ? (view.query ? 'No lease matches the search.' : 'No leases.')
      : `Rows ${first + 1}–${Math.min(rows.length, first + PAGE_ROWS)} of ${rows.length}`
        + `${view.query ? ' matching' : ''} ${rows.length === 1 ? 'lease' : 'leases'} (page ${view.page + 1} of ${pages}).`;
    el('prev').disabled = view.page === 0;
    el('next').disabled = view.page >= pages - 1;
  }
  el('prev').addEventListener('click', () => { view.page--; renderTable(); });
  el('next').addEventListener('click', () => { view.page++; renderTable(); });

  function search() {
    const q = el('search').value.trim().toLowerCase();
    view.query = q;
    view.page = 0;
    // Exact matches (a whole address, name or subnet) win over partial ones.
    const fields = (l) => [l.node, l.ip, l.ip6, l.s4, l.s6, l.key].filter((v) => v).map((v) => v.toLowerCase());
    const all = Array.from(model.leases.values());
    const exact = !q ? [] : all.filter((l) => fields(l).includes(q));
    view.matches = exact.length > 0 || !q ? exact : all.filter((l) => fields(l).some((v) => v.includes(q)));
    el('search-result').textContent = q ? `${view.matches.length} match${view.matches.length === 1 ? '' : 'es'}` : '';
    const hit = view.matches[0];
    if (hit) reveal(hit);
    renderTable();
    redraw();
  }

  function reveal(lease) {
    const family = indexIn(lease, view.family) >= 0 ? view.family : lease.i4 >= 0 ? 'ipv4' : 'ipv6';
    const at = indexIn(lease, family);
    const info = familyInfo(family);
    if (!info || at < 0) return;
    if (family !== view.family || at < view.from || at >= view.to || aggregated()) {
      if (info.size <= SINGLE_CELLS) showFamily(family);
      else {
        const from = Math.floor(at / SINGLE_CELLS) * SINGLE_CELLS;
        showFamily(family, from, Math.min(info.size, from + SINGLE_CELLS));
      }
    }
    view.selected = lease;
    showDetails(describeLease(lease));
  }

  let searchTimer = null;
  el('search').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(search, 150); });
  el('search-form').addEventListener('submit', (e) => { e.preventDefault(); search(); });

  // Colours follow time to expiry; quarantines end. Both come from this server's memory.
  setInterval(() => { refreshState(0); scheduleTable(); }, 30000);

  // For the browser tests and for measuring.
  window.weftMap = {
    ready: () => model.loaded && model.state !== null && stats.draws > 0,
    leaseCount: () => model.leases.size,
    leases: () => Array.from(model.leases.values()),
    revision: () => model.revision,
    firstDrawMs: () => stats.firstDrawMs,
    timings: () => Object.assign({}, stats),
    view: () => ({ family: view.family, from: view.from, to: view.to, aggregated: aggregated(),
      per: view.blocks ? view.blocks.per : 1, blocks: view.blocks ? view.blocks.leased.length : 0 }),
    cellState: (family, index) => cellKind(family, index),
    blockCounts: (i) => (view.blocks ? describeCell(i) : null),
    cellCenter: (i) => (view.grid ? { x: (i % view.grid.cols + 0.5) * view.grid.cell,
      y: (Math.floor(i / view.grid.cols) + 0.5) * view.grid.cell } : null),
  };

  refreshState(0);
  connect();
})();
