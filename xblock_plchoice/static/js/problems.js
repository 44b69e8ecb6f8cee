// Server validation problems ({field: "options[1].title", message}) shown next to the control
// that carries data-field="options[1].title", linked with aria-describedby and aria-invalid so
// a screen reader reads the message with the field. Problems with no matching control are
// returned for the summary in the alert region.

import { addDescribedBy, h, uid } from './dom.js';

export function placeFieldErrors(scope, problems) {
  const unplaced = [];
  for (const problem of problems || []) {
    // Studio prefixes definition fields ("definition.options[1].title"); the form names them without it.
    const path = problem.field ? problem.field.replace(/^definition\./, '') : '';
    const control = path ? findControl(scope, path) : null;
    if (!control) {
      unplaced.push(problem);
      continue;
    }
    const id = uid('err');
    const message = h('p', { class: 'plc-field-error', id }, problem.message);
    const anchor = control.closest('.plc-field, fieldset') || control;
    anchor.appendChild(message);
    control.setAttribute('aria-invalid', 'true');
    addDescribedBy(control, id);
    clearWhenFixed(anchor, control, message);
  }
  return unplaced;
}

/** A stale error goes as soon as the person changes the field (or its group of radios). */
function clearWhenFixed(anchor, control, message) {
  const fixed = () => {
    message.remove();
    control.removeAttribute('aria-invalid');
    const rest = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== message.id);
    if (rest.length) control.setAttribute('aria-describedby', rest.join(' '));
    else control.removeAttribute('aria-describedby');
    anchor.removeEventListener('input', fixed);
    anchor.removeEventListener('change', fixed);
  };
  anchor.addEventListener('input', fixed);
  anchor.addEventListener('change', fixed);
}

function findControl(scope, fieldPath) {
  const all = scope.querySelectorAll('[data-field]');
  for (const el of all) {
    if (el.getAttribute('data-field') === fieldPath) return el;
  }
  // "options[1]" problems may target a whole row: fall back to its first control.
  for (const el of all) {
    if (el.getAttribute('data-field').startsWith(`${fieldPath}.`)) return el;
  }
  return null;
}

export function clearFieldErrors(scope) {
  for (const el of scope.querySelectorAll('.plc-field-error')) {
    const id = el.id;
    el.remove();
    const control = scope.querySelector(`[aria-describedby~="${id}"]`);
    if (control) {
      const rest = control.getAttribute('aria-describedby').split(/\s+/).filter((x) => x !== id);
      if (rest.length) control.setAttribute('aria-describedby', rest.join(' '));
      else control.removeAttribute('aria-describedby');
      control.removeAttribute('aria-invalid');
    }
  }
}
