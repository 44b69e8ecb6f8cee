// "Not started yet": enrolled learners with no work, from the platform's roster (LTI NRPS).
// Only the LTI home sends `not_started` with the queue (and `roster_notice` when the roster could
// not be loaded); without them nothing is shown. Names are text, never HTML.

import { h } from '../dom.js';

/** The list under the queue, or null when the queue carries no roster. */
export function renderNotStarted(ctx, data) {
  const { t } = ctx;
  const missing = Array.isArray(data.not_started) ? data.not_started : null;
  const notice = typeof data.roster_notice === 'string' ? data.roster_notice : '';
  if (!missing && !notice) return null;
  const people = missing || [];
  const box = h('div', { class: 'plc-not-started', 'data-testid': 'not-started' },
    h('h4', { class: 'plc-heading' }, t('Not started yet (%(count)s)', { count: people.length })));
  if (notice) box.appendChild(h('p', { class: 'plc-note', role: 'status', dir: 'auto' }, notice));
  if (people.length) {
    box.appendChild(h('ul', { class: 'plc-not-started-list' }, people.map((person) => h('li', {
      dir: 'auto', 'data-learner': person.learner_id,
    }, person.display_name || person.learner_id))));
  } else if (!notice) {
    box.appendChild(h('p', null, t('Everyone on the course roster has started.')));
  }
  return box;
}
