// The pgm serve page: plain JavaScript, no build step, nothing fetched but this server's own API.
// State lives here; the server does all inference (GET /api/model, POST /api/query, POST /api/independent,
// GET /api/render). SVG ids follow the renderer's contract: node groups pgm-v-<v>, state rows pgm-s-<v>-<s>,
// edges pgm-e-<u>-<v> (v, s the model's own indices, the order of GET /api/model).
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';

const app = {
  model: null,
  gaussian: false,   // gaussian or linear-gaussian: numeric evidence, means and covariances
  names: [],         // variable names in model order
  states: [],        // discrete: state names per variable
  index: new Map(),  // name -> variable index
  evidence: new Map(),  // name -> state name (discrete) or number (Gaussian)
  trail: null,       // the last d-separation answer: {edges: [ids], nodes: [names], given: [names]}
  posterior: null,   // the last Gaussian query answer
  seq: 0,            // the newest update; older answers arriving late are dropped
  version: 0,        // completed updates, exposed as body[data-version] for tests
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) node.append(c);
  return node;
}

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

// One request to the server; a non-2xx answer throws its {"error": message} text.
async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try { message = JSON.parse(text).error ?? text; } catch (_) { /* not JSON: show it as is */ }
    const err = new Error(message || `${res.status} ${res.statusText}`);
    err.status = res.status;
    throw err;
  }
  return text;
}

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
}

function hideError() {
  const box = $('error');
  box.textContent = '';
  box.hidden = true;
}

function setBusy(on) {
  $('busy').hidden = !on;
  document.body.dataset.busy = on ? 'true' : 'false';
}

function finished() {
  app.version += 1;
  document.body.dataset.version = String(app.version);
  setBusy(false);
}

function formatNumber(x) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(4);
  return x.toFixed(4);
}

// ---- evidence -------------------------------------------------------------------------------------

function evidenceObject(evidence) {
  const out = {};
  for (const [k, v] of evidence) out[k] = v;
  return out;
}

function givenParam(evidence) {
  return [...evidence].map(([k, v]) => `${k}=${v}`).join(',');
}

function toggleState(v, s) {
  const name = app.names[v];
  const state = app.states[v] && app.states[v][s];
  if (name === undefined || state === undefined) return;
  const next = new Map(app.evidence);
  if (next.get(name) === state) next.delete(name);
  else next.set(name, state);
  update(next);
}

function clearVariable(name) {
  const next = new Map(app.evidence);
  next.delete(name);
  update(next);
}

function renderEvidenceList() {
  const list = $('evidence-list');
  list.replaceChildren();
  for (const [name, value] of app.evidence) {
    const text = `${name} = ${value}`;
    const remove = el('button', { type: 'button', class: 'remove', 'aria-label': `Clear ${name}`, text: '×' });
    remove.addEventListener('click', () => clearVariable(name));
    list.append(el('li', { 'data-var': name }, el('span', { text }), remove));
  }
  $('evidence-none').hidden = app.evidence.size > 0;
  $('clear-evidence').disabled = app.evidence.size === 0;
  if (app.gaussian) {
    for (const input of $('gaussian-evidence-form').querySelectorAll('input')) {
      const v = app.evidence.get(input.dataset.var);
      if (document.activeElement !== input) input.value = v === undefined ? '' : String(v);
      input.setAttribute('aria-invalid', 'false');
    }
  }
}

// ---- one update: query, then picture ---------------------------------------------------------------

async function update(next) {
  const mine = ++app.seq;
  setBusy(true);
  let answer;
  try {
    const body = { evidence: evidenceObject(next) };
    if (app.gaussian) {
      const targets = app.names.filter((n) => !next.has(n));
      if (targets.length > 0) body.targets = targets;
      answer = targets.length > 0 ? JSON.parse(await api('POST', '/api/query', body)) : null;
    } else {
      answer = JSON.parse(await api('POST', '/api/query', body));
    }
  } catch (err) {
    if (mine !== app.seq) return;
    // Impossible or invalid evidence: say why, keep the previous evidence and picture.
    showError(err.message);
    renderEvidenceList();
    finished();
    return;
  }
  if (mine !== app.seq) return;
  hideError();
  app.evidence = next;
  renderEvidenceList();
  if (app.gaussian) showGaussian(answer);
  else showPosteriors(answer);
  await loadPicture(mine);
  if (mine !== app.seq) return;
  finished();
}

async function loadPicture(mine) {
  const graph = $('graph');
  let text;
  try {
    const given = givenParam(app.evidence);
    text = await api('GET', '/api/render' + (given ? '?given=' + encodeURIComponent(given) : ''));
  } catch (err) {
    if (mine !== app.seq) return;
    graph.replaceChildren(el('p', { class: 'error', text: `The picture could not be drawn: ${err.message}` }));
    return;
  }
  if (mine !== app.seq) return;
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  if (!svg || svg.nodeName !== 'svg' || doc.getElementsByTagName('parsererror').length > 0) {
    graph.replaceChildren(el('p', { class: 'error', text: 'The picture could not be read (not SVG).' }));
    return;
  }
  const node = document.importNode(svg, true);
  node.setAttribute('role', 'img');
  node.setAttribute('aria-label', `The network ${app.model.name || ''}`);
  node.classList.add('network');
  // Keep Graphviz's natural size for 100% and let CSS scale it to fit otherwise.
  node.dataset.width = node.getAttribute('width') || '';
  node.dataset.height = node.getAttribute('height') || '';
  graph.replaceChildren(node);
  applyZoom();
  wireStates(node);
  applyTrail();
}

// State rows in the picture become buttons (mouse and keyboard).
function wireStates(svg) {
  for (const row of svg.querySelectorAll('[id*="pgm-s-"]')) {
    const m = /pgm-s-(\d+)-(\d+)$/.exec(row.id);
    if (!m) continue;
    const v = Number(m[1]);
    const s = Number(m[2]);
    const name = app.names[v];
    const state = app.states[v] && app.states[v][s];
    if (name === undefined || state === undefined) continue;
    const observed = app.evidence.get(name) === state;
    // Graphviz paints only the row's glyphs and bars: a transparent rectangle under them makes the whole
    // row one target (and carries the hover and focus highlight).
    try {
      const box = row.getBBox();
      const hit = svgEl('rect', { x: box.x - 2, y: box.y - 1, width: box.width + 4, height: box.height + 2, class: 'pgm-hit' });
      row.insertBefore(hit, row.firstChild);
    } catch (_) { /* not rendered (display: none): no hit area needed */ }
    row.classList.add('pgm-state');
    if (observed) row.classList.add('pgm-observed');
    row.setAttribute('tabindex', '0');
    row.setAttribute('role', 'button');
    row.setAttribute('aria-pressed', observed ? 'true' : 'false');
    row.setAttribute('aria-label', observed ? `Clear ${name} = ${state}` : `Observe ${name} = ${state}`);
    row.dataset.var = name;
    row.dataset.state = state;
  }
}

function stateFromTarget(target) {
  const row = target.closest && target.closest('.pgm-state');
  if (!row) return null;
  const m = /pgm-s-(\d+)-(\d+)$/.exec(row.id);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

// ---- posteriors (discrete) -----------------------------------------------------------------------

function showPosteriors(answer) {
  const box = $('posteriors');
  box.replaceChildren();
  const marginals = answer.marginals || {};
  app.names.forEach((name, v) => {
    const dist = marginals[name];
    if (!dist) return;
    const observed = app.evidence.get(name);
    const table = el('table', { class: 'posterior', id: `posterior-${v}`, 'data-var': name });
    const caption = el('caption', {}, el('span', { class: 'name', text: name }));
    if (observed !== undefined) caption.append(el('span', { class: 'observed-tag', text: ' observed' }));
    table.append(caption);
    const body = el('tbody');
    (app.states[v] || Object.keys(dist)).forEach((state, s) => {
      const p = Number(dist[state]);
      const pressed = observed === state;
      const button = el('button', {
        type: 'button', class: 'state-btn', 'aria-pressed': pressed ? 'true' : 'false',
        title: pressed ? `Clear ${name}` : `Observe ${name} = ${state}`, text: state,
      });
      button.addEventListener('click', () => toggleState(v, s));
      const fill = el('span', { class: 'bar-fill' });
      fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
      body.append(el('tr', { 'data-var': name, 'data-state': state, 'data-prob': p, class: pressed ? 'observed' : null },
        el('th', { scope: 'row' }, button),
        el('td', { class: 'prob', text: p.toFixed(4) }),
        el('td', { class: 'bar', 'aria-hidden': 'true' }, fill)));
    });
    table.append(body);
    box.append(table);
  });
  const pe = answer.probability_of_evidence;
  // A Markov network's factors are unnormalised: what the server reports is the evidence's weight Z(e).
  const label = app.model.type === 'markov-network' ? 'Z(evidence), unnormalised' : 'P(evidence)';
  $('evidence-probability').textContent =
    app.evidence.size > 0 && typeof pe === 'number' ? `${label} = ${formatNumber(pe)}` : '';
}

// ---- Gaussian: means, standard deviations, the pair's ellipses ------------------------------------

function showGaussian(answer) {
  app.posterior = answer;
  const box = $('posteriors');
  box.replaceChildren();
  const table = el('table', { class: 'posterior gaussian', id: 'gaussian-posteriors' });
  table.append(el('caption', { text: 'Mean ± standard deviation given the evidence' }));
  table.append(el('thead', {}, el('tr', {},
    el('th', { scope: 'col', text: 'variable' }), el('th', { scope: 'col', text: 'mean' }),
    el('th', { scope: 'col', text: 'sd' }))));
  const body = el('tbody');
  for (const name of app.names) {
    const g = gaussianOf(name);
    body.append(el('tr', { 'data-var': name, 'data-mean': g.mean, 'data-sd': g.sd, class: g.observed ? 'observed' : null },
      el('th', { scope: 'row', text: name }),
      el('td', { class: 'mean', text: formatNumber(g.mean) }),
      el('td', { class: 'sd', text: g.observed ? 'observed' : formatNumber(g.sd) })));
  }
  table.append(body);
  box.append(table);
  $('evidence-probability').textContent = '';
  showPair();
}

// Mean and sd of one variable now: observed ones are their value, with no spread.
function gaussianOf(name) {
  if (app.evidence.has(name)) return { mean: app.evidence.get(name), sd: 0, observed: true };
  const a = app.posterior;
  const i = a ? a.variables.indexOf(name) : -1;
  if (i < 0) return { mean: NaN, sd: NaN, observed: false };
  return { mean: a.mean[i], sd: Math.sqrt(Math.max(0, a.covariance[i][i])), observed: false };
}

function covarianceOf(x, y) {
  if (app.evidence.has(x) || app.evidence.has(y)) return 0;
  const a = app.posterior;
  const i = a.variables.indexOf(x);
  const j = a.variables.indexOf(y);
  return i < 0 || j < 0 ? NaN : a.covariance[i][j];
}

function showPair() {
  const x = $('gauss-a').value;
  const y = $('gauss-b').value;
  const body = $('gaussian-means').querySelector('tbody');
  body.replaceChildren();
  for (const name of x === y ? [x] : [x, y]) {
    const g = gaussianOf(name);
    body.append(el('tr', { 'data-var': name },
      el('th', { scope: 'row', text: name }),
      el('td', { class: 'mean', 'data-var': name, 'data-value': g.mean, text: formatNumber(g.mean) }),
      el('td', { class: 'sd', 'data-var': name, 'data-value': g.sd, text: g.observed ? 'observed' : formatNumber(g.sd) })));
  }
  const box = $('ellipse');
  const corr = $('gaussian-correlation');
  corr.textContent = '';
  if (x === y) {
    box.replaceChildren(el('p', { class: 'muted', text: 'Choose two different variables to see their ellipses.' }));
    return;
  }
  const gx = gaussianOf(x);
  const gy = gaussianOf(y);
  if (gx.observed || gy.observed) {
    const which = [x, y].filter((n) => app.evidence.has(n)).join(' and ');
    box.replaceChildren(el('p', { class: 'muted', text: `${which} observed: no spread to draw. Choose unobserved variables.` }));
    return;
  }
  const cxy = covarianceOf(x, y);
  if (gx.sd > 0 && gy.sd > 0) corr.textContent = `correlation ${formatNumber(cxy / (gx.sd * gy.sd))}`;
  box.replaceChildren(drawEllipses(x, y, [gx.mean, gy.mean], [[gx.sd * gx.sd, cxy], [cxy, gy.sd * gy.sd]]));
}

// Eigen-decomposition of a symmetric 2x2 matrix [[p, q], [q, r]]: l1 >= l2, v1 the major axis.
function eigen2(m) {
  const p = m[0][0], q = m[0][1], r = m[1][1];
  const half = (p + r) / 2;
  const d = Math.hypot((p - r) / 2, q);
  const theta = 0.5 * Math.atan2(2 * q, p - r);
  return {
    l1: half + d, l2: Math.max(0, half - d),
    v1: [Math.cos(theta), Math.sin(theta)], v2: [-Math.sin(theta), Math.cos(theta)], theta,
  };
}

function niceTicks(lo, hi, count) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) || raw;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function drawEllipses(x, y, mean, cov) {
  const W = 380, H = 300, L = 52, R = 14, T = 14, B = 40;
  const e = eigen2(cov);
  const sx = Math.sqrt(Math.max(cov[0][0], 0)) || 1;
  const sy = Math.sqrt(Math.max(cov[1][1], 0)) || 1;
  const x0 = mean[0] - 2.6 * sx, x1 = mean[0] + 2.6 * sx;
  const y0 = mean[1] - 2.6 * sy, y1 = mean[1] + 2.6 * sy;
  const px = (v) => L + ((v - x0) / (x1 - x0)) * (W - L - R);
  const py = (v) => H - B - ((v - y0) / (y1 - y0)) * (H - T - B);
  const svg = svgEl('svg', {
    viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', id: 'ellipse-svg',
    'data-l1': e.l1, 'data-l2': e.l2, 'data-theta': e.theta,
    'aria-label': `1 and 2 standard deviation ellipses of ${x} and ${y}`,
  });
  svg.append(svgEl('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot-area' }));
  for (const t of niceTicks(x0, x1, 5)) {
    svg.append(svgEl('line', { x1: px(t), x2: px(t), y1: T, y2: H - B, class: 'grid' }));
    const label = svgEl('text', { x: px(t), y: H - B + 14, 'text-anchor': 'middle', class: 'tick' });
    label.textContent = String(+t.toPrecision(6));
    svg.append(label);
  }
  for (const t of niceTicks(y0, y1, 5)) {
    svg.append(svgEl('line', { x1: L, x2: W - R, y1: py(t), y2: py(t), class: 'grid' }));
    const label = svgEl('text', { x: L - 4, y: py(t) + 4, 'text-anchor': 'end', class: 'tick' });
    label.textContent = String(+t.toPrecision(6));
    svg.append(label);
  }
  const xl = svgEl('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-label' });
  xl.textContent = x;
  const yl = svgEl('text', { x: 12, y: (T + H - B) / 2, 'text-anchor': 'middle', class: 'axis-label',
    transform: `rotate(-90 12 ${(T + H - B) / 2})` });
  yl.textContent = y;
  svg.append(xl, yl);
  // The k-sigma ellipse: mean + k (sqrt(l1) cos t v1 + sqrt(l2) sin t v2), mapped point by point so the
  // two axes may have different scales.
  const a1 = Math.sqrt(e.l1), a2 = Math.sqrt(e.l2);
  for (const k of [2, 1]) {
    const pts = [];
    for (let i = 0; i <= 120; i += 1) {
      const t = (2 * Math.PI * i) / 120;
      const c = k * a1 * Math.cos(t), s = k * a2 * Math.sin(t);
      const u = mean[0] + c * e.v1[0] + s * e.v2[0];
      const w = mean[1] + c * e.v1[1] + s * e.v2[1];
      pts.push(`${px(u).toFixed(2)},${py(w).toFixed(2)}`);
    }
    svg.append(svgEl('polyline', { points: pts.join(' '), class: `sigma sigma-${k}`, 'data-k': k }));
  }
  svg.append(svgEl('circle', { cx: px(mean[0]), cy: py(mean[1]), r: 3.5, class: 'mean-dot' }));
  const legend = svgEl('text', { x: W - R - 4, y: T + 14, 'text-anchor': 'end', class: 'legend' });
  legend.textContent = '1σ and 2σ';
  svg.append(legend);
  return svg;
}

// ---- d-separation -------------------------------------------------------------------------------

// The model's edges as [from, to] pairs: discrete models list pairs, linear-Gaussian ones {from, to, weight}.
function modelEdges() {
  return (Array.isArray(app.model.edges) ? app.model.edges : []).map((e) => (Array.isArray(e) ? e : [e.from, e.to]));
}

// The SVG id of the edge between two variables (its direction as the model has it).
function edgeId(a, b) {
  const ia = app.index.get(a), ib = app.index.get(b);
  if (app.model.type === 'markov-network') return `pgm-e-${Math.min(ia, ib)}-${Math.max(ia, ib)}`;  // undirected: u < v
  const edges = modelEdges();
  if (edges.some((e) => e[0] === a && e[1] === b)) return `pgm-e-${ia}-${ib}`;
  if (edges.some((e) => e[0] === b && e[1] === a)) return `pgm-e-${ib}-${ia}`;
  if (document.getElementById(`pgm-e-${ia}-${ib}`)) return `pgm-e-${ia}-${ib}`;
  if (document.getElementById(`pgm-e-${ib}-${ia}`)) return `pgm-e-${ib}-${ia}`;
  return `pgm-e-${Math.min(ia, ib)}-${Math.max(ia, ib)}`;
}

async function runDsep(event) {
  if (event) event.preventDefault();
  const x = $('dsep-x').value;
  const y = $('dsep-y').value;
  const given = [...$('dsep-given').selectedOptions].map((o) => o.value);
  const box = $('dsep-result');
  box.dataset.state = 'pending';
  let answer;
  try {
    answer = JSON.parse(await api('POST', '/api/independent', { x: [x], y: [y], given }));
  } catch (err) {
    app.trail = null;
    applyTrail();
    box.replaceChildren(el('p', { class: 'error', text: err.message }));
    box.dataset.state = 'error';
    box.removeAttribute('data-independent');
    box.dataset.trailEdges = '';
    return;
  }
  const statement = `${x} ⊥ ${y}${given.length ? ' | ' + given.join(', ') : ''}`;
  const trail = Array.isArray(answer.active_trail) ? answer.active_trail : null;
  const edges = [];
  if (trail) for (let i = 1; i < trail.length; i += 1) edges.push(edgeId(trail[i - 1], trail[i]));
  app.trail = { edges, nodes: trail || [], given };
  box.replaceChildren();
  const verdict = answer.independent ? 'independent' : 'dependent';
  box.append(el('p', { class: `verdict ${verdict}`, id: 'dsep-verdict' },
    el('strong', { text: verdict }), ` — ${statement}` + (answer.independent ? ' holds' : ' does not hold'),
    answer.method ? ` (${answer.method})` : ''));
  if (trail) {
    box.append(el('p', { class: 'trail', id: 'dsep-trail', text: `active trail: ${trail.join(' — ')}` }));
  } else if (answer.independent) {
    box.append(el('p', { class: 'muted', text: 'Every trail is blocked: nothing to highlight.' }));
  }
  box.dataset.state = 'done';
  box.dataset.independent = answer.independent ? 'true' : 'false';
  box.dataset.trailEdges = edges.join(' ');
  applyTrail();
}

function clearDsep() {
  app.trail = null;
  const box = $('dsep-result');
  box.replaceChildren();
  box.dataset.state = '';
  box.dataset.trailEdges = '';
  box.removeAttribute('data-independent');
  applyTrail();
}

function applyTrail() {
  const svg = $('graph').querySelector('svg');
  if (!svg) return;
  for (const c of ['pgm-trail', 'pgm-trail-node', 'pgm-given']) {
    for (const n of svg.querySelectorAll('.' + c)) n.classList.remove(c);
  }
  if (!app.trail) return;
  for (const id of app.trail.edges) {
    const g = svg.querySelector(`[id="${id}"]`);
    if (g) g.classList.add('pgm-trail');
  }
  const mark = (names, cls) => {
    for (const name of names) {
      const g = svg.querySelector(`[id="pgm-v-${app.index.get(name)}"]`);
      if (g) g.classList.add(cls);
    }
  };
  mark(app.trail.nodes, 'pgm-trail-node');
  mark(app.trail.given, 'pgm-given');
}

// ---- set-up -------------------------------------------------------------------------------------

function fillSelect(select, names, selected) {
  select.replaceChildren(...names.map((n) => el('option', { value: n, selected: n === selected, text: n })));
}

function applyZoom() {
  const graph = $('graph');
  const fit = graph.classList.contains('fit');
  const svg = graph.querySelector('svg');
  if (svg) {
    if (fit) {
      svg.removeAttribute('width');
      svg.removeAttribute('height');
      // Shrink big networks to the pane, but blow small ones up at most 1.5 times.
      const px = (v) => (/pt$/.test(v) ? parseFloat(v) * 4 / 3 : parseFloat(v));
      const w = px(svg.dataset.width), h = px(svg.dataset.height);
      svg.style.maxWidth = Number.isFinite(w) ? `${1.5 * w}px` : '';
      svg.style.maxHeight = Number.isFinite(h) ? `${1.5 * h}px` : '';
    } else {
      svg.style.maxWidth = '';
      svg.style.maxHeight = '';
      if (svg.dataset.width) svg.setAttribute('width', svg.dataset.width);
      if (svg.dataset.height) svg.setAttribute('height', svg.dataset.height);
    }
  }
  $('zoom-fit').setAttribute('aria-pressed', fit ? 'true' : 'false');
  $('zoom-full').setAttribute('aria-pressed', fit ? 'false' : 'true');
}

function setUpGaussianEvidence() {
  const form = $('gaussian-evidence-form');
  form.replaceChildren();
  app.names.forEach((name, v) => {
    const id = `gev-${v}`;
    const input = el('input', { id, type: 'text', inputmode: 'decimal', 'data-var': name, placeholder: 'unobserved', autocomplete: 'off' });
    const apply = () => {
      const text = input.value.trim();
      const next = new Map(app.evidence);
      if (text === '') {
        if (!next.has(name)) return;
        next.delete(name);
      } else {
        const value = Number(text);
        if (!Number.isFinite(value)) {
          input.setAttribute('aria-invalid', 'true');
          showError(`${name}: '${text}' is not a number`);
          return;
        }
        input.setAttribute('aria-invalid', 'false');
        if (next.get(name) === value) return;
        next.set(name, value);
      }
      update(next);
    };
    input.addEventListener('change', apply);
    input.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); apply(); } });
    form.append(el('div', { class: 'gev-row' }, el('label', { for: id, text: name }), input));
  });
}

async function init() {
  setBusy(true);
  try {
    app.model = JSON.parse(await api('GET', '/api/model'));
  } catch (err) {
    showError(`Could not load the model: ${err.message}`);
    finished();
    return;
  }
  const m = app.model;
  const kind = m.type || '';
  app.gaussian = kind === 'gaussian' || kind === 'linear-gaussian';
  if (Array.isArray(m.variables)) {
    app.names = m.variables.slice();
    app.states = app.names.map(() => null);
  } else {
    app.names = Object.keys(m.variables || {});
    app.states = app.names.map((n) => m.variables[n]);
  }
  app.names.forEach((n, i) => app.index.set(n, i));
  document.body.dataset.kind = kind;
  document.title = `pgm — ${m.name || 'model'}`;
  $('model-name').textContent = m.name || 'model';
  $('model-kind').textContent = kind;
  const edgeCount = Array.isArray(m.edges) ? `, ${m.edges.length} edges` : '';
  $('model-summary').textContent = `${app.names.length} variables${edgeCount}`;

  fillSelect($('dsep-x'), app.names, app.names[0]);
  fillSelect($('dsep-y'), app.names, app.names[app.names.length - 1]);
  fillSelect($('dsep-given'), app.names, null);
  $('dsep-form').addEventListener('submit', runDsep);
  $('dsep-clear').addEventListener('click', clearDsep);

  if (app.gaussian) {
    $('graph-hint').textContent = 'Each node shows its mean ± standard deviation given the evidence.';
    $('gaussian-evidence').hidden = false;
    $('gaussian-section').hidden = false;
    // The pair's ellipses first, the independence form last: what a Gaussian model is looked at for.
    $('evidence-section').after($('gaussian-section'));
    $('side').append($('dsep-section'));
    setUpGaussianEvidence();
    fillSelect($('gauss-a'), app.names, app.names[0]);
    fillSelect($('gauss-b'), app.names, app.names[Math.min(1, app.names.length - 1)]);
    $('gauss-a').addEventListener('change', () => app.posterior !== undefined && showPair());
    $('gauss-b').addEventListener('change', () => app.posterior !== undefined && showPair());
  }

  const graph = $('graph');
  graph.addEventListener('click', (ev) => {
    const hit = stateFromTarget(ev.target);
    if (hit) { ev.preventDefault(); toggleState(hit[0], hit[1]); }
  });
  graph.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    const hit = stateFromTarget(ev.target);
    if (hit) { ev.preventDefault(); toggleState(hit[0], hit[1]); }
  });
  $('zoom-fit').addEventListener('click', () => { graph.classList.add('fit'); applyZoom(); });
  $('zoom-full').addEventListener('click', () => { graph.classList.remove('fit'); applyZoom(); });
  $('clear-evidence').addEventListener('click', () => update(new Map()));

  await update(new Map());
}

document.addEventListener('DOMContentLoaded', init);
