// Accommodations (issue 9): staff give one learner their own due date and extra revisions from
// the review panel; the learner's header then says "Your due date: ...". The core applies it
// to every check that reads a due date or a revision limit, so this module only shows and sends.

import { field, formatDate, h, uid } from '../dom.js';
import { toLocalInput } from './editor_model.js';

const MAX_EXTRA = 20;

/** The learner's due-date fact: their own (accommodated) date, else the activity's, else none. */
export function dueFact(ctx, activity, me) {
  const { t, lang } = ctx;
  const own = me.accommodation && me.accommodation.due;
  // me.due is the date that applies (core/deadlines.py: the earlier of the activity's and the course's)
  const due = own || (me.due && me.due.at) || (activity.policies && activity.policies.due);
  if (!due) return null;
  if (own) return h('li', { class: 'plc-own-due', 'data-testid': 'own-due' }, t('Your due date: %(date)s', { date: formatDate(own, lang) }));
  return h('li', { 'data-testid': 'due' }, t('Due: %(date)s', { date: formatDate(due, lang) }));
}

/** The staff form for one queue item; onItem(fresh) gets the item the server sends back. */
export function renderAccommodation(ctx, item, onItem) {
  const { t, lang } = ctx;
  const name = item.display_name || item.learner_id;
  const current = item.accommodation || null;
  const activityDue = ctx.state.activity.policies && ctx.state.activity.policies.due;
  const headingId = uid('acc');
  const box = h('form', { class: 'plc-form plc-accommodation', novalidate: true, 'aria-labelledby': headingId, 'data-testid': 'accommodation' },
    h('h5', { id: headingId, tabindex: '-1', 'data-focus': 'accommodation' }, t('Accommodations for %(name)s', { name })));
  const facts = h('ul', { class: 'plc-facts' },
    h('li', null, activityDue ? t("The activity's due date: %(date)s", { date: formatDate(activityDue, lang) }) : t('The activity has no due date.')),
    current && current.due ? h('li', null, t('Individual due date: %(date)s', { date: formatDate(current.due, lang) })) : null,
    current && current.extra_revisions ? h('li', null, t('Extra revisions granted: %(count)s', { count: current.extra_revisions })) : null,
    typeof item.revisions_left === 'number' ? h('li', null, t('Revisions left: %(count)s', { count: item.revisions_left })) : null);
  const due = h('input', { type: 'datetime-local', value: toLocalInput(current && current.due), 'data-field': 'due' });
  const extra = h('input', {
    type: 'number', min: '0', max: String(MAX_EXTRA), step: '1', inputmode: 'numeric',
    value: String((current && current.extra_revisions) || 0), 'data-field': 'extra_revisions',
  });
  const button = h('button', { type: 'submit', class: 'plc-button' }, t('Save accommodation'));
  box.append(facts,
    field(t('Individual due date'), due, t("In your local time. Leave empty to use the activity's due date.")),
    field(t('Extra revisions'), extra, t('Added to the revisions the activity allows, from 0 to 20.')),
    h('div', { class: 'plc-actions' }, button));
  box.addEventListener('submit', async (event) => {
    event.preventDefault();
    const count = Number(extra.value);
    if (!Number.isInteger(count) || count < 0 || count > MAX_EXTRA) {
      ctx.showError({ error: 'invalid', message: t('Use a whole number from 0 to 20.'),
        problems: [{ field: 'extra_revisions', message: t('Use a whole number from 0 to 20.') }] }, box);
      return;
    }
    const payload = { learner_id: item.learner_id, due: due.value ? new Date(due.value).toISOString() : null, extra_revisions: count };
    const result = await ctx.run(button, () => ctx.transport.call('accommodate', payload), { scope: box });
    if (result && result.item) {
      onItem(result.item);
      ctx.focus('accommodation');
      ctx.announce(t('Accommodation saved for %(name)s.', { name }));
    }
  });
  return box;
}
