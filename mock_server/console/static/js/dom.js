// Small DOM helpers: build elements from data, never from HTML strings.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);

// A readable instant: "2026-11-30 02:10:07Z" (the API's RFC 3339, without the T and millis).
export function when(text) {
  if (!text) return '—';
  return text.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function badge(text, kind) {
  const tone = kind || toneOf(text);
  return h('span', { class: `badge ${tone}` }, text ?? '—');
}

function toneOf(text) {
  const t = String(text || '');
  if (/DONE|COMPLETED|VERIFIED|SUCCEEDED|delivered|SIGNED|HOSTED/.test(t)) return 'ok';
  if (/FAIL|REJECT|BLOCKED|DECLINED|NOT_ELIGIBLE|failed/.test(t)) return 'bad';
  if (/PROGRESS|PENDING|WAITING|SUBMITTED|pending/.test(t)) return 'busy';
  return 'plain';
}

export function jsonDetails(summary, value) {
  return h('details', { class: 'json' }, h('summary', {}, summary), h('pre', {}, JSON.stringify(value, null, 2)));
}

// Values typed into the view survive a live refresh: collect them by id, put them back.
export function keepInputs(root) {
  const kept = new Map();
  for (const el of root.querySelectorAll('input[id], select[id], textarea[id]')) {
    if (el.type !== 'file') kept.set(el.id, el.value);
  }
  const active = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : null;
  const open = new Set([...root.querySelectorAll('details[open]')].map(detailsKey));
  return () => {
    for (const [id, value] of kept) {
      const el = document.getElementById(id);
      if (el && root.contains(el) && value !== '') el.value = value;
    }
    for (const details of root.querySelectorAll('details')) if (open.has(detailsKey(details))) details.open = true;
    if (active) document.getElementById(active)?.focus();
  };
}

// A <details> is known again after a refresh by the resource it belongs to and its summary.
function detailsKey(details) {
  const owner = details.closest('[data-number], [data-order], [data-event]');
  const id = owner ? owner.dataset.number || owner.dataset.order || owner.dataset.event : '';
  return `${id}|${details.querySelector('summary')?.textContent || ''}`;
}
