// Budgets and rate limits: the rules with their use now, a form and a JSON editor to make or
// replace one, and delete.
import { api } from './api.js';
import { busy, confirmDialog, field, h, notify, numberOrNull, replaceChildren, shortId, table } from './ui.js';

const SUBJECTS = [
  ['organization', 'the whole organization'],
  ['virtualKeyId', 'a virtual key'],
  ['oauthClientId', 'an OAuth client'],
  ['llmProxyId', 'an LLM proxy'],
];

function limitPath(id, tail = '') {
  return `/api/admin/limits/${encodeURIComponent(id)}${tail}`;
}

function subjectText(appliesTo, names) {
  if (!appliesTo || appliesTo.organization) {
    return 'organization';
  }
  const [kind, id] = Object.entries(appliesTo)[0];
  const label = { virtualKeyId: 'virtual key', oauthClientId: 'OAuth client', llmProxyId: 'LLM proxy' }[kind] || kind;
  return h('span', {}, `${label} `, names[id] ? h('span', { title: id }, names[id]) : shortId(id));
}

function limitsText(rule) {
  const parts = [];
  if (rule.requestsPerMinute != null) parts.push(`${rule.requestsPerMinute} requests/min`);
  if (rule.tokensPerMinute != null) parts.push(`${rule.tokensPerMinute} tokens/min`);
  if (rule.concurrentStreams != null) parts.push(`${rule.concurrentStreams} streams`);
  if (rule.spendUsd) parts.push(`$${rule.spendUsd.amount} per ${rule.spendUsd.window}`);
  return h('ul', { class: 'plain' }, parts.map((part) => h('li', {}, part)));
}

function statusText(status) {
  if (!status) {
    return 'unknown';
  }
  if (status.error) {
    return h('span', { class: 'muted' }, status.error);
  }
  return h('ul', { class: 'plain' }, (status.limits || []).map((limit) => {
    if (limit.metric === 'spend') {
      return h('li', { class: limit.remainingUsd <= 0 ? 'over' : null },
        `spend: $${limit.usedUsd} of $${limit.limitUsd} (${limit.window})`);
    }
    return h('li', { class: limit.remaining <= 0 ? 'over' : null },
      `${limit.metric}: ${limit.used} of ${limit.limit} (${limit.window})`);
  }));
}

/** A rule as the API shows it, without what the server sets, for the JSON editor. */
function editable(rule) {
  const copy = { ...rule };
  ['id', 'revision', 'createdAt', 'updatedAt'].forEach((key) => delete copy[key]);
  Object.keys(copy).forEach((key) => { if (copy[key] === null) delete copy[key]; });
  return copy;
}

export async function limitsPage({ page, live }) {
  const [virtualKeys, clients, proxies] = await Promise.all([
    api('GET', '/api/admin/virtual-keys'), api('GET', '/api/admin/oauth-clients'), api('GET', '/api/admin/llm-proxies')]);
  if (!live()) {
    return;
  }
  const targets = {
    virtualKeyId: (virtualKeys.data || []).map((k) => [k.id, k.name]),
    oauthClientId: (clients.data || []).map((c) => [c.id, c.name]),
    llmProxyId: (proxies.data || []).map((p) => [p.id, p.name]),
  };
  const names = Object.fromEntries(Object.values(targets).flat());
  const listing = h('div', { class: 'listing' });
  page.append(h('h2', {}, 'Limits'),
    h('p', { class: 'lead' }, 'Rate limits and budgets: a hard rule refuses a call that would pass it (429), a soft one lets it through and flags it.'),
    h('section', { 'aria-labelledby': 'lm-list' }, h('h3', { id: 'lm-list' }, 'Rules'), listing));

  let editJson = null;
  const refresh = async () => {
    const rules = (await api('GET', '/api/admin/limits')).data || [];
    const statuses = await Promise.all(rules.map((rule) => api('GET', limitPath(rule.id, '/status'))
      .catch((error) => { if (error.signedOut) throw error; return { error: error.message }; })));
    if (!live()) {
      return;
    }
    replaceChildren(listing, table({
      caption: 'Limit rules',
      empty: 'No limit rules yet.',
      rows: rules.map((rule, index) => ({ rule, status: statuses[index] })),
      columns: [
        { title: 'Name', cell: ({ rule }) => rule.name },
        { title: 'Applies to', cell: ({ rule }) => subjectText(rule.appliesTo, names) },
        { title: 'Models', cell: ({ rule }) => (rule.models ? rule.models.join(', ') : 'all') },
        { title: 'Limits', cell: ({ rule }) => limitsText(rule) },
        { title: 'Mode', cell: ({ rule }) => rule.mode },
        { title: 'Used now', cell: ({ status }) => statusText(status) },
        {
          title: 'Actions',
          cell: ({ rule }) => {
            const edit = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit ${rule.name} as JSON` }, 'Edit JSON');
            edit.addEventListener('click', () => editJson(rule));
            const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${rule.name}` }, 'Delete');
            remove.addEventListener('click', async () => {
              const yes = await confirmDialog({ title: 'Delete limit rule?', message: `Delete the limit rule “${rule.name}”? Gateways stop enforcing it within a second.`, confirmLabel: 'Delete' });
              if (!yes) {
                remove.focus();
                return;
              }
              await busy(remove, null, async () => {
                await api('DELETE', limitPath(rule.id));
                notify(`Limit rule “${rule.name}” deleted.`);
                await refresh();
              });
            });
            return h('span', { class: 'row-actions' }, edit, remove);
          },
        },
      ],
    }));
  };

  // The form.
  const target = field({ label: 'Which one', name: 'appliesToId', type: 'select', options: [] });
  const targetSelect = target.querySelector('select');
  const kind = field({ label: 'Applies to', name: 'appliesTo', type: 'select', options: SUBJECTS, value: 'organization' });
  const kindSelect = kind.querySelector('select');
  const fillTargets = () => {
    const options = targets[kindSelect.value] || [];
    replaceChildren(targetSelect, options.map(([value, text]) => h('option', { value }, text)));
    target.hidden = kindSelect.value === 'organization';
  };
  kindSelect.addEventListener('change', fillTargets);
  fillTargets();
  const submit = h('button', { type: 'submit' }, 'Create rule');
  const form = h('form', { class: 'card', 'aria-labelledby': 'lm-new', novalidate: true },
    h('h3', { id: 'lm-new' }, 'Create a rule'),
    h('div', { class: 'grid' },
      field({ label: 'Name', name: 'name', required: true, autocomplete: 'off' }),
      kind, target,
      field({ label: 'Models', name: 'models', placeholder: 'openai:*, anthropic:claude-*',
        hint: 'provider:model globs, comma-separated; empty: every model.' }),
      field({ label: 'Requests per minute', name: 'requestsPerMinute', type: 'number', min: '1', step: '1' }),
      field({ label: 'Tokens per minute', name: 'tokensPerMinute', type: 'number', min: '1', step: '1' }),
      field({ label: 'Concurrent streams', name: 'concurrentStreams', type: 'number', min: '1', step: '1' }),
      field({ label: 'Spend (US dollars)', name: 'spendUsd', type: 'number', min: '0', step: 'any' }),
      field({ label: 'Spend window', name: 'spendUsd.window', value: 'month',
        hint: 'day or month (UTC), or a rolling duration such as PT6H.' }),
      field({ label: 'Mode', name: 'mode', type: 'select', options: [['hard', 'hard: refuse'], ['soft', 'soft: allow and flag']], value: 'hard' })),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, form, async () => {
      const values = form.elements;
      const body = { name: values.name.value, mode: values.mode.value };
      body.appliesTo = kindSelect.value === 'organization' ? { organization: true }
        : { [kindSelect.value]: targetSelect.value };
      if (kindSelect.value !== 'organization' && !targetSelect.value) {
        throw Object.assign(new Error(`There is no ${SUBJECTS.find(([k]) => k === kindSelect.value)[1].replace(/^an? /, '')} to limit yet`), { field: 'appliesTo' });
      }
      const models = values.models.value.split(',').map((m) => m.trim()).filter(Boolean);
      if (models.length) {
        body.models = models;
      }
      for (const name of ['requestsPerMinute', 'tokensPerMinute', 'concurrentStreams']) {
        const value = numberOrNull(values[name].value);
        if (value !== null) {
          body[name] = value;
        }
      }
      const amount = numberOrNull(values.spendUsd.value);
      if (amount !== null) {
        body.spendUsd = { amount, window: values.namedItem('spendUsd.window').value.trim() };
      }
      const created = await api('POST', '/api/admin/limits', body);
      form.reset();
      fillTargets();
      notify(`Limit rule “${created.name}” created.`);
      await refresh();
    });
  });

  // The JSON editor: create from JSON, or replace a rule (PUT) picked with "Edit JSON".
  const jsonSubmit = h('button', { type: 'submit' }, 'Create rule from JSON');
  const cancelEdit = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Stop editing');
  const jsonTitle = h('h3', { id: 'lm-json' }, 'Create a rule from JSON');
  const jsonForm = h('form', { class: 'card', 'aria-labelledby': 'lm-json', novalidate: true, dataset: { defaultField: 'rule' } },
    jsonTitle,
    field({ label: 'Rule (JSON)', name: 'rule', type: 'textarea', rows: 8, spellcheck: 'false', class: 'code',
      placeholder: '{"name": "app-rpm", "appliesTo": {"organization": true}, "requestsPerMinute": 60, "mode": "hard"}',
      hint: 'name, appliesTo, models, requestsPerMinute, tokensPerMinute, concurrentStreams, spendUsd {amount, window}, mode (README, "Budgets and rate limits").' }),
    h('div', { class: 'actions' }, jsonSubmit, cancelEdit));
  let editing = null;
  const stopEditing = () => {
    editing = null;
    jsonTitle.textContent = 'Create a rule from JSON';
    jsonSubmit.textContent = 'Create rule from JSON';
    cancelEdit.hidden = true;
    jsonForm.elements.rule.value = '';
  };
  cancelEdit.addEventListener('click', stopEditing);
  editJson = (rule) => {
    editing = rule;
    jsonTitle.textContent = `Replace the rule “${rule.name}”`;
    jsonSubmit.textContent = 'Replace rule';
    cancelEdit.hidden = false;
    jsonForm.elements.rule.value = JSON.stringify(editable(rule), null, 2);
    jsonForm.elements.rule.focus();
  };
  jsonForm.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(jsonSubmit, jsonForm, async () => {
      const text = jsonForm.elements.rule.value.trim();
      try {
        JSON.parse(text);
      } catch (e) {
        throw Object.assign(new Error(`Not JSON: ${e.message}`), { field: 'rule' });
      }
      const saved = editing
        ? await api('PUT', limitPath(editing.id), { raw: text })
        : await api('POST', '/api/admin/limits', { raw: text });
      notify(`Limit rule “${saved.name}” ${editing ? 'replaced' : 'created'}.`);
      stopEditing();
      await refresh();
    });
  });

  page.append(form, jsonForm);
  await refresh();
}
