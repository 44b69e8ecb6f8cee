// Calibration: how a learner's self-ratings compare with the reviewers' ratings, attempt by
// attempt. The reviewer sees it for one learner in the review panel; the learner sees their
// own, across every activity of the course, in the learning log ("How my judgement compares").
// The core computes it (core/calibration.py); this module only words it. It is not a grade.

import { bidi, h } from '../dom.js';
import { levelLabel } from '../labels.js';
import { num, signed } from './charts.js';

function attemptsLine(ctx, criterion, you) {
  const { t } = ctx;
  return (criterion.attempts || []).map((a) => (you
    ? t('Attempt %(number)s: you %(self)s, reviewer %(reviewer)s', { number: a.attempt, self: levelLabel(t, a.self), reviewer: levelLabel(t, a.reviewer) })
    : t('Attempt %(number)s: learner %(self)s, reviewer %(reviewer)s', { number: a.attempt, self: levelLabel(t, a.self), reviewer: levelLabel(t, a.reviewer) }))).join(' · ');
}

function leanLine(ctx, c, you) {
  const params = {
    higher: num(ctx, c.higher, 0), same: num(ctx, c.same, 0), lower: num(ctx, c.lower, 0),
    pairs: num(ctx, c.pairs, 0), gap: signed(ctx, c.mean_gap),
  };
  return you
    ? ctx.t('you rated higher %(higher)s, the same %(same)s, lower %(lower)s (of %(pairs)s); mean gap %(gap)s', params)
    : ctx.t('self higher %(higher)s, same %(same)s, self lower %(lower)s (of %(pairs)s); mean gap %(gap)s', params);
}

/** For the review panel: this learner's self-ratings against reviewers' over their attempts here. */
export function reviewCalibration(ctx, calibration) {
  const { t } = ctx;
  const data = calibration || {};
  const box = h('details', { class: 'plc-calibration', 'data-testid': 'review-calibration' },
    h('summary', null, t("How this learner's self-ratings compare with reviewers' (%(pairs)s pairs)", { pairs: num(ctx, data.pairs || 0, 0) })));
  const compared = (data.criteria || []).filter((c) => c.pairs);
  if (!compared.length) {
    box.appendChild(h('p', null, t('No self-assessment of this learner has been compared with a review yet.')));
    return box;
  }
  box.appendChild(h('ul', null, compared.map((c) => h('li', null,
    h('strong', { dir: 'auto' }, c.title || c.id), ': ', leanLine(ctx, c, false),
    h('br'), h('span', { class: 'plc-hint' }, attemptsLine(ctx, c, false))))));
  return box;
}

function headline(ctx, data) {
  const { t } = ctx;
  const head = data.headline || {};
  const params = { criterion: head.criterion || '', count: num(ctx, head.count || 0, 0), total: num(ctx, head.total || 0, 0) };
  switch (head.kind) {
    case 'higher': return t('You rated yourself higher than the reviewer on “%(criterion)s” in %(count)s of %(total)s attempts.', params);
    case 'lower': return t('You rated yourself lower than the reviewer on “%(criterion)s” in %(count)s of %(total)s attempts.', params);
    case 'matched': return t('Your ratings matched the reviewer’s in all %(total)s comparisons so far.', params);
    default: return t('Once a reviewer has rated work you assessed yourself, you will see here how your judgement compares.');
  }
}

/** For the learning log: "How my judgement compares", per activity and criterion, with one sentence. */
export function judgementView(ctx, calibration) {
  const { t } = ctx;
  const data = calibration || {};
  const box = h('div', { class: 'plc-judgement', 'data-testid': 'judgement' },
    h('h4', null, t('How my judgement compares')),
    h('p', { class: 'plc-judgement-headline' }, headline(ctx, data)),
    h('p', { class: 'plc-hint' }, t('This shows how your own ratings compare with your reviewers’, to help you judge your work; it is not a grade.')));
  for (const activity of data.activities || []) {
    box.appendChild(h('table', { class: 'plc-table' },
      h('caption', null, bidi(activity.activity_title || '')),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, t('Criterion')),
        h('th', { scope: 'col' }, t('Compared with the reviewer')),
        h('th', { scope: 'col' }, t('Attempt by attempt')))),
      h('tbody', null, (activity.criteria || []).map((c) => h('tr', null,
        h('th', { scope: 'row', dir: 'auto' }, c.title || c.id),
        h('td', null, leanLine(ctx, c, true)),
        h('td', null, attemptsLine(ctx, c, true)))))));
  }
  return box;
}
