// "Previous / next page" buttons for a paged list (the queue, shared reflections), or null when
// there is one page. `go(page, button)` loads that page; the labels are the caller's words.

import { h } from '../dom.js';

export function pager(data, go, { previous, next, label }) {
  if ((data.pages || 1) <= 1) return null;
  const prev = h('button', { type: 'button', class: 'plc-button plc-small', disabled: data.page <= 1 }, previous);
  const after = h('button', { type: 'button', class: 'plc-button plc-small', disabled: data.page >= data.pages }, next);
  prev.addEventListener('click', () => go(data.page - 1, prev));
  after.addEventListener('click', () => go(data.page + 1, after));
  return h('nav', { class: 'plc-pager', 'aria-label': label }, prev, after);
}
