// Provider keys, virtual keys and OAuth clients.
import { api } from './api.js';
import {
  busy, confirmDialog, field, h, notify, numberOrNull, replaceChildren, secretBox, shortId, table, uid, when,
} from './ui.js';

/** The providers Portcullis serves (README, "Routes"). */
export const PROVIDERS = ['openai', 'anthropic', 'gemini', 'cohere', 'bedrock', 'azure', 'groq', 'cerebras',
  'mistral', 'perplexity', 'openrouter', 'xai', 'zhipuai', 'minimax', 'ollama', 'vllm'];

async function list(path) {
  return (await api('GET', path)).data || [];
}

function deleteButton({ label, what, name, onConfirm }) {
  const button = h('button', { type: 'button', class: 'danger small', 'aria-label': `${label} ${name}` }, label);
  button.addEventListener('click', async () => {
    const yes = await confirmDialog({
      title: `${label} ${what}?`,
      message: `${label} ${what} “${name}”? This cannot be undone; callers using it are refused within a second.`,
      confirmLabel: label,
    });
    if (yes) {
      await busy(button, null, async () => {
        await onConfirm();
        notify(`${what[0].toUpperCase()}${what.slice(1)} “${name}” ${label === 'Revoke' ? 'revoked' : 'deleted'}.`);
      });
    } else {
      button.focus();
    }
  });
  return button;
}

// ---- provider keys ----

export async function providerKeysPage({ page, live }) {
  const listing = h('div', { class: 'listing' });
  const counts = h('p', { class: 'hint' });
  page.append(h('h2', {}, 'Provider keys'),
    h('p', { class: 'lead' }, 'The real provider credentials Portcullis sends upstream. They are stored encrypted and never shown again.'),
    h('section', { 'aria-labelledby': 'pk-list' }, h('h3', { id: 'pk-list' }, 'Keys'), counts, listing));

  const refresh = async () => {
    const keys = await list('/api/admin/provider-keys');
    if (!live()) {
      return;
    }
    const byProvider = {};
    keys.forEach((key) => { byProvider[key.provider] = (byProvider[key.provider] || 0) + 1; });
    counts.textContent = keys.length
      ? `Providers with keys: ${Object.entries(byProvider).map(([p, n]) => `${p} (${n})`).join(', ')}.` : '';
    replaceChildren(listing, table({
      caption: 'Provider keys',
      empty: 'No provider keys yet: add one below.',
      rows: keys,
      columns: [
        { title: 'Name', cell: (k) => k.name },
        { title: 'Provider', cell: (k) => k.provider },
        { title: 'Id', cell: (k) => shortId(k.id) },
        { title: 'Base URL', cell: (k) => (k.baseUrl ? h('span', { class: 'url', title: k.baseUrl }, k.baseUrl) : 'provider default') },
        { title: 'API key', cell: (k) => (k.hasApiKey ? 'stored' : 'none') },
        { title: 'Created', cell: (k) => when(k.createdAt) },
        {
          title: 'Actions',
          cell: (k) => deleteButton({
            label: 'Delete', what: 'provider key', name: k.name,
            onConfirm: async () => { await api('DELETE', `/api/admin/provider-keys/${encodeURIComponent(k.id)}`); await refresh(); },
          }),
        },
      ],
    }));
  };

  const submit = h('button', { type: 'submit' }, 'Add provider key');
  const form = h('form', { class: 'card', 'aria-labelledby': 'pk-new', novalidate: true },
    h('h3', { id: 'pk-new' }, 'Add a provider key'),
    h('div', { class: 'grid' },
      field({ label: 'Provider', name: 'provider', type: 'select', required: true,
        options: PROVIDERS.map((p) => [p, p]) }),
      field({ label: 'Name', name: 'name', required: true, maxlength: 200, autocomplete: 'off' }),
      field({ label: 'API key', name: 'apiKey', type: 'password', autocomplete: 'new-password', spellcheck: 'false',
        hint: 'Optional for Ollama, vLLM and server identities. Stored encrypted; never shown again.' })),
    h('details', {},
      h('summary', {}, 'More options'),
      h('div', { class: 'grid' },
        field({ label: 'Base URL', name: 'baseUrl', type: 'url', placeholder: 'https://…',
          hint: 'Where this key\'s calls go instead of the provider\'s API (a path prefix is kept).' }),
        field({ label: 'Inference URL', name: 'inferenceUrl', type: 'url', placeholder: 'https://…' }),
        field({ label: 'Extra headers (JSON object)', name: 'extraHeaders', type: 'textarea', rows: 3,
          placeholder: '{"OpenAI-Organization": "org-…"}', spellcheck: 'false',
          hint: 'Sent upstream with every call of this key; stored encrypted.' }))),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, form, async () => {
      const values = form.elements;
      const body = { provider: values.provider.value, name: values.name.value };
      for (const name of ['apiKey', 'baseUrl', 'inferenceUrl']) {
        if (values[name].value.trim()) {
          body[name] = values[name].value.trim();
        }
      }
      if (values.extraHeaders.value.trim()) {
        try {
          body.extraHeaders = JSON.parse(values.extraHeaders.value);
        } catch (e) {
          throw Object.assign(new Error(`Extra headers must be a JSON object: ${e.message}`), { field: 'extraHeaders' });
        }
      }
      const created = await api('POST', '/api/admin/provider-keys', body);
      form.reset();
      notify(`Provider key “${created.name}” added.`);
      await refresh();
    });
  });
  page.append(form);
  await refresh();
}

// ---- shared by virtual keys and OAuth clients ----

/** Checkboxes of provider keys, each with a weight, in a fieldset named providerKeys. */
function providerKeyPicker(keys) {
  const rows = keys.map((key) => {
    const checkId = uid('pk');
    const weightId = uid('weight');
    return h('div', { class: 'pick' },
      h('input', { type: 'checkbox', id: checkId, value: key.id, class: 'pick-key', dataset: { provider: key.provider } }),
      h('label', { for: checkId }, `${key.name} `, h('span', { class: 'muted' }, `(${key.provider})`)),
      h('label', { for: weightId, class: 'weight-label' }, 'weight'),
      h('input', { type: 'number', id: weightId, class: 'pick-weight', min: '1', max: '1000', step: '1', value: '1',
        'aria-label': `Weight of ${key.name}` }));
  });
  return h('fieldset', { name: 'providerKeys', class: 'picker' },
    h('legend', {}, 'Provider keys ', h('span', { class: 'required' }, '(at least one)')),
    keys.length ? rows : h('p', { class: 'hint' }, 'No provider keys yet: add one on the Provider keys page first.'),
    h('p', { class: 'hint' }, 'Calls to a provider are spread over its checked keys by weight (1 to 1000).'));
}

function pickedKeys(form) {
  return [...form.elements.namedItem('providerKeys').querySelectorAll('.pick')].filter((row) => row.querySelector('.pick-key').checked)
    .map((row) => ({ id: row.querySelector('.pick-key').value, weight: numberOrNull(row.querySelector('.pick-weight').value) ?? 1 }));
}

function proxyPicker(name, legend, proxies, hint) {
  return h('fieldset', { name, class: 'picker' },
    h('legend', {}, legend),
    proxies.map((proxy) => {
      const id = uid('proxy');
      return h('div', { class: 'pick' },
        h('input', { type: 'checkbox', id, value: proxy.id, class: 'pick-proxy' }),
        h('label', { for: id }, proxy.name, proxy.isDefault ? h('span', { class: 'muted' }, ' (default)') : null));
    }),
    hint ? h('p', { class: 'hint' }, hint) : null);
}

function pickedProxies(form, name) {
  return [...form.elements.namedItem(name).querySelectorAll('.pick-proxy')].filter((box) => box.checked).map((box) => box.value);
}

function keysText(mapped, keyNames) {
  if (!mapped || !mapped.length) {
    return '—';
  }
  return h('ul', { class: 'plain' }, mapped.map((key) => h('li', {},
    `${keyNames[key.id] || key.id} (${key.provider}${key.weight > 1 ? `, weight ${key.weight}` : ''})`)));
}

function proxiesText(ids, proxyNames) {
  if (!ids || !ids.length) {
    return 'any';
  }
  return ids.map((id) => proxyNames[id] || id).join(', ');
}

function names(items) {
  return Object.fromEntries(items.map((item) => [item.id, item.name]));
}

// ---- virtual keys ----

/**
 * The frame the virtual-key and OAuth-client pages share: the provider keys and proxies they map,
 * the slot of a new one-time secret and the listing under its heading. Null when the user has
 * already gone elsewhere.
 */
async function credentialsFrame({ page, live }, { title, lead, listId, listTitle }) {
  const [providerKeys, proxies] = await Promise.all([list('/api/admin/provider-keys'), list('/api/admin/llm-proxies')]);
  if (!live()) {
    return null;
  }
  const listing = h('div', { class: 'listing' });
  const secretSlot = h('div', { class: 'secret-slot' });
  page.append(h('h2', {}, title), h('p', { class: 'lead' }, lead), secretSlot,
    h('section', { 'aria-labelledby': listId }, h('h3', { id: listId }, listTitle), listing));
  return { providerKeys, proxies, keyNames: names(providerKeys), proxyNames: names(proxies), listing, secretSlot };
}

/** The provider keys checked in a create form, at least one. */
function requiredKeys(form) {
  const picked = pickedKeys(form);
  if (!picked.length) {
    throw Object.assign(new Error('Check at least one provider key'), { field: 'providerKeys' });
  }
  return picked;
}

export async function virtualKeysPage({ page, live }) {
  const frame = await credentialsFrame({ page, live }, {
    title: 'Virtual keys', listId: 'vk-list', listTitle: 'Keys',
    lead: 'Keys your applications send instead of provider keys (pc-vk-…). Only their hash is stored: a new key is shown once.',
  });
  if (!frame) {
    return;
  }
  const { providerKeys, proxies, keyNames, proxyNames, listing, secretSlot } = frame;

  const refresh = async () => {
    const keys = await list('/api/admin/virtual-keys');
    if (!live()) {
      return;
    }
    replaceChildren(listing, table({
      caption: 'Virtual keys',
      empty: 'No virtual keys yet.',
      rows: keys,
      columns: [
        { title: 'Name', cell: (k) => k.name },
        { title: 'Id', cell: (k) => shortId(k.id) },
        { title: 'Provider keys', cell: (k) => keysText(k.providerKeys, keyNames) },
        { title: 'LLM proxies', cell: (k) => proxiesText(k.llmProxyIds, proxyNames) },
        { title: 'Expires', cell: (k) => (k.expiresAt ? when(k.expiresAt) : 'never') },
        { title: 'Created', cell: (k) => when(k.createdAt) },
        {
          title: 'Actions',
          cell: (k) => deleteButton({
            label: 'Revoke', what: 'virtual key', name: k.name,
            onConfirm: async () => { await api('DELETE', `/api/admin/virtual-keys/${encodeURIComponent(k.id)}`); await refresh(); },
          }),
        },
      ],
    }));
  };

  const submit = h('button', { type: 'submit' }, 'Create virtual key');
  const form = h('form', { class: 'card', 'aria-labelledby': 'vk-new', novalidate: true },
    h('h3', { id: 'vk-new' }, 'Create a virtual key'),
    h('div', { class: 'grid' },
      field({ label: 'Name', name: 'name', required: true, maxlength: 200, autocomplete: 'off' }),
      field({ label: 'Expires', name: 'expiresAt', type: 'datetime-local',
        hint: 'In your local time. Empty: the server\'s default lifetime (none unless set).' })),
    providerKeyPicker(providerKeys),
    proxyPicker('llmProxyIds', 'LLM proxies it may use', proxies, 'None checked: any proxy.'),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, form, async () => {
      const body = { name: form.elements.name.value, providerKeys: requiredKeys(form) };
      const proxyIds = pickedProxies(form, 'llmProxyIds');
      if (proxyIds.length) {
        body.llmProxyIds = proxyIds;
      }
      const expires = form.elements.expiresAt.value;
      if (expires) {
        const date = new Date(expires);
        if (Number.isNaN(date.getTime())) {
          throw Object.assign(new Error('Expires must be a date and time'), { field: 'expiresAt' });
        }
        body.expiresAt = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
      }
      const created = await api('POST', '/api/admin/virtual-keys', body);
      form.reset();
      const box = secretBox({
        title: `New virtual key “${created.name}”: copy it now`,
        explanation: 'This is the only time the key is shown. Portcullis keeps only its hash; leave this page and it is gone.',
        items: [{ label: 'virtual key', value: created.key, secret: true }],
      });
      replaceChildren(secretSlot, box);
      box.focus();
      await refresh();
    });
  });
  page.append(form);
  await refresh();
}

// ---- OAuth clients ----

export async function oauthClientsPage({ page, live }) {
  const frame = await credentialsFrame({ page, live }, {
    title: 'OAuth clients', listId: 'oc-list', listTitle: 'Clients',
    lead: 'Clients that get access tokens from POST /api/auth/oauth2/token (client credentials). A new client\'s secret is shown once.',
  });
  if (!frame) {
    return;
  }
  const { providerKeys, proxies, keyNames, proxyNames, listing, secretSlot } = frame;

  const refresh = async () => {
    const clients = await list('/api/admin/oauth-clients');
    if (!live()) {
      return;
    }
    replaceChildren(listing, table({
      caption: 'OAuth clients',
      empty: 'No OAuth clients yet.',
      rows: clients,
      columns: [
        { title: 'Name', cell: (c) => c.name },
        { title: 'Client id', cell: (c) => shortId(c.clientId) },
        { title: 'Provider keys', cell: (c) => keysText(c.providerKeys, keyNames) },
        { title: 'LLM proxies', cell: (c) => proxiesText(c.allowedLlmProxyIds, proxyNames) },
        { title: 'Created', cell: (c) => when(c.createdAt) },
        {
          title: 'Actions',
          cell: (c) => deleteButton({
            label: 'Delete', what: 'OAuth client', name: c.name,
            onConfirm: async () => { await api('DELETE', `/api/admin/oauth-clients/${encodeURIComponent(c.id)}`); await refresh(); },
          }),
        },
      ],
    }));
  };

  const submit = h('button', { type: 'submit' }, 'Create OAuth client');
  const form = h('form', { class: 'card', 'aria-labelledby': 'oc-new', novalidate: true },
    h('h3', { id: 'oc-new' }, 'Create an OAuth client'),
    h('div', { class: 'grid' },
      field({ label: 'Name', name: 'name', required: true, maxlength: 200, autocomplete: 'off' })),
    providerKeyPicker(providerKeys),
    proxyPicker('allowedLlmProxyIds', 'LLM proxies it may use (at least one)', proxies, null),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, form, async () => {
      const body = {
        name: form.elements.name.value,
        providerKeys: requiredKeys(form),
        allowedLlmProxyIds: pickedProxies(form, 'allowedLlmProxyIds'),
      };
      const created = await api('POST', '/api/admin/oauth-clients', body);
      const name = form.elements.name.value;
      form.reset();
      const box = secretBox({
        title: `New OAuth client “${name}”: copy its secret now`,
        explanation: 'This is the only time the client secret is shown. Portcullis keeps only its hash; leave this page and it is gone.',
        items: [
          { label: 'client id', value: created.clientId, secret: false },
          { label: 'client secret', value: created.clientSecret, secret: true },
        ],
      });
      replaceChildren(secretSlot, box);
      box.focus();
      await refresh();
    });
  });
  page.append(form);
  await refresh();
}
