// The Create tab: an imported number and a hosting order, made with the API's own operations.
// The API's field violations are shown on the fields they name.

import { act, enc, messageOf, violationsOf } from './api.js';
import { h } from './dom.js';
import { refresh } from './main.js';

function field(form, name, label, attrs = {}) {
  const id = `${form}-${name.replace(/[^a-z0-9]/gi, '-')}`;
  const control = attrs.options
    ? h('select', { id, name }, attrs.options.map(([value, text]) => h('option', { value }, text)))
    : h(attrs.multiline ? 'textarea' : 'input', { id, name, 'aria-describedby': `${id}-error`,
      ...Object.fromEntries(Object.entries(attrs).filter(([k]) => k !== 'multiline' && k !== 'hint')) });
  return h('p', { class: 'field', 'data-field': name },
    h('label', { for: id }, label), attrs.hint ? h('small', {}, attrs.hint) : null, control,
    h('span', { class: 'field-error', id: `${id}-error` }));
}

// Set `a.b.c` in an object, leaving out empty values.
function put(target, path, value) {
  if (value === '' || value === undefined) return;
  const names = path.split('.');
  let at = target;
  for (const name of names.slice(0, -1)) at = at[name] ??= {};
  at[names[names.length - 1]] = value;
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  form.querySelector('.form-error').textContent = '';
}

// Put each violation on the field it names (`numbers[2]` on `numbers`, the LOA's on loa.*).
function showErrors(form, answer, fieldOf) {
  const rest = [];
  let first = null;
  for (const [path, description] of violationsOf(answer)) {
    const name = fieldOf(path);
    const box = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (!box) { rest.push(`${path}: ${description}`); continue; }
    const where = path === name ? '' : `${path}: `;
    const error = box.querySelector('.field-error');
    error.textContent = (error.textContent ? `${error.textContent}; ` : '') + where + description;
    box.querySelector('input, select, textarea').setAttribute('aria-invalid', 'true');
    first ??= box.querySelector('input, select, textarea');
  }
  form.querySelector('.form-error').textContent = [messageOf(answer), ...rest].join(' · ');
  first?.focus();
}

function importForm(project) {
  const form = h('form', { id: 'import-form', class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {};
    for (const el of form.elements) if (el.name) put(body, el.name, el.value.trim());
    const answer = await act('POST', `/v1/projects/${enc(project)}/importedNumbers`, { kind: 'api', body });
    if (!answer.ok) { showErrors(form, answer, (path) => path); return; }
    form.querySelector('.form-error').textContent = '';
    form.querySelector('.form-ok').textContent = `Imported ${answer.data.phoneNumber}: provisioning started.`;
    refresh();
  } },
  h('h3', {}, 'Import a number'),
  h('p', { class: 'hint' }, 'POST /v1/projects/{projectId}/importedNumbers'),
  field('imp', 'phoneNumber', 'Phone number (E.164)', { placeholder: '+12025550134', required: true, inputmode: 'tel' }),
  field('imp', 'regionCode', 'Region', { options: [['US', 'US'], ['CA', 'CA']] }),
  field('imp', 'smsConfiguration.servicePlanId', 'Service plan id', { required: true }),
  field('imp', 'smsConfiguration.campaignId', 'Campaign id (10DLC)'),
  field('imp', 'displayName', 'Display name'),
  field('imp', 'callbackUrl', 'Callback URL', { type: 'url', placeholder: 'http://127.0.0.1:9000/callbacks' }),
  h('p', { class: 'form-error error', role: 'alert' }),
  h('p', { class: 'form-ok ok-text', role: 'status' }),
  h('button', { type: 'submit' }, 'Import'));
  return form;
}

const OPERATIONS = [['importNumbers', 'Import (hostingOrders:importNumbers)'],
  ['textEnableNumbers', 'Text-enable 10DLC (hostingOrders:textEnableNumbers)'],
  ['textEnableTollFreeNumbers', 'Text-enable toll-free (hostingOrders:textEnableTollFreeNumbers)']];
const LOA_KEYS = { Direct: 'directLoaInfo', Reseller: 'resellerLoaInfo', Blanket: 'blanketLoaInfo' };

function orderForm(project) {
  const loaFields = h('fieldset', { class: 'loa' }, h('legend', {}, 'Letter of Authorization (text-enable)'),
    field('ord', 'loa.type', 'LOA type', { options: [['Direct', 'Direct'], ['Reseller', 'Reseller'], ['Blanket', 'Blanket (on file)']] }),
    field('ord', 'loa.businessName', 'Business name (reseller)'),
    field('ord', 'loa.authorisedPerson.firstName', 'First name of the signer'),
    field('ord', 'loa.authorisedPerson.lastName', 'Last name of the signer'),
    field('ord', 'loa.authorisedPerson.email', 'Email of the signer', { type: 'email' }),
    field('ord', 'loa.address.buildingNumber', 'Building number'),
    field('ord', 'loa.address.street', 'Street'),
    field('ord', 'loa.address.city', 'City'),
    field('ord', 'loa.address.state', 'State or province'),
    field('ord', 'loa.address.postalCode', 'Postal code'),
    field('ord', 'loa.address.country', 'Country'),
    field('ord', 'loa.currentVoiceCarrier', 'Current voice carrier'));
  const form = h('form', { id: 'order-form', class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearErrors(form);
    const operation = form.elements.operation.value;
    const body = {};
    const loaType = form.elements['loa.type'].value;
    const loaKey = LOA_KEYS[loaType];
    for (const el of form.elements) {
      if (!el.name || el.name === 'operation' || el.name === 'loa.type') continue;
      if (el.name === 'numbers') { body.numbers = numbersOf(el.value); continue; }
      if (el.name.startsWith('loa.')) {
        if (operation === 'importNumbers' || loaType === 'Blanket') continue;
        if (el.name === 'loa.businessName' && loaType !== 'Reseller') continue;
        put(body, `${loaKey}.${el.name.slice(4)}`, el.value.trim());
      } else put(body, el.name, el.value.trim());
    }
    if (operation !== 'importNumbers' && loaType === 'Blanket') body.blanketLoaInfo = {};
    const answer = await act('POST', `/v1/projects/${enc(project)}/hostingOrders:${operation}`, { kind: 'api', body });
    const fieldOf = (path) => path.replace(/^numbers\[\d+\]$/, 'numbers').replace(/^(directLoaInfo|resellerLoaInfo)\./, 'loa.');
    if (!answer.ok) { showErrors(form, answer, fieldOf); return; }
    form.querySelector('.form-ok').textContent = `Hosting order ${answer.data.hostingOrderId} created (${answer.data.state}).`;
    refresh();
  } },
  h('h3', {}, 'Create a hosting order'),
  field('ord', 'operation', 'Operation', { options: OPERATIONS }),
  field('ord', 'numbers', 'Numbers (one per line)', { multiline: true, rows: 3, required: true, placeholder: '+12025550134' }),
  field('ord', 'regionCode', 'Region', { options: [['US', 'US'], ['CA', 'CA']] }),
  field('ord', 'servicePlanId', 'Service plan id', { required: true }),
  field('ord', 'campaignId', 'Campaign id (10DLC)'),
  field('ord', 'displayName', 'Display name'),
  field('ord', 'callbackUrl', 'Callback URL', { type: 'url' }),
  loaFields,
  h('p', { class: 'form-error error', role: 'alert' }),
  h('p', { class: 'form-ok ok-text', role: 'status' }),
  h('button', { type: 'submit' }, 'Create order'));
  const operation = form.elements.operation;
  const showLoa = () => { loaFields.hidden = operation.value === 'importNumbers'; };
  operation.addEventListener('change', showLoa);
  showLoa();
  return form;
}

const numbersOf = (text) => text.split(/[\s,]+/).filter(Boolean);

function qualifyForm(project) {
  const form = h('form', { id: 'qualify-form', class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { phoneNumbers: numbersOf(form.elements.phoneNumbers.value) };
    const answer = await act('POST', `/v1/projects/${enc(project)}/qualifiedNumbers:addNumbers`, { kind: 'api', body });
    if (!answer.ok) { showErrors(form, answer, (path) => path.replace(/^phoneNumbers\[\d+\]$/, 'phoneNumbers')); return; }
    const added = answer.data.qualifiedNumbers.map((n) => n.phoneNumber).join(', ');
    form.querySelector('.form-ok').textContent = `Added ${added}: the eligibility check has started.`;
    refresh();
  } },
  h('h3', {}, 'Add qualified numbers'),
  h('p', { class: 'hint' }, 'POST /v1/projects/{projectId}/qualifiedNumbers:addNumbers'),
  field('qual', 'phoneNumbers', 'Numbers (one per line)', { multiline: true, rows: 3, required: true, placeholder: '+12025550134' }),
  h('p', { class: 'form-error error', role: 'alert' }),
  h('p', { class: 'form-ok ok-text', role: 'status' }),
  h('button', { type: 'submit' }, 'Add'));
  return form;
}

export function createView(project) {
  return h('section', { class: 'create cards', 'aria-label': 'Create' },
    importForm(project), orderForm(project), qualifyForm(project));
}
