// DOM helpers. Every piece of text goes in through textContent or text nodes: data from
// learners, staff and authors is never parsed as HTML, so script inside it stays inert.

let counter = 0;

/** A page-unique id: several blocks (a choice and a reflection) can share one page. */
export function uid(prefix) {
  counter += 1;
  return `plc-${prefix}-${counter}`;
}

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'required', 'multiple']);

/** Create an element. `text` sets textContent; `on*` functions become listeners. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Append strings (as text nodes), nodes and nested arrays; skip null/false. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Move focus to an element that may not be focusable by itself (headings, messages). */
export function focusOn(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
    el.setAttribute('tabindex', '-1');
  }
  el.focus({ preventScroll: false });
}

/** A link only when the URL is http(s); anything else (javascript:, data:) stays plain text. */
export function safeLink(url, label) {
  const text = label || url;
  if (typeof url === 'string' && /^https?:\/\//i.test(url.trim())) {
    return h('a', { href: url.trim(), rel: 'noopener noreferrer nofollow', target: '_blank' }, text);
  }
  return h('span', { text });
}

/**
 * Text written by people (authors, learners, staff) in whatever language they used: isolated
 * so an English title keeps its punctuation in an Arabic page, and the other way round.
 */
export function bidi(text) {
  return h('bdi', null, text);
}

/** The same isolation inside a translated sentence (FSI ... PDI), where a <bdi> element cannot go. */
export function isolate(text) {
  return `\u2068${text}\u2069`;
}

/** A same-origin download URL from the server (file or export), never user-provided. */
export function fileLink(url, label) {
  return h('a', { href: url, rel: 'noopener' }, label);
}

export function formatDate(iso, lang) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return date.toLocaleString(lang || undefined, { dateStyle: 'medium', timeStyle: 'short' });
  } catch (err) {
    return date.toISOString();
  }
}

export function formatBytes(size, lang) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = Number(size) || 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${value.toLocaleString(lang || undefined, { maximumFractionDigits: digits })} ${units[unit]}`;
}

/** Offer `data` as a file download without a server round trip. */
export function downloadJson(data, filename) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A labelled control: label above, optional hint, the control described by the hint. */
export function field(labelText, control, hintText) {
  const id = control.id || uid('f');
  control.id = id;
  const label = h('label', { for: id, class: 'plc-label', dir: 'auto' }, labelText);
  // Typed text takes the direction of what is typed, whatever the page direction.
  if (control.tagName === 'TEXTAREA' || control.type === 'text') control.setAttribute('dir', 'auto');
  if (control.type === 'url') control.setAttribute('dir', 'ltr');
  let hint = null;
  if (hintText) {
    hint = h('p', { class: 'plc-hint', id: `${id}-hint` }, hintText);
    addDescribedBy(control, hint.id);
  }
  return h('div', { class: 'plc-field' }, label, hint, control);
}

export function addDescribedBy(control, id) {
  const ids = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) ids.push(id);
  control.setAttribute('aria-describedby', ids.join(' '));
}

/**
 * A part of the page under a focusable heading, so focus can land there after an action.
 * A plain div, not a named <section>: two blocks on one unit page would otherwise repeat
 * the same region landmarks ("My learning log" twice), which confuses landmark navigation.
 */
export function section(ctx, key, title, level = 3) {
  const heading = h(`h${level}`, { id: uid(key), tabindex: '-1', class: 'plc-heading', 'data-focus': key }, title);
  return h('div', { class: `plc-section plc-sec-${key}` }, heading);
}
