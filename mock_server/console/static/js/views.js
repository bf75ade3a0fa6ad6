// The read views of a project. Each fetches one page from /_mock/ui/api/... (rendered by the
// API's own serializers) and returns a node; actions go through act() and show their call.

import { act, enc, messageOf, request } from './api.js';
import { badge, h, jsonDetails, when } from './dom.js';
import { projectHref, refresh } from './main.js';

const CARRIERS = [['smsAtt', 'SMS AT&T'], ['smsTmo', 'SMS T-Mobile'], ['mmsAtt', 'MMS AT&T'], ['mmsTmo', 'MMS T-Mobile']];
const PAGE_SIZE = 25;

// --- paging and filters (kept per view while the page lives) ------------------------------------
const pages = new Map(); // view key -> {token, history}
const filters = new Map(); // view key -> {state, q}
const notes = new Map(); // row key -> {text, ok}

function pageOf(key) {
  if (!pages.has(key)) pages.set(key, { token: '', history: [] });
  return pages.get(key);
}

async function load(key, path, params = {}) {
  const offset = pageOf(key).history.length * PAGE_SIZE; // where this page starts, as asked
  const query = new URLSearchParams({ pageSize: String(PAGE_SIZE), pageToken: pageOf(key).token });
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  const answer = await request('GET', `${path}?${query}`);
  if (!answer.ok && answer.status === 400 && pageOf(key).token) { // the list changed under the token
    pages.delete(key);
    return load(key, path, params);
  }
  if (!answer.ok) throw new Error(messageOf(answer));
  return { ...answer.data, offset };
}

function pager(key, data, count, noun) {
  const paging = pageOf(key);
  const shown = data[count].length;
  const first = data.offset;
  return h('nav', { class: 'pager', 'aria-label': `Pages of ${noun}` },
    h('span', {}, data.totalSize ? `${first + 1}–${first + shown} of ${data.totalSize} ${noun}` : `No ${noun}`),
    h('button', { type: 'button', disabled: !paging.history.length, onclick: () => {
      paging.token = paging.history.pop(); refresh(); } }, 'Previous page'),
    h('button', { type: 'button', disabled: !data.nextPageToken, onclick: () => {
      paging.history.push(paging.token); paging.token = data.nextPageToken; refresh(); } }, 'Next page'));
}

function filterForm(key, choices, { search = true } = {}) {
  const current = filters.get(key) || {};
  const id = `${key.replace(/[^a-z0-9]/gi, '-')}`;
  return h('form', { class: 'filters inline', onsubmit: (event) => {
    event.preventDefault();
    const form = event.target;
    filters.set(key, { state: form.elements.state.value, q: form.elements.q ? form.elements.q.value.trim() : '' });
    pages.delete(key);
    refresh();
  } },
  h('label', { for: `${id}-state` }, 'State'),
  h('select', { id: `${id}-state`, name: 'state' },
    h('option', { value: '' }, 'any'),
    choices.map((c) => h('option', { value: c, selected: current.state === c }, c))),
  search ? [h('label', { for: `${id}-q` }, 'Number contains'),
    h('input', { id: `${id}-q`, name: 'q', value: current.q || '', inputmode: 'tel', maxlength: 16, size: 12 })] : null,
  h('button', { type: 'submit' }, 'Filter'));
}

// --- actions on rows -----------------------------------------------------------------------------
async function run(noteKey, method, path, options) {
  const answer = await act(method, path, options);
  const action = path.includes(':') ? path.slice(path.lastIndexOf(':') + 1) : path.split('/').pop();
  notes.set(noteKey, { text: answer.ok ? `${method} ${action}: ${answer.status} OK` : messageOf(answer), ok: answer.ok });
  await refresh();
  return answer;
}

function note(noteKey) {
  const n = notes.get(noteKey);
  return h('p', { class: n ? (n.ok ? 'note ok-text' : 'note error') : 'note', role: 'status' }, n ? n.text : '');
}

const short = (state, prefix) => (state || '').replace(prefix, '');

// --- home --------------------------------------------------------------------------------------
function counts(map) {
  const entries = Object.entries(map || {});
  if (!entries.length) return h('span', { class: 'hint' }, 'none');
  return entries.map(([state, n]) => h('span', { class: 'count' }, badge(short(state, 'GLOBAL_PROCESS_STATE_')), ` ${n}`));
}

function home(overview) {
  const projects = overview?.projects || [];
  return h('section', { class: 'home', 'aria-labelledby': 'home-title' },
    h('h2', { id: 'home-title' }, 'Projects'),
    projects.length ? null : h('p', {}, 'The mock holds no project yet. Load a scenario (Scenarios and state), or open a ',
      'project by its id and create a number from its Create tab.'),
    h('div', { class: 'cards' }, projects.map((p) => h('article', { class: 'card' },
      h('h3', {}, h('a', { href: projectHref(p.projectId) }, p.projectId)),
      h('dl', {},
        h('dt', {}, 'Imported numbers (SMS provisioning)'), h('dd', {}, counts(p.importedNumbers)),
        h('dt', {}, 'Qualified numbers'), h('dd', {}, counts(p.qualifiedNumbers)),
        h('dt', {}, 'Hosting orders'), h('dd', {}, counts(p.hostingOrders)))))));
}

// --- imported numbers --------------------------------------------------------------------------
const apiBase = (project) => `/v1/projects/${enc(project)}`;
const uiBase = (project) => `/_mock/ui/api/projects/${enc(project)}`;

async function imported(project) {
  const key = `imported:${project}`;
  const data = await load(key, `${uiBase(project)}/importedNumbers`, filters.get(key));
  const rows = data.importedNumbers.map((n) => h('tr', { 'data-number': n.phoneNumber },
    h('th', { scope: 'row' }, n.phoneNumber, n.displayName ? h('small', {}, n.displayName) : null),
    h('td', {}, badge(n.smsProvisioning?.state || 'NOT_STARTED'), h('small', {}, n.smsConfiguration.servicePlanId)),
    h('td', {}, n.campaignProvisioning ? badge(n.campaignProvisioning.state) : '—', h('small', {}, n.smsConfiguration.campaignId)),
    CARRIERS.map(([name]) => h('td', {}, n.mnoConfiguration?.[name] ? badge(n.mnoConfiguration[name].state) : '—')),
    h('td', { class: 'time' }, when(n.smsProvisioning?.updateTime)),
    h('td', {}, jsonDetails('JSON', n))));
  return h('section', { 'aria-label': 'Imported numbers' },
    filterForm(key, ['NOT_STARTED', 'WAITING', 'IN_PROGRESS', 'DONE', 'FAILED']),
    h('div', { class: 'table-wrap' }, h('table', { id: 'imported-table' },
      h('caption', {}, 'Imported numbers: provisioning, campaign and the four carriers (what GET importedNumbers answers)'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Number'), h('th', { scope: 'col' }, 'SMS platform'),
        h('th', { scope: 'col' }, 'Campaign'), CARRIERS.map(([, label]) => h('th', { scope: 'col' }, label)),
        h('th', { scope: 'col' }, 'Updated'), h('th', { scope: 'col' }, 'Answer'))),
      h('tbody', {}, rows))),
    pager(key, data, 'importedNumbers', 'imported numbers'));
}

// --- qualified numbers -------------------------------------------------------------------------
const QUALIFIED_STATES = ['ELIGIBLE_CHECK_PENDING', 'ELIGIBLE', 'NOT_ELIGIBLE', 'VERIFICATION_PENDING',
  'VERIFICATION_FAILED', 'VERIFICATION_BLOCKED', 'VERIFIED', 'HOSTING_IN_PROGRESS', 'HOSTING_DONE', 'HOSTING_FAILED']
  .map((s) => `GLOBAL_PROCESS_STATE_${s}`);

function qualifiedRow(project, n) {
  const path = `${apiBase(project)}/qualifiedNumbers/${enc(n.phoneNumber)}`;
  const control = `/_mock/projects/${enc(project)}/qualifiedNumbers/${enc(n.phoneNumber)}`;
  const noteKey = `q:${project}:${n.phoneNumber}`;
  const codeId = `code-${n.phoneNumber.replace(/\D/g, '')}`;
  const challenge = n.voiceChallenge;
  return h('article', { class: 'card qualified', 'data-number': n.phoneNumber },
    h('h3', {}, n.phoneNumber, ' ', badge(short(n.globalProcessState, 'GLOBAL_PROCESS_STATE_'))),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Eligibility'), h('dd', {}, badge(n.osrEligibility.status), n.osrEligibility.error ? ` ${n.osrEligibility.error}` : ''),
      h('dt', {}, 'Ownership'), h('dd', {}, badge(n.ownershipVerification.status), n.ownershipVerification.error ? ` ${n.ownershipVerification.error}` : ''),
      h('dt', {}, 'Voice code'), h('dd', {}, challenge
        ? [h('strong', { class: 'code', 'data-voice-code': challenge.code }, challenge.code),
          ` · ${challenge.attemptsLeft} attempts left · expires ${when(challenge.expiresAt)}`]
        : 'none sent')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => run(noteKey, 'POST', `${path}:sendVoiceChallenge`, { kind: 'api' }) },
        'Send voice challenge'),
      h('button', { type: 'button', onclick: async () => {
        const answer = await run(noteKey, 'GET', `${control}/voiceChallenge`);
        if (answer.ok) document.getElementById(codeId).value = answer.data.code;
      } }, 'Read the code'),
      h('form', { class: 'inline', onsubmit: (event) => {
        event.preventDefault();
        run(noteKey, 'POST', `${path}:verifyVoiceChallenge`, { kind: 'api', body: { code: document.getElementById(codeId).value.trim() } });
      } },
      h('label', { for: codeId }, 'Code'),
      h('input', { id: codeId, name: 'code', inputmode: 'numeric', autocomplete: 'off', size: 6, maxlength: 12, required: true }),
      h('button', { type: 'submit' }, 'Verify')),
      h('button', { type: 'button', onclick: () => run(noteKey, 'POST', `${control}:approveInvoices`) }, 'Approve invoices'),
      h('button', { type: 'button', onclick: () => run(noteKey, 'POST', `${control}:rejectInvoices`) }, 'Reject invoices')),
    note(noteKey),
    jsonDetails('JSON', n));
}

async function qualified(project) {
  const key = `qualified:${project}`;
  const data = await load(key, `${uiBase(project)}/qualifiedNumbers`, filters.get(key));
  return h('section', { 'aria-label': 'Qualified numbers' },
    filterForm(key, QUALIFIED_STATES),
    h('div', { class: 'cards' }, data.qualifiedNumbers.map((n) => qualifiedRow(project, n))),
    pager(key, data, 'qualifiedNumbers', 'qualified numbers'));
}

// --- hosting orders ----------------------------------------------------------------------------
const ORDER_STATES = ['SUBMITTED', 'WAITING_FOR_LOA_SIGNATURE', 'IN_PROGRESS', 'COMPLETED', 'REJECTED'];

function timeline(entry) {
  return h('li', { class: 'order-number' },
    h('p', {}, h('strong', {}, entry.number.phoneNumber), ' ', badge(entry.hosting),
      entry.failureCode ? h('span', { class: 'error' }, ` ${entry.failureCode}`) : null),
    h('ol', { class: 'timeline', 'aria-label': `Steps of ${entry.number.phoneNumber}` },
      entry.timeline.map((step) => h('li', { class: `step ${step.state}` },
        h('span', { class: 'step-name' }, step.step), ' ', badge(step.state), ' ',
        h('time', { datetime: step.time || '' }, when(step.time))))));
}

function orderCard(project, entry, extra) {
  const order = entry.hostingOrder;
  const id = order.hostingOrderId;
  const control = `/_mock/projects/${enc(project)}/hostingOrders/${enc(id)}`;
  const noteKey = `o:${project}:${id}`;
  const loa = entry.loa;
  const waiting = order.state === 'WAITING_FOR_LOA_SIGNATURE';
  const numbers = extra || entry.numbers;
  return h('article', { class: 'card order', 'data-order': id },
    h('h3', {}, order.displayName || id, ' ', badge(order.state, null)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Id'), h('dd', {}, h('code', {}, id)),
      h('dt', {}, 'Type'), h('dd', {}, order.type, order.regionCode ? ` · ${order.regionCode}` : ''),
      h('dt', {}, 'Created'), h('dd', {}, when(order.createdTime)),
      h('dt', {}, 'Report'), h('dd', {}, `${entry.report.total} ${entry.report.total === 1 ? 'number' : 'numbers'} · ${entry.report.osrUpdated} OSR updated · `
        + `${entry.report.smsProvisioned} SMS provisioned · ${entry.report.addedToCampaign} in campaign · `
        + `${entry.report.ongoingManualAction} need manual action`),
      h('dt', {}, 'LOA'), h('dd', {}, loa
        ? [`${loa.loaType} `, badge(loa.status), loa.sentTime ? ` sent ${when(loa.sentTime)}` : '',
          loa.signedTime ? ` · signed ${when(loa.signedTime)}` : '', loa.declinedTime ? ` · declined ${when(loa.declinedTime)}` : '']
        : 'none (import order)')),
    waiting ? h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => run(noteKey, 'POST', `${control}:signLoa`) }, 'Sign LOA'),
      h('button', { type: 'button', onclick: () => run(noteKey, 'POST', `${control}:declineLoa`) }, 'Decline LOA'))
      : null,
    note(noteKey),
    h('ol', { class: 'order-numbers', 'aria-label': 'Numbers of the order' }, numbers.map(timeline)),
    entry.numbersTotal > entry.numbers.length && !extra
      ? h('p', { class: 'hint' }, `Showing ${entry.numbers.length} of ${entry.numbersTotal} numbers. `,
        h('a', { href: `${projectHref(project, 'orders')}/${enc(id)}` }, 'Page through all of them'))
      : null,
    jsonDetails('JSON (GET hostingOrders/{id})', order));
}

async function orders(project) {
  const focus = /#\/p\/[^/]+\/orders\/([^/]+)/.exec(window.location.hash);
  if (focus) return orderNumbers(project, decodeURIComponent(focus[1]));
  const key = `orders:${project}`;
  const data = await load(key, `${uiBase(project)}/hostingOrders`, filters.get(key));
  return h('section', { 'aria-label': 'Hosting orders' },
    filterForm(key, ORDER_STATES, { search: false }),
    h('div', { class: 'cards' }, data.hostingOrders.map((entry) => orderCard(project, entry))),
    pager(key, data, 'hostingOrders', 'hosting orders'));
}

async function orderNumbers(project, id) {
  const key = `order:${project}:${id}`;
  const list = await load(key, `${uiBase(project)}/hostingOrders/${enc(id)}/numbers`);
  const all = await load(`orders:${project}`, `${uiBase(project)}/hostingOrders`);
  const entry = all.hostingOrders.find((e) => e.hostingOrder.hostingOrderId === id);
  return h('section', { 'aria-label': `Hosting order ${id}` },
    h('p', {}, h('a', { href: projectHref(project, 'orders') }, '← All hosting orders')),
    entry ? orderCard(project, entry, list.numbers) : h('ol', {}, list.numbers.map(timeline)),
    pager(key, list, 'numbers', 'numbers'));
}

// --- callbacks ---------------------------------------------------------------------------------
function eventCard(project, e) {
  const noteKey = `e:${e.eventId}`;
  const secretId = `secret-${e.eventId}`;
  const payload = e.payload;
  return h('article', { class: 'card event', 'data-event': e.eventId },
    h('h3', {}, `#${e.seq} ${payload.eventType} `, badge(payload.status), ' ', badge(e.state)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Resource'), h('dd', {}, `${payload.resourceType} ${payload.resourceId}`),
      payload.failureCode ? [h('dt', {}, 'Failure code'), h('dd', {}, payload.failureCode)] : null,
      h('dt', {}, 'Time'), h('dd', {}, when(payload.timestamp)),
      h('dt', {}, 'Destination'), h('dd', {}, e.destination || 'none (no callbackUrl)'),
      h('dt', {}, 'Signature'), h('dd', {}, h('code', {}, e.signature
        || (e.attempts.length ? 'unsigned (no HMAC secret)' : 'none yet (not sent)'))),
      e.nextAttemptAt ? [h('dt', {}, 'Next attempt'), h('dd', {}, when(e.nextAttemptAt))] : null),
    e.attempts.length ? h('ol', { class: 'attempts', 'aria-label': 'Delivery attempts' }, e.attempts.map((a) =>
      h('li', {}, when(a.time), ' ', a.statusCode ? badge(String(a.statusCode), a.statusCode < 300 ? 'ok' : 'bad')
        : badge(a.error || 'error', 'bad'), a.duplicate ? ' (duplicate)' : '',
      a.redelivery ? h('span', { class: 'redelivery' }, ` (redelivery${a.url ? ` to ${a.url}` : ''})`) : null)))
      : h('p', { class: 'hint' }, e.state === 'no_destination' ? 'Not sent: no callbackUrl was given.' : 'No attempt yet.'),
    h('details', {}, h('summary', {}, 'Exact body'), h('pre', {}, e.body)),
    e.attempts.length ? h('form', { class: 'inline', onsubmit: async (event) => {
      event.preventDefault();
      const answer = await request('POST', '/_mock/ui/api/signature:check',
        { body: { eventId: e.eventId, secret: document.getElementById(secretId).value } });
      notes.set(noteKey, answer.ok
        ? { ok: answer.data.valid, text: answer.data.valid ? 'The signature is valid for this secret.'
          : `Not valid for this secret: it gives ${answer.data.expected || 'no signature'}; sent ${answer.data.sent || 'none'}.` }
        : { ok: false, text: messageOf(answer) });
      refresh();
    } },
    h('label', { for: secretId }, 'Secret'),
    h('input', { id: secretId, type: 'password', autocomplete: 'off', maxlength: 1024 }),
    h('button', { type: 'submit' }, 'Check signature')) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => run(noteKey, 'POST', `/_mock/events/${enc(e.eventId)}:redeliver`) },
        'Redeliver')),
    note(noteKey));
}

async function callbacks(project) {
  const key = `events:${project}`;
  const [config, data] = await Promise.all([
    request('GET', `${apiBase(project)}/callbackConfiguration`, { kind: 'api' }),
    load(key, `${uiBase(project)}/events`)]);
  const noteKey = `config:${project}`;
  return h('section', { 'aria-label': 'Callbacks' },
    h('article', { class: 'card' },
      h('h3', {}, 'Callback configuration'),
      config.ok ? jsonDetails('JSON (GET callbackConfiguration)', config.data) : h('p', { class: 'error' }, messageOf(config)),
      h('p', {}, config.ok && config.data.hmacSecret ? ['HMAC secret: ', h('code', {}, config.data.hmacSecret)]
        : 'No HMAC secret: callbacks go out unsigned.'),
      h('form', { class: 'inline', onsubmit: (event) => {
        event.preventDefault();
        run(noteKey, 'PATCH', `${apiBase(project)}/callbackConfiguration`,
          { kind: 'api', body: { hmacSecret: document.getElementById('hmac-secret').value } });
      } },
      h('label', { for: 'hmac-secret' }, 'New HMAC secret'),
      h('input', { id: 'hmac-secret', autocomplete: 'off', maxlength: 1024 }),
      h('button', { type: 'submit' }, 'Save')),
      note(noteKey)),
    h('h3', {}, 'Ledger (newest first)'),
    h('div', { class: 'cards', id: 'ledger' }, data.events.map((e) => eventCard(project, e))),
    pager(key, data, 'events', 'events'));
}

// --- requests ----------------------------------------------------------------------------------
async function requests(project) {
  const key = `requests:${project}`;
  const data = await load(key, `${uiBase(project)}/requests`);
  return h('section', { 'aria-label': 'Request journal' },
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, 'API calls for this project, newest first (GET /_mock/requests)'),
      h('thead', {}, h('tr', {}, ['Time', 'Method', 'Path', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.requests.map((r) => h('tr', {},
        h('td', { class: 'time' }, when(r.time)), h('td', {}, r.method),
        h('td', {}, h('code', {}, r.path + (r.query ? `?${r.query}` : ''))),
        h('td', {}, badge(String(r.status), r.status < 400 ? 'ok' : 'bad'))))))),
    pager(key, data, 'requests', 'requests'));
}

// --- callback sinks (not per project: GET /_mock/sink, GET /_mock/sink/{name}) ------------------
const sinkHref = (name) => `#/sinks/${enc(name)}`;
const SIGNATURE = new Map([[true, ['signature valid', 'ok']], [false, ['signature invalid', 'bad']],
  [null, ['signature not checked', 'plain']]]);

function sinkCallback(c) {
  let eventType = null;
  try { eventType = JSON.parse(c.body)?.eventType ?? null; } catch { eventType = null; }
  const [label, tone] = SIGNATURE.get(c.signatureValid);
  return h('article', { class: 'card sink-callback', 'data-event': `${c.eventId || ''}@${c.receivedAt}` },
    h('h3', {}, eventType || 'not a callback event', ' ', badge(label, tone)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Received'), h('dd', {}, h('time', { datetime: c.receivedAt }, when(c.receivedAt))),
      h('dt', {}, 'Event id'), h('dd', {}, c.eventId ? h('code', {}, c.eventId) : '—'),
      h('dt', {}, 'Answered'), h('dd', {}, badge(String(c.answeredStatus), c.answeredStatus < 300 ? 'ok' : 'bad')),
      h('dt', {}, 'Signature'), h('dd', {}, c.signatureCheck)),
    h('details', {}, h('summary', {}, `Headers${c.headersTruncated ? ' (some dropped)' : ''}`),
      h('pre', {}, Object.entries(c.headers).map(([k, v]) => `${k}: ${v}`).join('\n'))),
    c.body !== null ? h('pre', { class: 'sink-body', 'aria-label': 'Body as received' }, c.body)
      : h('pre', { class: 'sink-body', 'aria-label': 'Body (not UTF-8, base64)' }, c.bodyBase64));
}

async function sinks(selected) {
  const list = await request('GET', '/_mock/sink');
  if (!list.ok) throw new Error(messageOf(list));
  const all = list.data.sinks;
  const name = selected || (all[0] && all[0].name);
  let sink = null;
  if (name) {
    const answer = await request('GET', `/_mock/sink/${enc(name)}`);
    if (!answer.ok) throw new Error(messageOf(answer));
    sink = answer.data;
  }
  const noteKey = `sink:${name}`;
  const statusId = 'sink-status';
  return h('section', { class: 'sinks', 'aria-labelledby': 'sinks-title' },
    h('h2', { id: 'sinks-title' }, 'Callback sinks'),
    h('p', { class: 'hint' }, 'Receivers the mock serves itself: give ', h('code', {}, '/_mock/sink/{name}'),
      ' on the mock\'s address as a callbackUrl and what arrives shows here, with whether its signature verifies '
      + 'against the current HMAC secret of the project it names.'),
    all.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'sinks-table' },
      h('caption', {}, 'Sinks (GET /_mock/sink)'),
      h('thead', {}, h('tr', {}, ['Sink', 'Received', 'Answers with'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, all.map((s) => h('tr', { 'data-sink': s.name },
        h('th', { scope: 'row' }, h('a', { href: sinkHref(s.name), 'aria-current': s.name === name ? 'page' : null }, s.name)),
        h('td', {}, String(s.received)),
        h('td', {}, badge(String(s.status), s.status < 300 ? 'ok' : 'bad')))))))
      : h('p', {}, 'No sink has received anything yet.'),
    sink ? h('section', { class: 'sink', 'data-sink': sink.name, 'aria-labelledby': 'sink-title' },
      h('h3', { id: 'sink-title' }, `Sink ${sink.name}: ${sink.received} received`,
        sink.dropped ? ` (${sink.dropped} oldest no longer kept)` : '', ', answers ', badge(String(sink.status), sink.status < 300 ? 'ok' : 'bad')),
      h('form', { class: 'inline', onsubmit: (event) => {
        event.preventDefault();
        run(noteKey, 'PUT', `/_mock/sink/${enc(sink.name)}`, { body: { status: Number(document.getElementById(statusId).value) } });
      } },
      h('label', { for: statusId }, 'Answer with status'),
      h('input', { id: statusId, type: 'number', min: 200, max: 599, required: true, inputmode: 'numeric', size: 4 }),
      h('button', { type: 'submit' }, 'Set')),
      note(noteKey),
      sink.callbacks.length ? h('div', { class: 'cards', id: 'sink-callbacks', 'aria-label': 'Callbacks received, newest first' },
        [...sink.callbacks].reverse().map(sinkCallback))
        : h('p', { class: 'hint' }, 'Nothing kept yet.'))
      : null);
}

export const views = { home, imported, qualified, orders, callbacks, requests, sinks };
