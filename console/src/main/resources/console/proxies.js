// LLM proxies: the list, and one proxy's audit level, policy document and model-router fallbacks.
import { api } from './api.js';
import { busy, confirmDialog, field, h, notify, replaceChildren, shortId, table } from './ui.js';

const AUDIT_LEVELS = [
  ['none', 'none: no audit rows'],
  ['metadata', 'metadata: who, what, when, outcome'],
  ['full', 'full: also the request and the answer (redacted)'],
];

function proxyPath(id, tail = '') {
  return `/api/admin/llm-proxies/${encodeURIComponent(id)}${tail}`;
}

function pretty(json) {
  return JSON.stringify(json, null, 2);
}

export async function llmProxiesPage({ page, live }) {
  const listing = h('div', { class: 'listing' });
  page.append(h('h2', {}, 'LLM proxies'),
    h('p', { class: 'lead' }, 'Each proxy has its own policy document, model-router fallbacks and audit level. Callers name it in the URL: /v1/<provider>/<proxy id>.'),
    h('section', { 'aria-labelledby': 'px-list' }, h('h3', { id: 'px-list' }, 'Proxies'), listing));

  const refresh = async () => {
    const proxies = (await api('GET', '/api/admin/llm-proxies')).data || [];
    if (!live()) {
      return;
    }
    replaceChildren(listing, table({
      caption: 'LLM proxies',
      rows: proxies,
      columns: [
        { title: 'Name', cell: (p) => h('a', { href: `#/llm-proxies/${encodeURIComponent(p.id)}` }, p.name) },
        { title: 'Id', cell: (p) => shortId(p.id) },
        { title: 'Default', cell: (p) => (p.isDefault ? 'yes' : 'no') },
        { title: 'Audit', cell: (p) => p.auditBodies },
        { title: 'Fallbacks', numeric: true, cell: (p) => String(Object.keys(p.fallbacks || {}).length) },
        {
          title: 'Actions',
          cell: (p) => {
            const edit = h('a', { class: 'button-link small', href: `#/llm-proxies/${encodeURIComponent(p.id)}`,
              'aria-label': `Edit ${p.name}` }, 'Edit');
            if (p.isDefault) {
              return h('span', { class: 'row-actions' }, edit);
            }
            const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${p.name}` }, 'Delete');
            remove.addEventListener('click', async () => {
              const yes = await confirmDialog({
                title: 'Delete LLM proxy?',
                message: `Delete LLM proxy “${p.name}” with its policies and fallbacks? Calls naming it are refused within a second.`,
                confirmLabel: 'Delete',
              });
              if (!yes) {
                remove.focus();
                return;
              }
              await busy(remove, null, async () => {
                await api('DELETE', proxyPath(p.id));
                notify(`LLM proxy “${p.name}” deleted.`);
                await refresh();
              });
            });
            return h('span', { class: 'row-actions' }, edit, remove);
          },
        },
      ],
    }));
  };

  const submit = h('button', { type: 'submit' }, 'Create LLM proxy');
  const form = h('form', { class: 'card', 'aria-labelledby': 'px-new', novalidate: true },
    h('h3', { id: 'px-new' }, 'Create an LLM proxy'),
    h('div', { class: 'grid' },
      field({ label: 'Name', name: 'name', required: true, maxlength: 200, autocomplete: 'off' }),
      field({ label: 'Audit level', name: 'auditBodies', type: 'select', options: AUDIT_LEVELS, value: 'none' })),
    field({ label: 'Fallbacks (JSON, optional)', name: 'fallbacks', type: 'textarea', rows: 3, spellcheck: 'false',
      placeholder: '{"openai:gpt-4o": ["anthropic:claude-sonnet-4-5"]}',
      hint: 'For each model, the models the model router tries after it, in order.' }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, form, async () => {
      const body = { name: form.elements.name.value, auditBodies: form.elements.auditBodies.value };
      const fallbacks = form.elements.fallbacks.value.trim();
      if (fallbacks) {
        try {
          body.fallbacks = JSON.parse(fallbacks);
        } catch (e) {
          throw Object.assign(new Error(`Fallbacks must be JSON: ${e.message}`), { field: 'fallbacks' });
        }
      }
      const created = await api('POST', '/api/admin/llm-proxies', body);
      form.reset();
      notify(`LLM proxy “${created.name}” created.`);
      await refresh();
    });
  });
  page.append(form);
  await refresh();
}

/** A JSON editor form: a textarea, Save (PUT as typed), and optional extra buttons. */
function jsonEditor({ title, id, name, hint, rows, load, save, extra }) {
  const textarea = field({ label: `${title} (JSON)`, name, type: 'textarea', rows, spellcheck: 'false', hint,
    class: 'code' });
  const submit = h('button', { type: 'submit' }, `Save ${title.toLowerCase()}`);
  const saved = h('span', { class: 'saved', role: 'status' });
  const form = h('form', { class: 'card', 'aria-labelledby': id, novalidate: true, dataset: { defaultField: name } },
    h('h3', { id }, title), textarea, h('div', { class: 'actions' }, submit, extra ? extra(() => form, saved) : null, saved));
  const control = form.elements.namedItem(name);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saved.textContent = '';
    busy(submit, form, async () => {
      const text = control.value.trim() || '{}';
      try {
        JSON.parse(text);
      } catch (e) {
        throw Object.assign(new Error(`Not JSON: ${e.message}`), { field: name });
      }
      const canonical = await save(text);
      control.value = pretty(canonical);
      saved.textContent = 'Saved.';
    });
  });
  return { form, fill: async () => { control.value = pretty(await load()); } };
}

export async function llmProxyPage({ page, live, go }, id) {
  const proxies = (await api('GET', '/api/admin/llm-proxies')).data || [];
  const proxy = proxies.find((candidate) => candidate.id === id);
  if (!live()) {
    return;
  }
  if (!proxy) {
    page.append(h('h2', {}, 'LLM proxy not found'),
      h('p', {}, 'No LLM proxy has this id. ', h('a', { href: '#/llm-proxies' }, 'Back to the LLM proxies')));
    return;
  }
  page.append(h('p', { class: 'breadcrumb' }, h('a', { href: '#/llm-proxies' }, 'LLM proxies'), ' › ', proxy.name),
    h('h2', {}, `LLM proxy “${proxy.name}”`),
    h('p', { class: 'lead' }, 'Id ', shortId(proxy.id), proxy.isDefault ? ' (the default proxy)' : ''));

  // Audit level.
  const auditSubmit = h('button', { type: 'submit' }, 'Save audit level');
  const auditSaved = h('span', { class: 'saved', role: 'status' });
  const audit = h('form', { class: 'card', 'aria-labelledby': 'px-audit', novalidate: true },
    h('h3', { id: 'px-audit' }, 'Audit level'),
    field({ label: 'What the audit log keeps of this proxy\'s calls', name: 'auditBodies', type: 'select',
      options: AUDIT_LEVELS, value: proxy.auditBodies }),
    h('div', { class: 'actions' }, auditSubmit, auditSaved));
  audit.addEventListener('submit', (event) => {
    event.preventDefault();
    auditSaved.textContent = '';
    busy(auditSubmit, audit, async () => {
      const updated = await api('PATCH', proxyPath(id), { auditBodies: audit.elements.auditBodies.value });
      audit.elements.auditBodies.value = updated.auditBodies;
      auditSaved.textContent = 'Saved.';
    });
  });

  const policies = jsonEditor({
    title: 'Policy document',
    id: 'px-policies',
    name: 'policies',
    rows: 16,
    hint: 'toolInvocation, trustedData and sensitiveData rules (see the README, "Policies"). Saved documents come back in their canonical form; {} removes every rule.',
    load: () => api('GET', proxyPath(id, '/policies')),
    save: (text) => api('PUT', proxyPath(id, '/policies'), { raw: text }),
  });

  const fallbacks = jsonEditor({
    title: 'Fallbacks',
    id: 'px-fallbacks',
    name: 'fallbacks',
    rows: 6,
    hint: 'For each "<provider>:<model>", 1 to 5 models tried after it, in order. {} or Remove: none.',
    load: () => api('GET', proxyPath(id, '/fallbacks')),
    save: (text) => api('PUT', proxyPath(id, '/fallbacks'), { raw: text }),
    extra: (form, saved) => {
      const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove fallbacks');
      remove.addEventListener('click', () => {
        saved.textContent = '';
        busy(remove, form(), async () => {
          await api('DELETE', proxyPath(id, '/fallbacks'));
          form().elements.namedItem('fallbacks').value = '{}';
          saved.textContent = 'Removed.';
        });
      });
      return remove;
    },
  });

  await Promise.all([policies.fill(), fallbacks.fill()]);
  if (!live()) {
    return;
  }
  page.append(audit, policies.form, fallbacks.form);
  if (!go) {
    return;
  }
}
