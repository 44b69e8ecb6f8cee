// Server validation problems ({field: "options[1].title", message}) shown next to the control
// that carries data-field="options[1].title", linked with aria-describedby and aria-invalid so
// a screen reader reads the message with the field. Problems with no matching control are
// returned for the summary in the alert region.

import { addDescribedBy, h, uid } from './dom.js';

/**
 * Place each problem next to its field; returns {unplaced, placed: [{problem, control}]} so a
 * summary can link to every placed one (a form 8,800 px tall needs more than "fix the fields").
 */
export function placeProblems(scope, problems) {
  const unplaced = [];
  const placed = [];
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
    placed.push({ problem, control });
  }
  return { unplaced, placed };
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

export function placeFieldErrors(scope, problems) {
  return placeProblems(scope, problems).unplaced;
}

/** The summary's link to a placed problem: "Option 2 › Option title: what to fill", focusing the field. */
export function problemLink({ problem, control }) {
  const row = control.closest('.plc-edit-row');
  const legend = row ? row.querySelector('legend') : null;
  const label = (control.labels && control.labels.length ? control.labels[0].textContent
    : (control.closest('fieldset') || control).querySelector('legend')?.textContent) || '';
  const where = [legend ? legend.textContent : '', label].filter((x) => x && x.trim()).filter((x, i, all) => all.indexOf(x) === i);
  if (!control.id) control.id = uid('field');
  const link = h('a', { href: `#${control.id}`, class: 'plc-problem-link' }, where.length ? `${where.join(' › ')}: ` : '', problem.message);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    control.scrollIntoView({ block: 'center' });
    control.focus({ preventScroll: true });
  });
  return link;
}

// Ids are generated and hidden from authors; a problem with one (an imported definition) is shown
// on the row's title, the field that names the row.
const STAND_INS = [[/\.id$/, '.title'], [/\.id$/, '.text']];

function findControl(scope, fieldPath) {
  const all = scope.querySelectorAll('[data-field]');
  for (const el of all) {
    if (el.getAttribute('data-field') === fieldPath) return el;
  }
  for (const [pattern, replacement] of STAND_INS) {
    if (!pattern.test(fieldPath)) continue;
    const stand = fieldPath.replace(pattern, replacement);
    for (const el of all) if (el.getAttribute('data-field') === stand) return el;
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
