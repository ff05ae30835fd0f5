// The admin API as the page calls it: the session cookie authenticates (HttpOnly: the page never
// sees it), and every change carries the session's CSRF token, which lives in this module's
// variable only (never in storage, a cookie or the URL) and is fetched again after a reload.

let csrfToken = null;
let onSignedOut = () => {};

/** An answer the API refused: its message, and the request field it names (or null). */
export class ApiError extends Error {
  constructor(message, status, field) {
    super(message);
    this.status = status;
    this.field = field || null;
    // A 401: the session ended; the sign-in form is already shown, nothing else to say.
    this.signedOut = status === 401;
  }
}

/** What to do when a call finds the session gone (the page shows the sign-in form). */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

export function signedIn() {
  return csrfToken !== null;
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  const error = body && body.error ? body.error : null;
  const retry = response.headers.get('Retry-After');
  const message = error && error.message ? error.message : `The server answered ${response.status} ${response.statusText}`;
  return new ApiError(retry && response.status === 429 && !/try again/i.test(message)
    ? `${message} (try again in ${retry} s)` : message, response.status, error ? error.field : null);
}

/** The session, if the browser holds one: {csrfToken, idleTimeoutSeconds, expiresAt}, or null. */
export async function currentSession() {
  const response = await fetch('/console/session', { credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) {
    csrfToken = null;
    return null;
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  const session = await response.json();
  csrfToken = session.csrfToken;
  return session;
}

/** Signs in with the admin token; the token is sent once and kept nowhere. */
export async function signIn(token) {
  const response = await fetch('/console/session', {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!response.ok) {
    const error = await errorOf(response);
    // A wrong token is an error of the form, not an ended session.
    error.signedOut = false;
    throw error;
  }
  const session = await response.json();
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut() {
  const token = csrfToken;
  csrfToken = null;
  if (token === null) {
    return;
  }
  await fetch('/console/session', {
    method: 'DELETE',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { 'X-CSRF-Token': token },
  });
}

/**
 * Calls the admin API: api('GET', '/api/admin/provider-keys'), api('POST', path, {...}), or
 * api('PUT', path, {raw: text}) to send a JSON text as typed (the server then reads it strictly
 * and names what is wrong). Resolves to the answer's JSON (null for 204); rejects with an
 * ApiError. A 401 means the session ended: the sign-in form is shown again.
 */
export async function api(method, path, body) {
  const headers = {};
  if (method !== 'GET' && method !== 'HEAD') {
    headers['X-CSRF-Token'] = csrfToken || '';
  }
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = body && typeof body.raw === 'string' ? body.raw : JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) {
    csrfToken = null;
    const error = await errorOf(response);
    onSignedOut('Your session has expired. Sign in again to go on.');
    throw error;
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** A query string of the non-empty values: {a: '1', b: ''} -> 'a=1'. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== null && value !== undefined && String(value).trim() !== '') {
      search.append(name, String(value).trim());
    }
  }
  return search.toString();
}
