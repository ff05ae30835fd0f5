// Swagger UI for the admin API, signed in with the console's session: its calls carry the session
// cookie, and "Try it out" changes carry the session's CSRF token, fetched here and kept in memory.
let csrfToken = null;
fetch('/console/session', { credentials: 'same-origin' })
  .then((r) => (r.ok ? r.json() : null))
  .then((session) => { csrfToken = session ? session.csrfToken : null; });

window.SwaggerUIBundle({
  url: '/api/admin/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: false,
  requestInterceptor: (request) => {
    if (csrfToken) {
      request.headers['X-CSRF-Token'] = csrfToken;
    }
    request.credentials = 'same-origin';
    return request;
  },
});
