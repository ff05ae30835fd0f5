// Building blocks of the console's pages. Everything is made with DOM calls, never innerHTML:
// what the API answers (names, ids, messages) is always text, and no markup is ever parsed, so the
// strict Content-Security-Policy (no inline scripts or styles) holds without exceptions.

let uniqueIds = 0;

/** A fresh element id with a readable prefix. */
export function uid(prefix) {
  uniqueIds += 1;
  return `${prefix}-${uniqueIds}`;
}

/**
 * h('button', {type: 'button', class: 'danger', onclick: fn}, 'Delete'): an element with its
 * attributes (on* as event listeners, booleans as present/absent) and children (strings become
 * text nodes; null and false are skipped; arrays are flattened).
 */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  let initialValue;
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'style') {
      throw new Error('style attributes are refused by the console\'s CSP: use a class');
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else if (name === 'value' && 'value' in element) {
      if (tag === 'input') {
        // The default value too, which form.reset() goes back to.
        element.setAttribute('value', String(value));
      }
      initialValue = value;
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  if (initialValue !== undefined) {
    // After the children: a <select>'s value names one of its options.
    element.value = initialValue;
  }
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(element, child);
    } else {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
}

/** Removes every child of an element and appends the new ones. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** A long id shown in part, whole in its title (and to screen readers). */
export function shortId(id) {
  if (id === null || id === undefined) {
    return '—';
  }
  return h('span', { class: 'id', title: id }, id);
}

/** An ISO instant in the reader's local time, the instant itself in the title. */
export function when(iso) {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return h('time', { datetime: iso, title: iso }, date.toLocaleString());
}

/** A labelled input: {label, name, type, hint, required, ...attributes}. */
export function field({ label, name, type = 'text', hint, ...attributes }) {
  const id = uid(`f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`);
  const hintId = hint ? `${id}-hint` : null;
  const control = type === 'textarea'
    ? h('textarea', { id, name, 'aria-describedby': hintId, ...attributes })
    : type === 'select'
      ? h('select', { id, name, 'aria-describedby': hintId, ...without(attributes, 'options') },
        (attributes.options || []).map(([value, text]) => h('option', { value }, text)))
      : h('input', { id, name, type, 'aria-describedby': hintId, ...attributes });
  if (hintId) {
    control.dataset.hint = hintId;
  }
  return h('div', { class: `field field-${type}` },
    h('label', { for: id }, label, attributes.required ? h('span', { class: 'required' }, ' (required)') : null),
    control,
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null);
}

function without(object, key) {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

/** A table inside its own scrolling container, so the page never scrolls sideways. */
export function table({ caption, columns, rows, empty, footer }) {
  if (!rows.length) {
    return h('p', { class: 'empty' }, empty || 'Nothing yet.');
  }
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col', class: column.numeric ? 'num' : null },
        column.title)))),
      h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((column, index) => {
        const cell = column.cell(row);
        return index === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: column.numeric ? 'num' : null }, cell);
      })))),
      footer ? h('tfoot', {}, h('tr', {}, footer.map((cell, index) => (index === 0
        ? h('th', { scope: 'row' }, cell) : h('td', { class: columns[index].numeric ? 'num' : null }, cell))))) : null));
}

// ---- forms and their errors ----

/** Clears what showError put on a form. */
export function clearErrors(form) {
  form.querySelectorAll('.field-error, .form-error').forEach((node) => node.remove());
  form.querySelectorAll('[aria-invalid]').forEach((control) => {
    control.removeAttribute('aria-invalid');
    const hint = control.dataset.hint;
    if (hint) {
      control.setAttribute('aria-describedby', hint);
    } else {
      control.removeAttribute('aria-describedby');
    }
  });
}

/**
 * The form control an API error names: the control of that name, else of its first part
 * ("providerKeys[0].id" -> providerKeys, "spendUsd.window" -> spendUsd), else the form's
 * data-default-field (a JSON editor takes every path inside its document).
 */
function controlFor(form, field) {
  if (!field) {
    return null;
  }
  const candidates = [field, field.split('[')[0], field.split('.')[0], field.split(/[.[]/)[0]];
  for (const name of candidates) {
    const control = form.elements.namedItem(name);
    if (control && !(control instanceof RadioNodeList)) {
      return control;
    }
    if (control instanceof RadioNodeList && control.length) {
      return control[0].closest('fieldset') || control[0];
    }
  }
  const fallback = form.dataset.defaultField;
  return fallback ? form.elements.namedItem(fallback) : null;
}

/**
 * Shows an API error on a form: next to the control its field names (role=alert, tied to the
 * control by aria-describedby), else at the top of the form. Returns the element shown.
 */
export function showError(form, error) {
  clearErrors(form);
  let message = error && error.message ? error.message : String(error);
  const field = error && error.field;
  const control = controlFor(form, field);
  if (control && field && control.name !== field && !message.includes(field)) {
    // A path inside the control's value (a JSON document's rule): say where.
    message = `${field}: ${message}`;
  }
  if (control) {
    const id = uid('error');
    const note = h('p', { id, class: 'field-error', role: 'alert' }, message);
    const wrapper = control.tagName === 'FIELDSET' ? control : control.closest('.field') || control;
    if (control.tagName === 'FIELDSET') {
      const legend = control.querySelector('legend');
      (legend || control.firstChild).after(note);
    } else {
      wrapper.append(note);
    }
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', [control.dataset.hint, id].filter(Boolean).join(' '));
    if (typeof control.focus === 'function') {
      control.focus();
    }
    return note;
  }
  const note = h('p', { class: 'form-error', role: 'alert' }, message);
  form.prepend(note);
  return note;
}

/**
 * Runs an async action from a submit or click: the button is disabled while it runs, errors are
 * shown on the form. 401s never reach here as errors to show (the sign-in form takes over).
 */
export async function busy(button, form, action) {
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }
  try {
    if (form) {
      clearErrors(form);
    }
    return await action();
  } catch (error) {
    if (error && error.signedOut) {
      return undefined;
    }
    if (form) {
      showError(form, error);
    } else {
      notify(error.message || String(error), 'error');
    }
    return undefined;
  } finally {
    if (button && button.isConnected) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }
}

// ---- page-wide messages ----

/** A short message in the page's live region (role=status, or role=alert for errors). */
export function notify(message, kind = 'info') {
  const region = document.getElementById(kind === 'error' ? 'alerts' : 'status');
  if (!region) {
    return;
  }
  const notice = h('p', { class: `notice notice-${kind}` }, message);
  region.replaceChildren(notice);
  window.setTimeout(() => notice.remove(), kind === 'error' ? 20000 : 6000);
}

// ---- confirm dialog ----

/**
 * An in-page confirmation (a modal <dialog>: focus stays inside, Escape cancels); resolves to
 * true only when the confirming button is pressed.
 */
export function confirmDialog({ title, message, confirmLabel }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const messageId = uid('dialog-message');
    const cancel = h('button', { type: 'button', class: 'secondary', value: 'cancel' }, 'Cancel');
    const confirm = h('button', { type: 'button', class: 'danger', value: 'confirm' }, confirmLabel);
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': titleId, 'aria-describedby': messageId },
      h('h2', { id: titleId }, title),
      h('p', { id: messageId }, message),
      h('div', { class: 'actions' }, cancel, confirm));
    let answered = false;
    const close = (answer) => {
      if (answered) {
        return;
      }
      answered = true;
      if (dialog.open) {
        dialog.close();
      }
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(false));
    confirm.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', () => close(false));
    dialog.addEventListener('close', () => close(false));
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// ---- the one-time secret box ----

/**
 * The box that shows a new key or client secret once. It holds the secret in the DOM alone (never
 * in a variable that outlives it, in storage or in the URL); leaving the page or pressing
 * "I have copied it" removes it, and it can never be shown again.
 */
export function secretBox({ title, explanation, items }) {
  const titleId = uid('secret-title');
  const box = h('section', { class: 'secret-box', 'aria-labelledby': titleId, tabindex: '-1' },
    h('h3', { id: titleId }, title),
    h('p', {}, explanation));
  for (const item of items) {
    const valueId = uid('secret-value');
    const status = h('span', { class: 'copy-status', role: 'status' });
    const copy = h('button', { type: 'button', class: 'copy', 'aria-describedby': valueId }, `Copy ${item.label}`);
    copy.addEventListener('click', async () => {
      const text = box.querySelector(`#${valueId}`).textContent;
      try {
        await navigator.clipboard.writeText(text);
        copy.textContent = 'Copied';
        copy.classList.add('copied');
        status.textContent = `${item.label} copied to the clipboard`;
      } catch (e) {
        status.textContent = 'The browser refused the clipboard: select the text and copy it by hand';
      }
    });
    box.append(h('div', { class: 'secret-item' },
      h('p', { class: 'secret-label' }, item.label),
      h('code', { id: valueId, class: `secret-value${item.secret ? ' one-time-secret' : ''}` }, item.value),
      h('div', { class: 'secret-actions' }, copy, status)));
  }
  box.append(h('button', { type: 'button', class: 'secondary', onclick: () => box.remove() }, 'I have copied it: hide'));
  return box;
}

/** Reads a number input: null when empty. */
export function numberOrNull(value) {
  if (value === null || value === undefined || String(value).trim() === '') {
    return null;
  }
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}
