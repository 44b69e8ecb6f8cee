// The single-point rubric: for each success criterion the learner says "not yet", "meets" or
// "exceeds" (a fieldset of radios each), with an optional comment. Ratings are kept in
// ctx.memory so they survive re-renders until saved.

import { field, h, uid } from '../dom.js';
import { LEVELS, levelLabel } from '../labels.js';

export function renderSelfAssess(ctx) {
  const { t } = ctx;
  const { activity, me } = ctx.state;
  const saved = (me.draft && me.draft.self_assessment) || { ratings: {}, comment: '' };
  if (ctx.memory.ratings === undefined) ctx.memory.ratings = { ...(saved.ratings || {}) };
  if (ctx.memory.comment === undefined) ctx.memory.comment = saved.comment || '';
  const required = activity.policies.self_assessment === 'required';

  const headingId = uid('sa');
  const box = h('div', { class: 'plc-self-assess', role: 'group', 'aria-labelledby': headingId, 'data-self-assess': '' },
    h('h4', { id: headingId, tabindex: '-1', 'data-focus': 'self-assess' }, t('Check your work against the criteria')),
    h('p', { class: 'plc-hint' }, required
      ? t('Rate each criterion before you submit.')
      : t('Rating your work is optional, but it helps you and your reviewer.')));

  for (const criterion of activity.criteria) {
    const name = uid(`rate-${criterion.id}`);
    const descId = criterion.description ? uid('crit') : null;
    const fieldset = h('fieldset', { class: 'plc-levels', 'data-criterion': criterion.id, 'aria-describedby': descId },
      h('legend', { dir: 'auto' }, criterion.title));
    if (descId) fieldset.appendChild(h('p', { class: 'plc-hint', id: descId, dir: 'auto' }, criterion.description));
    const row = h('div', { class: 'plc-level-row' });
    for (const level of LEVELS) {
      const id = uid('lvl');
      const input = h('input', {
        type: 'radio', name, id, value: level, checked: ctx.memory.ratings[criterion.id] === level,
        'data-field': `ratings.${criterion.id}`,
        onchange: () => { ctx.memory.ratings[criterion.id] = level; },
      });
      row.appendChild(h('span', { class: 'plc-level' }, input, h('label', { for: id }, levelLabel(t, level))));
    }
    fieldset.appendChild(row);
    box.appendChild(fieldset);
  }
  const comment = h('textarea', {
    rows: '3', maxlength: '2000', 'data-field': 'comment', value: ctx.memory.comment,
    oninput: () => { ctx.memory.comment = comment.value; },
  });
  box.appendChild(field(t('Comment on your work (optional)'), comment));
  return box;
}

/** The self_assess payload from the form, or null when nothing was rated. */
export function readSelfAssessment(form) {
  const box = form.querySelector('[data-self-assess]');
  if (!box) return null;
  const ratings = {};
  for (const fieldset of box.querySelectorAll('fieldset[data-criterion]')) {
    const checked = fieldset.querySelector('input[type="radio"]:checked');
    if (checked) ratings[fieldset.getAttribute('data-criterion')] = checked.value;
  }
  const comment = box.querySelector('textarea').value;
  if (!Object.keys(ratings).length && !comment.trim()) return null;
  return { ratings, comment };
}
