// End-to-end test of the `pgm serve` page in headless Chromium (Debian's chromium driven by playwright-core).
// Starts `pgm serve MODEL --port 0` for each model, drives the page as a person would (clicks on the drawn
// network's state rows, the keyboard, the d-separation form, numeric Gaussian evidence) and compares what
// the page shows with what the command line answers on the same evidence (`pgm marginals/query/independent
// --json`), to the page's displayed precision, plus closed forms where the model has them.
//
//   node page_test.mjs --pgm BUILD/tools/pgm --source SOURCE_DIR [--shared SHARED_DIR] --out BUILD/browser
//
// Screenshots go to OUT/screenshots/*.png. PGM_CHROMIUM overrides /usr/bin/chromium. With CI set, a missing
// SHARED_DIR/networks (default SOURCE_DIR/../shared) fails the test instead of skipping the alarm part.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) usage(`bad argument '${argv[i]}'`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['pgm', 'source', 'out']) if (!out[k]) usage(`missing --${k}`);
  return out;
}

function usage(message) {
  console.error(`page_test: ${message}\nusage: node page_test.mjs --pgm PGM --source SOURCE_DIR [--shared SHARED_DIR] --out OUT_DIR`);
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));
const PGM = path.resolve(args.pgm);
const SOURCE = path.resolve(args.source);
const OUT = path.resolve(args.out);
const SHOTS = path.join(OUT, 'screenshots');
const CHROMIUM = process.env.PGM_CHROMIUM || '/usr/bin/chromium';
const ALARM = path.join(args.shared ? path.resolve(args.shared) : path.join(SOURCE, '..', 'shared'), 'networks', 'bif', 'alarm.bif');
const TOLERANCE = 0.5e-4 + 1e-12;  // the page shows 4 decimals

if (!fs.existsSync(CHROMIUM)) {
  console.error(`page_test: FAIL: no Chromium at ${CHROMIUM}. Install Debian's chromium (tools/install-deps.sh does) ` +
    'or point PGM_CHROMIUM at a Chromium binary.');
  process.exit(1);
}
if (!fs.existsSync(PGM)) {
  console.error(`page_test: FAIL: no pgm binary at ${PGM} (build the pgm_cli target)`);
  process.exit(1);
}
let chromium;
try {
  // node_modules live in OUT (npm ci there), not beside this script: resolve from OUT.
  ({ chromium } = createRequire(path.join(OUT, 'package.json'))('playwright-core'));
} catch (err) {
  console.error(`page_test: FAIL: cannot load playwright-core (${err.message}); run 'npm ci' in ${OUT}`);
  process.exit(1);
}
fs.mkdirSync(SHOTS, { recursive: true });

// ---- small helpers --------------------------------------------------------------------------------

let failures = 0;
let checks = 0;
function check(ok, message) {
  checks += 1;
  if (!ok) {
    failures += 1;
    console.error(`FAIL: ${message}`);
  }
}
const t0 = Date.now();
function section(name) { console.log(`-- ${((Date.now() - t0) / 1000).toFixed(1)} s: ${name}`); }

function cli(...argv) {
  return JSON.parse(execFileSync(PGM, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}
function givenArgs(evidence) {
  const list = Object.entries(evidence).map(([k, v]) => `${k}=${v}`);
  return list.length ? ['--given', list.join(',')] : [];
}

// `pgm serve MODEL --port 0`; the first stdout line is the URL.
async function startServer(model) {
  const proc = spawn(PGM, ['serve', model, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pgm serve ${model}: no URL within 10 s; stderr: ${stderr}`)), 10000);
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', (line) => { clearTimeout(timer); resolve(line.trim()); });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`pgm serve ${model} exited (${code}): ${stderr}`)); });
  });
  if (!/^http:\/\/[^/]+:\d+\/$/.test(url)) throw new Error(`pgm serve printed '${url}', not http://HOST:PORT/`);
  return { url, stop: () => new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
    proc.once('exit', (code, signal) => {
      clearTimeout(kill);
      check(code === 0 || signal === 'SIGTERM', `pgm serve ${path.basename(model)} stopped by SIGTERM exits 0 (got ${code}, ${signal})`);
      resolve();
    });
    const asked = Date.now();
    proc.once('exit', () => console.log(`   pgm serve stopped ${Date.now() - asked} ms after SIGTERM`));
    proc.kill('SIGTERM');
  }) };
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });

// A fresh page on a model's server; every request must go to that server and the page must not throw.
async function openPage(url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10000);
  const origin = new URL(url).origin;
  page.on('request', (r) => check(r.url().startsWith(origin) || r.url().startsWith('data:'), `request to elsewhere: ${r.url()}`));
  page.on('pageerror', (e) => check(false, `page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => Number(document.body.dataset.version || 0) >= 1, null, { timeout: 10000 });
  return page;
}

async function version(page) { return page.evaluate(() => Number(document.body.dataset.version || 0)); }

// Run an action that triggers one update and wait until the page has finished it.
async function andWait(page, action) {
  const before = await version(page);
  await action();
  await page.waitForFunction((v) => Number(document.body.dataset.version || 0) > v && document.body.dataset.busy === 'false',
    before, { timeout: 10000 });
}

// Click a state: its row in the drawn network (the contract's pgm-s-<v>-<s>), or the posterior panel's
// button when the picture leaves the rows out.
async function clickState(page, info, name, state, { keyboard = false } = {}) {
  const v = Object.keys(info.variables).indexOf(name);
  const s = info.variables[name].indexOf(state);
  const row = page.locator(`#graph [id="pgm-s-${v}-${s}"]`);
  const target = (await row.count()) > 0 ? row : page.locator(`#posteriors tr[data-var="${name}"][data-state="${state}"] button`);
  await andWait(page, async () => {
    if (keyboard) {
      await target.focus();
      await page.keyboard.press('Enter');
    } else {
      await target.click();
    }
  });
}

async function shownPosteriors(page) {
  return page.$$eval('#posteriors tr[data-var][data-state]', (rows) =>
    rows.map((r) => ({ name: r.dataset.var, state: r.dataset.state, text: r.querySelector('.prob').textContent })));
}

async function shownEvidence(page) {
  return page.$$eval('#evidence-list li', (items) => items.map((li) => li.dataset.var).sort());
}

// The page's posterior table against `pgm marginals --json` (all variables) on the same evidence, and the
// drawn picture's percentages (one decimal) where it shows them.
async function comparePosteriors(page, model, info, evidence, label) {
  const expected = cli('marginals', model, '--json', ...givenArgs(evidence)).marginals;
  const shown = await shownPosteriors(page);
  const count = Object.values(info.variables).reduce((n, states) => n + states.length, 0);
  check(shown.length === count, `${label}: ${count} posterior rows shown (got ${shown.length})`);
  for (const row of shown) {
    const p = expected[row.name] && expected[row.name][row.state];
    check(/^\d\.\d{4}$/.test(row.text), `${label}: P(${row.name}=${row.state}) shown with 4 decimals ('${row.text}')`);
    check(p !== undefined && Math.abs(Number(row.text) - p) <= TOLERANCE,
      `${label}: P(${row.name}=${row.state}) shown ${row.text}, pgm marginals says ${p}`);
  }
  const names = Object.keys(info.variables);
  const percents = await page.$$eval('#graph [id^="pgm-s-"]', (rows) => rows.map((r) => [r.id, r.textContent]));
  for (const [id, text] of percents) {
    const m = /^pgm-s-(\d+)-(\d+)$/.exec(id);
    const pct = /(\d+(?:\.\d+)?)\s*%/.exec(text);
    if (!m || !pct) continue;
    const name = names[Number(m[1])];
    const state = info.variables[name][Number(m[2])];
    check(Math.abs(Number(pct[1]) - 100 * expected[name][state]) <= 0.05 + 1e-9,
      `${label}: the picture shows ${name}=${state} at ${pct[1]}%, pgm marginals says ${100 * expected[name][state]}`);
  }
  check(JSON.stringify(await shownEvidence(page)) === JSON.stringify(Object.keys(evidence).sort()),
    `${label}: evidence list shows ${Object.keys(evidence)} (got ${await shownEvidence(page)})`);
  return expected;
}

// The SVG edge ids of a trail, from the model's own edge list (GET /api/model = pgm info --json).
function trailEdges(info, trail) {
  const names = Array.isArray(info.variables) ? info.variables : Object.keys(info.variables);
  const ids = [];
  for (let i = 1; i < trail.length; i += 1) {
    const a = trail[i - 1], b = trail[i];
    const forward = (info.edges || []).map((e) => (Array.isArray(e) ? e : [e.from, e.to])).some((e) => e[0] === a && e[1] === b);
    const [u, v] = forward ? [a, b] : [b, a];
    const iu = names.indexOf(u), iv = names.indexOf(v);
    ids.push(info.type === 'markov-network' ? `pgm-e-${Math.min(iu, iv)}-${Math.max(iu, iv)}` : `pgm-e-${iu}-${iv}`);
  }
  return ids.sort();
}

// Pick X, Y, given in the panel, run it, compare with `pgm independent --json`.
async function compareDsep(page, model, info, x, y, given, label) {
  await page.selectOption('#dsep-x', x);
  await page.selectOption('#dsep-y', y);
  await page.selectOption('#dsep-given', given);
  await page.click('#dsep-run');
  await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('dsep-result').dataset.state), null, { timeout: 10000 });
  const expected = cli('independent', model, '--x', x, '--y', y, ...(given.length ? ['--given', given.join(',')] : []), '--json');
  const verdict = await page.textContent('#dsep-verdict');
  const word = expected.independent ? 'independent' : 'dependent';
  check(verdict.trim().startsWith(word), `${label}: the panel says '${word}' (shows '${verdict.trim()}')`);
  const highlighted = (await page.$$eval('#graph .pgm-trail', (gs) => gs.map((g) => g.id))).sort();
  const want = expected.active_trail ? trailEdges(info, expected.active_trail) : [];
  check(JSON.stringify(highlighted) === JSON.stringify(want),
    `${label}: highlighted edges ${JSON.stringify(highlighted)}, pgm independent's trail ${JSON.stringify(expected.active_trail)} uses ${JSON.stringify(want)}`);
  for (const id of want) {
    const edge = page.locator(`#graph [id="${id}"]`);
    const cls = (await edge.count()) > 0 ? await edge.first().getAttribute('class') : null;
    check(cls !== null && cls.split(/\s+/).includes('edge'), `${label}: trail edge ${id} is one of the picture's edge groups`);
  }
  return { expected, want };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

// The error box's text against the server's own 400 message for the same request.
async function serverError(page, body) {
  return page.evaluate(async (b) => {
    const r = await fetch('/api/query', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
    return { status: r.status, error: (await r.json()).error };
  }, body);
}

// ---- sprinkler ------------------------------------------------------------------------------------

async function sprinkler() {
  const model = path.join(SOURCE, 'models', 'sprinkler.yaml');
  const info = cli('info', model, '--json');
  const server = await startServer(model);
  try {
    const page = await openPage(server.url);
    section('sprinkler: prior');
    check((await page.textContent('#model-name')) === 'sprinkler', 'the page names the model');
    const groups = await page.$$eval('#graph g.node[id^="pgm-v-"]', (gs) => gs.map((g) => [g.id, g.querySelector('title').textContent]));
    check(JSON.stringify(groups) === JSON.stringify(Object.keys(info.variables).map((n, v) => [`pgm-v-${v}`, n])),
      `one node group per variable, titled by name (got ${JSON.stringify(groups)})`);
    await comparePosteriors(page, model, info, {}, 'prior');
    await shot(page, 'sprinkler-prior');

    section('sprinkler: evidence by clicks');
    await clickState(page, info, 'Rain', 'yes');
    const rain = await comparePosteriors(page, model, info, { Rain: 'yes' }, 'Rain=yes');
    // By hand: P(Season=winter | Rain=yes) = 0.6*0.8 / (0.6*0.8 + 0.4*0.1) = 0.48/0.52.
    check(Math.abs(rain.Season.winter - 0.48 / 0.52) < 1e-12, 'pgm marginals: P(winter | Rain=yes) = 12/13');
    const winter = await page.textContent('#posteriors tr[data-var="Season"][data-state="winter"] .prob');
    check(winter === (0.48 / 0.52).toFixed(4), `the page shows P(winter | Rain=yes) = ${(0.48 / 0.52).toFixed(4)} (got ${winter})`);
    await clickState(page, info, 'Sprinkler', 'on', { keyboard: true });
    await comparePosteriors(page, model, info, { Rain: 'yes', Sprinkler: 'on' }, 'Rain=yes, Sprinkler=on (keyboard)');
    const q = cli('query', model, 'Season', 'WetGrass', '--given', 'Rain=yes,Sprinkler=on', '--json');
    for (const [name, dist] of Object.entries(q.marginals)) {
      for (const [state, p] of Object.entries(dist)) {
        const text = await page.textContent(`#posteriors tr[data-var="${name}"][data-state="${state}"] .prob`);
        check(Math.abs(Number(text) - p) <= TOLERANCE, `pgm query: P(${name}=${state}) = ${p}, shown ${text}`);
      }
    }
    await shot(page, 'sprinkler-evidence');

    section('sprinkler: clear by clicking the observed state');
    await clickState(page, info, 'Rain', 'yes');
    await comparePosteriors(page, model, info, { Sprinkler: 'on' }, 'after clearing Rain');
    await clickState(page, info, 'Sprinkler', 'on');
    await comparePosteriors(page, model, info, {}, 'after clearing Sprinkler');

    section('sprinkler: impossible evidence');
    await clickState(page, info, 'WetGrass', 'dry');
    await clickState(page, info, 'Slippery', 'yes');  // P(Slippery=yes | WetGrass=dry) = 0 in the model
    const shownError = (await page.textContent('#error')).trim();
    const direct = await serverError(page, { evidence: { WetGrass: 'dry', Slippery: 'yes' } });
    check(direct.status === 400, `POST /api/query with impossible evidence answers 400 (got ${direct.status})`);
    check(await page.isVisible('#error'), 'the error box is visible');
    check(shownError === direct.error && /zero|impossible/i.test(shownError),
      `the page shows the server's message '${direct.error}' (shows '${shownError}')`);
    await comparePosteriors(page, model, info, { WetGrass: 'dry' }, 'after impossible evidence: previous evidence kept');
    await shot(page, 'sprinkler-impossible');
    await clickState(page, info, 'WetGrass', 'dry');
    check(!(await page.isVisible('#error')), 'the error box goes once a query succeeds');

    section('sprinkler: d-separation');
    const dep = await compareDsep(page, model, info, 'Sprinkler', 'Rain', [], 'Sprinkler, Rain');
    check(dep.want.length === 2 && !dep.expected.independent, 'Sprinkler and Rain: dependent through Season (two edges)');
    await shot(page, 'sprinkler-dsep');
    // The highlight survives a re-drawn picture (evidence is not the conditioning set).
    await clickState(page, info, 'Slippery', 'no');
    const after = (await page.$$eval('#graph .pgm-trail', (gs) => gs.map((g) => g.id))).sort();
    check(JSON.stringify(after) === JSON.stringify(dep.want), `the trail stays highlighted after new evidence (got ${after})`);
    await clickState(page, info, 'Slippery', 'no');
    const ind = await compareDsep(page, model, info, 'Sprinkler', 'Rain', ['Season'], 'Sprinkler, Rain | Season');
    check(ind.expected.independent && ind.want.length === 0, 'Sprinkler and Rain given Season: independent, nothing highlighted');
    const collider = await compareDsep(page, model, info, 'Sprinkler', 'Rain', ['Season', 'WetGrass'], 'Sprinkler, Rain | Season, WetGrass');
    check(!collider.expected.independent, 'Sprinkler and Rain given Season and WetGrass: dependent (explaining away)');
    await page.click('#dsep-clear');
    check((await page.$$eval('#graph .pgm-trail', (gs) => gs.length)) === 0, 'Clear removes the highlight');
    await page.close();
  } finally {
    await server.stop();
  }
}

// ---- misconception (a Markov network: undirected edges, separation) ------------------------------

async function misconception() {
  const model = path.join(SOURCE, 'models', 'misconception.yaml');
  const info = cli('info', model, '--json');
  const server = await startServer(model);
  try {
    const page = await openPage(server.url);
    section('misconception: a Markov network');
    await comparePosteriors(page, model, info, {}, 'misconception prior');
    await clickState(page, info, 'B', 'b1');
    await comparePosteriors(page, model, info, { B: 'b1' }, 'misconception B=b1');
    const dep = await compareDsep(page, model, info, 'A', 'C', [], 'misconception A, C');
    check(!dep.expected.independent && dep.want.length === 2, 'misconception A and C: dependent (a trail of two edges)');
    await shot(page, 'misconception-dsep');
    const ind = await compareDsep(page, model, info, 'A', 'C', ['B', 'D'], 'misconception A, C | B, D');
    check(ind.expected.independent && ind.want.length === 0, 'misconception A and C given B and D: separated');
    await page.close();
  } finally {
    await server.stop();
  }
}

// ---- alarm (a shared network: 37 variables) ---------------------------------------------------

async function alarm() {
  if (!fs.existsSync(ALARM)) {
    if (process.env.CI) { check(false, `${ALARM} missing (../shared/networks beside the checkout)`); return; }
    console.log(`-- alarm: SKIPPED, ${ALARM} not found`);
    return;
  }
  const info = cli('info', ALARM, '--json');
  const server = await startServer(ALARM);
  try {
    const page = await openPage(server.url);
    section('alarm: evidence by clicks');
    await comparePosteriors(page, ALARM, info, {}, 'alarm prior');
    await clickState(page, info, 'BP', 'LOW');
    await clickState(page, info, 'HRBP', 'HIGH');
    await comparePosteriors(page, ALARM, info, { BP: 'LOW', HRBP: 'HIGH' }, 'alarm BP=LOW, HRBP=HIGH');
    const q = cli('query', ALARM, 'HYPOVOLEMIA', 'LVFAILURE', '--given', 'BP=LOW,HRBP=HIGH', '--json');
    for (const [name, dist] of Object.entries(q.marginals)) {
      for (const [state, p] of Object.entries(dist)) {
        const text = await page.textContent(`#posteriors tr[data-var="${name}"][data-state="${state}"] .prob`);
        check(Math.abs(Number(text) - p) <= TOLERANCE, `alarm pgm query: P(${name}=${state}) = ${p}, shown ${text}`);
      }
    }
    await shot(page, 'alarm-evidence');
    await clickState(page, info, 'BP', 'LOW');
    await comparePosteriors(page, ALARM, info, { HRBP: 'HIGH' }, 'alarm after clearing BP');
    section('alarm: d-separation');
    const dep = await compareDsep(page, ALARM, info, 'HISTORY', 'BP', [], 'alarm HISTORY, BP');
    check(!dep.expected.independent && dep.want.length >= 2, 'alarm HISTORY and BP: dependent, a trail of several edges');
    await shot(page, 'alarm-dsep');
    const ind = await compareDsep(page, ALARM, info, 'HYPOVOLEMIA', 'LVFAILURE', [], 'alarm HYPOVOLEMIA, LVFAILURE');
    check(ind.expected.independent && ind.want.length === 0, 'alarm HYPOVOLEMIA and LVFAILURE (two roots): independent');
    await page.close();
  } finally {
    await server.stop();
  }
}

// ---- Gaussian -----------------------------------------------------------------------------------

async function setGaussian(page, info, name, value) {
  const v = info.variables.indexOf(name);
  await andWait(page, async () => {
    await page.fill(`#gev-${v}`, String(value));
    await page.press(`#gev-${v}`, 'Enter');
  });
}

async function shownMean(page, name) {
  return page.textContent(`#gaussian-means td.mean[data-var="${name}"]`);
}

async function gaussian() {
  section('bivariate: ellipses and a conditional mean');
  let model = path.join(SOURCE, 'models', 'bivariate.yaml');
  let info = cli('info', model, '--json');
  let server = await startServer(model);
  try {
    const page = await openPage(server.url);
    check(await page.isVisible('#gaussian-section'), 'the Gaussian panel is shown for a Gaussian model');
    await page.selectOption('#gauss-a', 'X1');
    await page.selectOption('#gauss-b', 'X2');
    // Closed form: the covariance [[2, 1], [1, 1.5]] has eigenvalues (3.5 +- sqrt(0.25 + 4)) / 2.
    const l1 = Number(await page.getAttribute('#ellipse-svg', 'data-l1'));
    const l2 = Number(await page.getAttribute('#ellipse-svg', 'data-l2'));
    check(Math.abs(l1 - (3.5 + Math.sqrt(4.25)) / 2) < 1e-12 && Math.abs(l2 - (3.5 - Math.sqrt(4.25)) / 2) < 1e-12,
      `ellipse axes from the eigenvalues of [[2,1],[1,1.5]] (got ${l1}, ${l2})`);
    check((await page.$$('#ellipse-svg .sigma-1')).length === 1 && (await page.$$('#ellipse-svg .sigma-2')).length === 1,
      'a 1-sigma and a 2-sigma ellipse are drawn');
    check((await shownMean(page, 'X1')) === '1.0000' && (await shownMean(page, 'X2')) === '2.0000', 'prior means 1 and 2');
    await shot(page, 'bivariate-prior');
    await setGaussian(page, info, 'X2', 3);
    const q = cli('query', model, 'X1', '--given', 'X2=3', '--json');
    const shown = await shownMean(page, 'X1');
    check(Math.abs(Number(shown) - q.mean[0]) <= TOLERANCE && Math.abs(q.mean[0] - 5 / 3) < 1e-12,
      `E[X1 | X2=3] = 5/3: pgm query says ${q.mean[0]}, the page ${shown}`);
    const sd = await page.textContent('#gaussian-means td.sd[data-var="X1"]');
    check(Math.abs(Number(sd) - Math.sqrt(4 / 3)) <= TOLERANCE, `sd(X1 | X2=3) = sqrt(4/3) (shown ${sd})`);
    await page.close();
  } finally {
    await server.stop();
  }

  section('linear-gaussian: conditional means, ellipse, d-separation');
  model = path.join(SOURCE, 'models', 'linear-gaussian.yaml');
  info = cli('info', model, '--json');
  server = await startServer(model);
  try {
    const page = await openPage(server.url);
    await setGaussian(page, info, 'Study', 12);
    await page.selectOption('#gauss-a', 'Knowledge');
    await page.selectOption('#gauss-b', 'Exam');
    const q = cli('query', model, 'Knowledge', 'Exam', '--given', 'Study=12', '--json');
    for (const [i, name] of q.variables.entries()) {
      const shown = await shownMean(page, name);
      check(Math.abs(Number(shown) - q.mean[i]) <= TOLERANCE, `E[${name} | Study=12]: pgm query says ${q.mean[i]}, the page ${shown}`);
    }
    // The ellipse's axes: eigenvalues of pgm query's 2x2 covariance, checked through trace and determinant.
    const c = q.covariance;
    const l1 = Number(await page.getAttribute('#ellipse-svg', 'data-l1'));
    const l2 = Number(await page.getAttribute('#ellipse-svg', 'data-l2'));
    const trace = c[0][0] + c[1][1], det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    check(Math.abs(l1 + l2 - trace) < 1e-9 * trace && Math.abs(l1 * l2 - det) < 1e-9 * trace * trace && l1 >= l2,
      `ellipse eigenvalues ${l1}, ${l2} have the covariance's trace ${trace} and determinant ${det}`);
    await page.click('#zoom-fit');
    await shot(page, 'linear-gaussian');
    const dep = await compareDsep(page, model, info, 'Aptitude', 'Study', ['Grade'], 'linear-gaussian Aptitude, Study | Grade');
    check(!dep.expected.independent && dep.want.length === 2, 'Aptitude and Study given Grade: dependent (a collider below)');
    await page.close();
  } finally {
    await server.stop();
  }
}

const started = Date.now();
try {
  await sprinkler();
  await misconception();
  await alarm();
  await gaussian();
} catch (err) {
  failures += 1;
  console.error(`FAIL: ${err.stack || err}`);
} finally {
  await browser.close();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`page_test: ${checks} checks, ${failures} failed, ${seconds} s; screenshots in ${SHOTS}`);
process.exit(failures === 0 ? 0 : 1);
