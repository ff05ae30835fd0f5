// The console's shell: sign-in, the navigation, and the hash routes that pick a page.
import { currentSession, signIn, signOut, whenSignedOut } from './api.js';
import { busy, clearErrors, h, replaceChildren } from './ui.js';
import { providerKeysPage, virtualKeysPage, oauthClientsPage } from './keys.js';
import { llmProxiesPage, llmProxyPage } from './proxies.js';
import { limitsPage } from './limits.js';
import { usagePage } from './usage.js';

const ROUTES = [
  { path: 'provider-keys', title: 'Provider keys', render: providerKeysPage },
  { path: 'llm-proxies', title: 'LLM proxies', render: llmProxiesPage },
  { path: 'virtual-keys', title: 'Virtual keys', render: virtualKeysPage },
  { path: 'oauth-clients', title: 'OAuth clients', render: oauthClientsPage },
  { path: 'limits', title: 'Limits', render: limitsPage },
  { path: 'usage', title: 'Usage', render: usagePage },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
const shell = document.getElementById('shell');

/** Each render gets a fresh token; a page whose render was overtaken stops drawing. */
let renderCount = 0;

function route() {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path, ...rest] = hash.split('/');
  if (path === 'llm-proxies' && rest.length && rest[0]) {
    return { nav: 'llm-proxies', render: (context) => llmProxyPage(context, decodeURIComponent(rest[0])) };
  }
  const found = ROUTES.find((candidate) => candidate.path === path) || ROUTES[0];
  return { nav: found.path, render: found.render };
}

function renderNav(current) {
  replaceChildren(nav, h('ul', {}, ROUTES.map((candidate) => h('li', {},
    h('a', { href: `#/${candidate.path}`, 'aria-current': candidate.path === current ? 'page' : null },
      candidate.title)))),
  h('ul', { class: 'nav-extra' }, h('li', {}, h('a', { href: '/api/admin/docs' }, 'API docs'))));
}

async function showPage() {
  renderCount += 1;
  const mine = renderCount;
  const current = route();
  renderNav(current.nav);
  document.getElementById('alerts').replaceChildren();
  // A fresh page: whatever the last one showed (a one-time secret included) is gone.
  const page = h('div', { class: 'page' });
  main.replaceChildren(page);
  const context = {
    page,
    live: () => mine === renderCount && page.isConnected,
    go: (hash) => { window.location.hash = hash; },
  };
  try {
    await current.render(context);
  } catch (error) {
    if (!error || !error.signedOut) {
      if (context.live()) {
        page.append(h('p', { class: 'form-error', role: 'alert' }, `This page could not be shown: ${error.message || error}`));
      }
    }
  }
  if (context.live()) {
    const heading = page.querySelector('h2');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      if (document.activeElement === document.body || !main.contains(document.activeElement)) {
        heading.focus({ preventScroll: true });
      }
    }
    document.title = `${heading ? heading.textContent : 'Console'} · Portcullis`;
  }
}

function showSignIn(message) {
  renderCount += 1;
  shell.hidden = true;
  main.replaceChildren();
  nav.replaceChildren();
  signOutButton.hidden = true;
  document.title = 'Sign in · Portcullis';
  const token = h('input', {
    id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'current-password',
    spellcheck: 'false', 'aria-describedby': 'token-hint',
  });
  token.dataset.hint = 'token-hint';
  const submit = h('button', { type: 'submit' }, 'Sign in');
  // method=post: should the script ever fail, a plain submit never puts the token in the URL.
  const form = h('form', { id: 'sign-in-form', method: 'post', action: '/console/session', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'token' }, 'Admin token'),
      token,
      h('p', { id: 'token-hint', class: 'hint' },
        'PORTCULLIS_ADMIN_TOKEN, or the token generated at first start (the start-up log says where it is kept).')),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, form, async () => {
      if (!token.value) {
        throw Object.assign(new Error('Enter the admin token'), { field: 'token' });
      }
      const value = token.value;
      await signIn(value);
      token.value = '';
      clearErrors(form);
      showApp();
    });
  });
  const section = h('section', { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    message ? h('p', { class: 'notice notice-info', role: 'status', id: 'sign-in-message' }, message) : null,
    form);
  document.getElementById('sign-in').replaceChildren(section);
  document.getElementById('sign-in').hidden = false;
  token.focus();
}

function showApp() {
  document.getElementById('sign-in').hidden = true;
  document.getElementById('sign-in').replaceChildren();
  shell.hidden = false;
  signOutButton.hidden = false;
  if (!window.location.hash) {
    window.history.replaceState(null, '', '#/provider-keys');
  }
  showPage();
}

signOutButton.addEventListener('click', async () => {
  signOutButton.disabled = true;
  try {
    await signOut();
  } catch (e) {
    // Signed out here whatever the server said: the cookie alone is useless without the page.
  } finally {
    signOutButton.disabled = false;
  }
  showSignIn('Signed out.');
});

whenSignedOut((message) => showSignIn(message));

window.addEventListener('hashchange', () => {
  if (!shell.hidden) {
    showPage();
  }
});

async function start() {
  try {
    const session = await currentSession();
    if (session) {
      showApp();
    } else {
      showSignIn(null);
    }
  } catch (error) {
    showSignIn(`The console could not reach the server: ${error.message || error}`);
  }
}

start();
