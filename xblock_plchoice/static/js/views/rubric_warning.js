// A warning before a rubric edit that could surprise learners (issue 9): when the author renames,
// reorders, adds or removes criteria of an activity in which learners already have attempts,
// Save first says what changed and how many learners have attempts, and saves only after
// "Save anyway". Past attempts keep the criteria they were made under (the core snapshots them),
// so the warning informs rather than forbids.

import { h } from '../dom.js';

function describe(before, after) {
  const oldIds = before.map((c) => c.id);
  const newIds = after.map((c) => c.id);
  const oldById = Object.fromEntries(before.map((c) => [c.id, c]));
  const added = newIds.filter((id) => !oldIds.includes(id)).length;
  const removed = oldIds.filter((id) => !newIds.includes(id)).length;
  const renamed = after.filter((c) => oldById[c.id] && oldById[c.id].title !== c.title).length;
  const kept = newIds.filter((id) => oldIds.includes(id));
  const reordered = kept.join('\n') !== oldIds.filter((id) => newIds.includes(id)).join('\n');
  return { added, removed, renamed, reordered, any: Boolean(added || removed || renamed || reordered) };
}

/**
 * guard = rubricGuard(ctx, model); in the submit handler: `if (guard.stops(form, saveButton)) return;`.
 * The number of learners with attempts comes from options.rubric_impact (Studio's init args), else
 * from the `rubric_impact` command when the editor edits an existing activity (Studio, LTI "Edit");
 * the deep-linking "new activity" editor asks nothing (a new activity has no attempts).
 */
const EDITS_EXISTING = new Set(['studio_submit', 'definition']);

export function rubricGuard(ctx, model) {
  const { t } = ctx;
  const before = (model.criteria || []).map((c) => ({ id: c.id, title: c.title }));
  let impact = ctx.options.rubric_impact || null;
  // Editing an existing activity (Studio's block, or the LTI staff view's "Edit this activity") asks how
  // many learners have attempts; deep linking's create pages make new activities, which have none.
  if (!impact && EDITS_EXISTING.has(ctx.options.saveCommand || 'studio_submit')) {
    Promise.resolve().then(() => ctx.transport.call('rubric_impact', {}))
      .then((result) => { impact = result; }).catch(() => {});
  }
  let acknowledged = null;
  let box = null;
  return {
    stops(form, save) {
      const after = model.criteria.map((c) => ({ id: c.id, title: c.title }));
      const change = describe(before, after);
      const count = impact ? Number(impact.learners_with_attempts) || 0 : 0;
      const key = JSON.stringify(after);
      if (box) box.remove();
      box = null;
      if (!change.any || !count || acknowledged === key) return false;
      const parts = [
        change.renamed ? t('Renamed: %(count)s', { count: change.renamed }) : null,
        change.added ? t('Added: %(count)s', { count: change.added }) : null,
        change.removed ? t('Removed: %(count)s', { count: change.removed }) : null,
        change.reordered ? t('The order changed.') : null,
      ].filter(Boolean);
      const again = h('button', { type: 'button', class: 'plc-button plc-primary' }, t('Save anyway'));
      const back = h('button', { type: 'button', class: 'plc-button' }, t('Keep editing'));
      box = h('div', { class: 'plc-confirm plc-rubric-warning', role: 'alert', tabindex: '-1', 'data-testid': 'rubric-warning' },
        h('p', null, h('strong', null, t('This edit changes the success criteria.')), ' ', parts.join(' · ')),
        h('p', null, t('Learners with attempts so far: %(count)s.', { count })),
        h('p', null, t('Their past attempts and reviews keep the criteria they were made under; new attempts use the edited criteria.')),
        h('div', { class: 'plc-actions' }, again, back));
      again.addEventListener('click', () => {
        acknowledged = key;
        box.remove();
        box = null;
        form.requestSubmit(save);
      });
      back.addEventListener('click', () => {
        box.remove();
        box = null;
        const first = form.querySelector('[data-field^="criteria["]');
        (first || save).focus();
      });
      save.closest('.plc-actions').before(box);
      box.focus();
      return true;
    },
  };
}
