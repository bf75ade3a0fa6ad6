// Calls to the mock. Each action is the documented control-plane or API call; the page shows
// the last one (method, path, body, answer) so it can be copied into a test.

const store = window.sessionStorage;
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content || '';

export const settings = {
  get token() { return store.getItem('sinch-mock.token') || ''; },
  get keyId() { return store.getItem('sinch-mock.keyId') || meta('sandbox-key-id'); },
  get keySecret() { return store.getItem('sinch-mock.keySecret') || meta('sandbox-key-secret'); },
  save({ token, keyId, keySecret }) {
    store.setItem('sinch-mock.token', token || '');
    store.setItem('sinch-mock.keyId', keyId || '');
    store.setItem('sinch-mock.keySecret', keySecret || '');
  },
};

// 'control': /_mock/... with the control token when one is set; 'api': /v1/... with Basic auth.
export function authHeaders(kind) {
  if (kind === 'api') return { Authorization: 'Basic ' + btoa(`${settings.keyId}:${settings.keySecret}`) };
  return settings.token ? { Authorization: `Bearer ${settings.token}` } : {};
}

const listeners = [];
export const onCall = (listener) => listeners.push(listener);

// An answer: {ok, status, data (parsed JSON or null), text}. Never throws for HTTP errors.
export async function request(method, path, { body, kind = 'control', show = false, raw = false } = {}) {
  const headers = { Accept: 'application/json', ...authHeaders(kind) };
  let payload;
  if (method !== 'GET' && method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    payload = raw ? body : JSON.stringify(body ?? {});
  }
  const call = { method, path, kind, body: payload };
  let answer;
  try {
    const response = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    answer = { ok: response.ok, status: response.status, data, text };
  } catch (error) {
    answer = { ok: false, status: 0, data: null, text: `The mock did not answer: ${error.message}` };
  }
  if (show) listeners.forEach((listener) => listener(call, answer));
  return answer;
}

export const act = (method, path, options = {}) => request(method, path, { ...options, show: true });

// The message of an error answer, in words (the API's error body, or what happened).
export function messageOf(answer) {
  const error = answer.data && (answer.data.error || answer.data);
  if (error && error.message) return `${answer.status} ${error.status || error.code || ''}: ${error.message}`.replace(' :', ':');
  if (answer.status === 0) return answer.text;
  return `${answer.status}: ${answer.text.slice(0, 300) || 'no body'}`;
}

// field path -> description, from the API's `details[].fieldViolations`.
export function violationsOf(answer) {
  const error = answer.data && (answer.data.error || answer.data);
  const found = new Map();
  for (const detail of (error && error.details) || []) {
    for (const v of detail.fieldViolations || []) found.set(v.field, v.description);
  }
  return found;
}

const quote = (text) => `'${String(text).replace(/'/g, `'\\''`)}'`;

export function curlOf(call) {
  const parts = ['curl -s'];
  if (call.method !== 'GET') parts.push(`-X ${call.method}`);
  if (call.kind === 'api') parts.push(`-u ${quote(`${settings.keyId}:${settings.keySecret}`)}`);
  else if (settings.token) parts.push('-H "Authorization: Bearer $SINCH_MOCK_CONTROL_TOKEN"');
  if (call.body !== undefined) {
    parts.push("-H 'Content-Type: application/json'");
    parts.push(call.body.length > 2000 ? '--data-binary @saved-state.json' : `-d ${quote(call.body)}`);
  }
  parts.push(quote(new URL(call.path, window.location.origin).href));
  return parts.join(' ');
}

export const enc = encodeURIComponent;
