// What issue 9 adds to the review queue: sorts (oldest first by default, newest, name) and
// filters (unread replies; mine / unclaimed), and per row how long the learner has waited, who
// claimed them, unread replies and the grade delivery. queue.js calls these with a few lines;
// updateQueueRow redraws one row's cells after a claim, reply or resend in the review panel.

import { field, h } from '../dom.js';
import { claimedText, deliveryLabel, reasonLabel, waitingText } from './grading.js';

export function queueDefaults(q) {
  if (q.sort === undefined) q.sort = 'oldest';
  if (q.claimed === undefined) q.claimed = '';
  if (q.unread === undefined) q.unread = false;
  return q;
}

/** The extra filter controls; read() copies their values into q. */
export function queueControls(ctx, q) {
  const { t } = ctx;
  const sort = h('select', { 'data-field': 'sort' },
    [['oldest', t('Waiting longest first')], ['newest', t('Newest first')], ['name', t('By name')]]
      .map(([value, label]) => h('option', { value, selected: q.sort === value }, label)));
  const claimed = h('select', { 'data-field': 'claimed' },
    [['', t('Everyone')], ['mine', t('Claimed by me')], ['unclaimed', t('Not claimed')]]
      .map(([value, label]) => h('option', { value, selected: q.claimed === value }, label)));
  const unread = h('input', { type: 'checkbox', id: ctx.uid('unread'), checked: Boolean(q.unread), 'data-field': 'unread' });
  return {
    nodes: [field(t('Sort'), sort), field(t('Claimed'), claimed),
      h('div', { class: 'plc-check plc-unread-filter' }, unread, h('label', { for: unread.id }, t('Only unread replies')))],
    read() {
      q.sort = sort.value;
      q.claimed = claimed.value;
      q.unread = unread.checked;
    },
  };
}

export function queueParams(q) {
  return { sort: q.sort || 'oldest', claimed: q.claimed || null, unread: Boolean(q.unread) };
}

export function extraHeads(ctx) {
  const { t } = ctx;
  return [t('Waiting'), t('Claimed by'), t('Unread replies'), t('Grade')].map((label) => h('th', { scope: 'col' }, label));
}

export function extraCells(ctx, item) {
  const { t, lang } = ctx;
  const unread = Number(item.unread_replies) || 0;
  const gd = item.grade_delivery;
  return [
    h('td', { 'data-col': 'waiting' }, waitingText(t, item, lang) || '—'),
    h('td', { 'data-col': 'claimed', dir: 'auto' }, claimedText(t, item) || '—'),
    h('td', { 'data-col': 'unread' }, unread ? h('strong', { class: 'plc-unread' }, t('New replies: %(count)s', { count: unread })) : '—'),
    h('td', { 'data-col': 'grade' }, gd && gd.state
      ? [deliveryLabel(t, gd.state), gd.state === 'failed' ? h('span', { class: 'plc-hint plc-block' }, reasonLabel(t, gd)) : null]
      : '—'),
  ];
}

/** Redraw the extra cells of one learner's row (if the queue shows them) from a fresh item. */
export function updateQueueRow(ctx, item) {
  for (const row of ctx.root.querySelectorAll('tr[data-learner]')) {
    if (row.getAttribute('data-learner') !== item.learner_id) continue;
    for (const cell of extraCells(ctx, item)) {
      const old = row.querySelector(`td[data-col="${cell.getAttribute('data-col')}"]`);
      if (old) old.replaceWith(cell);
    }
  }
}
