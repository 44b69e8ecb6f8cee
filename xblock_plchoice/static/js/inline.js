// Messages next to where the person acted: an error beside the button or field they used, a
// confirmation ("Saved") beside the button they pressed. The top-of-block alert is 600 px away
// on a long page, so it is kept for errors with no place to go. Errors clear themselves as
// soon as the person changes anything in the form they belong to.

import { h } from './dom.js';

/** Put `messages` right after `anchor` (after its row of buttons, when it sits in one). */
export function showInline(anchor, messages, kind, scope) {
  const host = anchor.closest('.plc-actions') || anchor.closest('.plc-field') || anchor;
  removeAfter(host);
  const live = kind === 'error' ? { role: 'alert' } : { role: 'status', 'aria-live': 'polite' };
  const box = h('div', { class: `plc-inline plc-inline-${kind}`, 'data-testid': `inline-${kind}`, ...live },
    messages.filter(Boolean).map((text) => h('p', null, text)));
  host.insertAdjacentElement('afterend', box);
  if (kind === 'error' && scope) clearOnChange(scope, box);
  return box;
}

/** Remove every inline message inside `scope`. */
export function clearInline(scope) {
  for (const el of scope.querySelectorAll('.plc-inline')) el.remove();
}

function removeAfter(host) {
  const next = host.nextElementSibling;
  if (next && next.classList.contains('plc-inline')) next.remove();
}

/** The error is stale once the person edits or picks something in `scope`. */
function clearOnChange(scope, box) {
  const stale = () => {
    box.remove();
    scope.removeEventListener('input', stale);
    scope.removeEventListener('change', stale);
  };
  scope.addEventListener('input', stale);
  scope.addEventListener('change', stale);
}
