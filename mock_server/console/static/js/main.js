// The sandbox console: reads what it shows from /_mock/ui/api/..., drives the mock with the
// documented calls (api.js), and refreshes when the change stream (/_mock/ui/stream) says so.

import { act, authHeaders, curlOf, enc, messageOf, onCall, request, settings } from './api.js';
import { $, h, keepInputs, when } from './dom.js';
import { createView } from './forms.js';
import { views } from './views.js';

const state = {
  overview: null,
  route: { project: null, tab: 'imported' },
  clock: null, // {now (ms), at (ms of Date.now() when read), frozen}
  lastCall: null,
};

// --- routing -------------------------------------------------------------------------------
export const TABS = [
  ['imported', 'Imported numbers'], ['qualified', 'Qualified numbers'], ['orders', 'Hosting orders'],
  ['callbacks', 'Callbacks'], ['requests', 'Requests'], ['create', 'Create'],
];

function parseRoute() {
  const sink = /^#\/sinks(?:\/([^/]+))?/.exec(window.location.hash);
  if (sink) return { project: null, tab: 'sinks', sink: sink[1] ? decodeURIComponent(sink[1]) : null };
  const match = /^#\/p\/([^/]+)(?:\/([a-z]+))?/.exec(window.location.hash);
  if (!match) return { project: null, tab: null };
  const tab = TABS.some(([id]) => id === match[2]) ? match[2] : 'imported';
  return { project: decodeURIComponent(match[1]), tab };
}

export const projectHref = (project, tab = 'imported') => `#/p/${enc(project)}/${tab}`;

// --- refreshing ------------------------------------------------------------------------------
let running = null;
let pending = false;

export function refresh() {
  if (running) { pending = true; return running; }
  running = (async () => {
    try {
      do { pending = false; await refreshOnce(); } while (pending);
    } finally { running = null; }
  })();
  return running;
}

async function refreshOnce() {
  const answer = await request('GET', '/_mock/ui/api/overview');
  if (!answer.ok) { showViewError(`The console could not read the mock's state: ${messageOf(answer)}`); return; }
  state.overview = answer.data;
  setClock(answer.data.clock);
  renderNext(answer.data.nextDue);
  renderProjects(answer.data.projects);
  await renderView(false);
}

let viewKey = '';

async function renderView(routeChanged) {
  const route = state.route;
  const root = $('#view');
  const key = `${route.project}/${route.tab}/${route.sink || ''}`;
  if (route.tab === 'create' && !routeChanged && key === viewKey) return; // forms keep what is typed
  viewKey = key;
  let content;
  try {
    if (route.tab === 'sinks') content = await views.sinks(route.sink);
    else if (!route.project) content = views.home(state.overview);
    else if (route.tab === 'create') content = createView(route.project);
    else content = await views[route.tab](route.project, state.overview);
  } catch (error) {
    content = h('p', { class: 'error', role: 'alert' }, `This view failed: ${error.message}`);
  }
  if (route !== state.route) return; // the route moved on meanwhile
  const restore = keepInputs(root);
  const frame = route.project ? projectFrame(route.project, route.tab, content) : content;
  root.replaceChildren(frame);
  restore();
}

function projectFrame(project, tab, content) {
  const summary = state.overview?.projects.find((p) => p.projectId === project);
  return h('section', { class: 'project', 'aria-labelledby': 'project-title' },
    h('h2', { id: 'project-title' }, h('span', { class: 'label' }, 'Project '), project),
    summary ? null : h('p', { class: 'hint' }, 'This project has no state yet: create a number or load a scenario.'),
    h('nav', { class: 'tabs', 'aria-label': 'Project views' },
      TABS.map(([id, label]) => h('a', { href: projectHref(project, id), 'aria-current': id === tab ? 'page' : null }, label))),
    h('div', { class: 'tab-body' }, content));
}

function showViewError(text) {
  $('#view').replaceChildren(h('p', { class: 'error', role: 'alert' }, text));
}

// --- side bar: projects ------------------------------------------------------------------------
const total = (counts) => Object.values(counts || {}).reduce((a, b) => a + b, 0);

function renderProjects(projects) {
  if (state.route.tab === 'sinks') $('#sinks-link').setAttribute('aria-current', 'page');
  else $('#sinks-link').removeAttribute('aria-current');
  const list = $('#projects');
  if (!projects.length) { list.replaceChildren(h('li', { class: 'hint' }, 'No projects yet.')); return; }
  list.replaceChildren(...projects.map((p) => h('li', {},
    h('a', { href: projectHref(p.projectId), 'aria-current': p.projectId === state.route.project ? 'true' : null },
      p.projectId),
    h('span', { class: 'counts' },
      `${total(p.importedNumbers)} imported · ${total(p.qualifiedNumbers)} qualified · `
      + `${total(p.hostingOrders)} ${total(p.hostingOrders) === 1 ? 'order' : 'orders'}`))));
}

// --- clock -------------------------------------------------------------------------------------
function setClock(clock) {
  state.clock = { now: Date.parse(clock.now), at: Date.now(), frozen: clock.frozen };
  $('#clock-mode').textContent = clock.frozen ? 'frozen' : 'flowing';
  $('#clock-mode').className = `badge ${clock.frozen ? 'busy' : 'ok'}`;
  $('#clock-freeze').textContent = clock.frozen ? 'Resume' : 'Freeze';
  tickClock();
}

function tickClock() {
  if (!state.clock) return;
  const c = state.clock;
  const now = new Date(c.frozen ? c.now : c.now + (Date.now() - c.at));
  const text = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const el = $('#clock-now');
  el.dateTime = text;
  el.textContent = when(text);
}

function renderNext(next) {
  const el = $('#clock-next');
  if (!next) { el.textContent = 'Nothing falls due.'; return; }
  el.replaceChildren('Next due: ', h('time', { datetime: next.at }, when(next.at)), ` — ${next.what}`,
    next.projectId ? ` (${next.projectId})` : '');
}

async function clockCall(path, body) {
  const answer = await act('POST', path, { body });
  $('#clock-error').textContent = answer.ok ? '' : messageOf(answer);
  if (!answer.ok) $('#clock-error').closest('details').open = true;
  if (answer.ok && answer.data) setClock(answer.data);
  refresh();
  return answer;
}

function wireClock() {
  for (const button of document.querySelectorAll('[data-advance]')) {
    button.addEventListener('click', () => clockCall('/_mock/clock:advance', { seconds: Number(button.dataset.advance) }));
  }
  $('#clock-to-next').addEventListener('click', () => {
    const next = state.overview?.nextDue;
    if (!next) { $('#clock-error').textContent = 'Nothing falls due: there is no next transition to move to.'; $('#clock-error').closest('details').open = true; return; }
    clockCall('/_mock/clock:set', { now: next.at });
  });
  $('#clock-freeze').addEventListener('click', () =>
    clockCall(state.clock?.frozen ? '/_mock/clock:resume' : '/_mock/clock:freeze'));
  $('#clock-advance-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const seconds = Number($('#clock-seconds').value);
    clockCall('/_mock/clock:advance', { seconds });
  });
  $('#clock-set-form').addEventListener('submit', (event) => {
    event.preventDefault();
    clockCall('/_mock/clock:set', { now: $('#clock-set').value.trim() });
  });
  setInterval(tickClock, 1000);
}

// --- the last call -----------------------------------------------------------------------------
function showCall(call, answer) {
  state.lastCall = call;
  const section = $('#last-call');
  section.hidden = false;
  const body = call.body === undefined ? '' : `\n${call.body.length > 2000 ? call.body.slice(0, 2000) + '\n… (shortened)' : call.body}`;
  $('#last-call-text').textContent = `${call.method} ${call.path}${body}`;
  $('#last-call-status').textContent = answer.ok ? `→ ${answer.status} OK` : `→ ${messageOf(answer)}`;
  $('#last-call-status').className = answer.ok ? 'ok-text' : 'error';
  $('#last-call-curl').textContent = curlOf(call);
}

function wireLastCall() {
  onCall(showCall);
  $('#copy-curl').addEventListener('click', async () => {
    const text = $('#last-call-curl').textContent;
    try {
      await navigator.clipboard.writeText(text);
      $('#copy-curl').textContent = 'Copied';
    } catch {
      $('#copy-curl').closest('section').querySelector('details').open = true;
      $('#copy-curl').textContent = 'Select the text below';
    }
    setTimeout(() => { $('#copy-curl').textContent = 'Copy as curl'; }, 2000);
  });
}

// --- scenarios, reset, state, credentials ---------------------------------------------------
async function wireMock() {
  const error = $('#mock-error');
  const report = (answer, done) => {
    error.textContent = answer.ok ? '' : messageOf(answer);
    error.className = answer.ok ? 'ok-text' : 'error';
    if (answer.ok && done) error.textContent = done;
    refresh();
  };
  const names = await request('GET', '/_mock/scenarios');
  const select = $('#scenario-name');
  select.replaceChildren(...((names.data && names.data.scenarios) || []).map((n) => h('option', { value: n }, n)));
  if (!names.ok) error.textContent = `Scenarios could not be listed: ${messageOf(names)}`;
  $('#scenario-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await act('POST', '/_mock/scenarios:load', { body: { name: select.value } });
    const projects = answer.data?.projects || [];
    report(answer, `Loaded ${select.value}${projects.length ? `: ${projects.join(', ')}` : ''}.`);
    if (answer.ok && projects.length && !state.route.project) window.location.hash = projectHref(projects[0]);
  });
  $('#reset').addEventListener('click', async () => report(await act('POST', '/_mock/reset'), 'The mock was reset.'));
  $('#download-state').addEventListener('click', async () => {
    const answer = await act('GET', '/_mock/state');
    if (!answer.ok) { report(answer); return; }
    const link = h('a', { href: URL.createObjectURL(new Blob([answer.text], { type: 'application/json' })),
      download: 'sinch-mock-state.json' });
    document.body.append(link);
    link.click();
    link.remove();
    report(answer, 'State saved as sinch-mock-state.json.');
  });
  $('#upload-state').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    if (file.size > 64 * 1024 * 1024) { error.textContent = 'That file is larger than 64 MB.'; return; }
    const answer = await act('PUT', '/_mock/state', { body: await file.text(), raw: true });
    report(answer, `State imported from ${file.name}.`);
    event.target.value = '';
  });
  $('#key-id').value = settings.keyId;
  $('#key-secret').value = settings.keySecret;
  $('#control-token').value = settings.token;
  $('#settings-form').addEventListener('submit', (event) => {
    event.preventDefault();
    settings.save({ token: $('#control-token').value, keyId: $('#key-id').value, keySecret: $('#key-secret').value });
    $('#settings-saved').textContent = 'Saved for this tab.';
    restartStream();
    refresh();
  });
  $('#open-project').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = $('#open-project-id').value.trim();
    if (id) window.location.hash = projectHref(id);
  });
}

// --- live changes: Server-Sent Events read with fetch (so the control token goes in a header) --
let streamAbort = null;

function setLive(live, text) {
  const el = $('#live');
  el.textContent = text || (live ? 'live' : 'offline');
  el.className = `badge ${live ? 'ok' : 'bad'}`;
}

function restartStream() {
  if (streamAbort) streamAbort.abort();
  listen();
}

async function listen() {
  const controller = new AbortController();
  streamAbort = controller;
  while (!controller.signal.aborted) {
    try {
      const response = await fetch('/_mock/ui/stream', { headers: authHeaders('control'), signal: controller.signal,
        cache: 'no-store' });
      if (!response.ok) {
        setLive(false, response.status === 401 || response.status === 403 ? 'needs the control token'
          : `not live (${response.status})`);
        await sleep(5000);
        continue;
      }
      setLive(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          onMessage(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      setLive(false, 'reconnecting…');
    }
    await sleep(1000);
  }
}

let seenRevision = null;

// A message whose revision differs from the last one seen means the state may have changed
// (also while the stream was reconnecting): read what the page shows again.
function onMessage(chunk) {
  const data = chunk.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5)).join('\n');
  if (!data) return;
  const message = JSON.parse(data);
  setClock(message.clock);
  if (message.revision !== seenRevision) {
    seenRevision = message.revision;
    refresh();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- start -----------------------------------------------------------------------------------
function onRoute() {
  state.route = parseRoute();
  if (state.overview) renderProjects(state.overview.projects);
  renderView(true);
}

window.addEventListener('hashchange', onRoute);
wireClock();
wireLastCall();
state.route = parseRoute();
refresh();
wireMock();
listen();
