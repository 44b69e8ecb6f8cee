// Reviewing one learner's latest attempt: the evidence, then per criterion the learner's own
// rating beside the reviewer's radio group, feedback, and the decision (mastered / revise).
// Earlier attempts and anything the learner chose to share are shown for context.

import { field, h, uid } from '../dom.js';
import { LEVELS, levelLabel, phaseLabel } from '../labels.js';
import { attemptView, evidenceView, reviewView } from './attempts.js';
import { reviewCalibration } from './calibration.js';
import { panelExtras } from './review_extras.js';
import { enhanceReviewForm } from './review_feedback.js';

// Long enough to read "Review saved" beside the button before the next learner opens.
const NEXT_LEARNER_DELAY_MS = 1200;

export function renderReviewPanel(ctx, item, { onDone, savedNote } = {}) {
  const { t } = ctx;
  const criteria = ctx.state.activity.criteria;
  const attempts = Array.isArray(item.attempts) ? item.attempts : [];
  const name = item.display_name || item.learner_id;
  const headingId = uid('rev');
  const heading = h('h4', { id: headingId, tabindex: '-1', 'data-focus': 'review' }, t('Review: %(name)s', { name }));
  const panel = h('section', { class: 'plc-review', 'aria-labelledby': headingId, 'data-testid': 'review-panel', 'data-learner': item.learner_id }, heading);
  if (savedNote) panel.appendChild(h('p', { class: 'plc-inline plc-inline-ok', role: 'status', 'data-testid': 'inline-ok' }, savedNote));
  const latest = attempts[attempts.length - 1];
  const extras = panelExtras(ctx, item, latest); // issue 9: claim, thread, accommodations, grade delivery
  panel.appendChild(extras.top);
  const shared = sharedView(ctx, item);
  if (!latest) {
    panel.appendChild(h('p', null, t('This learner has not submitted anything yet.')));
    if (shared) panel.appendChild(shared);
  } else {
    panel.appendChild(latestAttemptView(ctx, latest));
    // What the learner shared, and what the last reviewer said, come before the decision.
    if (shared) panel.appendChild(shared);
    const previous = attempts.length > 1 ? attempts[attempts.length - 2] : null;
    if (previous && previous.review) panel.appendChild(previousReviewView(ctx, criteria, previous));
    if (latest.review) {
      panel.appendChild(h('p', { class: 'plc-note' }, t('This attempt was already reviewed.')));
    } else if (item.status === 'submitted') {
      panel.appendChild(reviewForm(ctx, item, latest, criteria, onDone));
    }
    panel.appendChild(extras.thread);
  }
  if (attempts.length > 1) {
    panel.appendChild(h('details', { class: 'plc-earlier' },
      h('summary', null, t('Earlier attempts (%(count)s)', { count: attempts.length - 1 })),
      attempts.slice(0, -1).reverse().map((a) => attemptView(ctx, a, criteria, { level: 5 }))));
  }
  panel.appendChild(reviewCalibration(ctx, item.calibration));
  panel.appendChild(extras.bottom);
  setTimeout(() => ctx.focus(heading), 0);
  return panel;
}

/** The attempt under review: its number and way, the evidence (images as thumbnails), the learner's comment. */
function latestAttemptView(ctx, latest) {
  const { t } = ctx;
  const box = h('div', { class: 'plc-review-latest' },
    h('p', null, t('Attempt %(number)s: %(title)s', { number: latest.number, title: latest.option_title || '' })),
    evidenceView(ctx, latest.evidence || {}));
  if (latest.self_assessment && latest.self_assessment.comment) {
    box.appendChild(h('p', null, h('strong', null, t('Learner comment:')), ' ', h('span', { class: 'plc-pre', dir: 'auto' }, latest.self_assessment.comment)));
  }
  return box;
}

/** A resubmission: the previous attempt's ratings and feedback, so the reviewer can see what changed. */
function previousReviewView(ctx, criteria, previous) {
  const { t } = ctx;
  return h('div', { class: 'plc-previous-review', 'data-testid': 'previous-review' },
    h('h5', null, t('Your feedback on attempt %(number)s', { number: previous.number })),
    reviewView(ctx, criteria, previous));
}

function reviewForm(ctx, item, attempt, criteria, onDone) {
  const { t } = ctx;
  const selfRatings = (attempt.self_assessment && attempt.self_assessment.ratings) || {};
  const form = h('form', { class: 'plc-form plc-review-form', novalidate: true });
  for (const criterion of criteria) {
    const name = uid(`r-${criterion.id}`);
    const row = h('div', { class: 'plc-level-row' });
    for (const level of LEVELS) {
      const id = uid('rl');
      row.appendChild(h('span', { class: 'plc-level' },
        h('input', { type: 'radio', name, id, value: level, 'data-field': `ratings.${criterion.id}` }),
        h('label', { for: id }, levelLabel(t, level))));
    }
    const self = selfRatings[criterion.id];
    form.appendChild(h('fieldset', { class: 'plc-levels plc-side-by-side', 'data-criterion': criterion.id },
      h('legend', { dir: 'auto' }, criterion.title),
      h('p', { class: 'plc-self-rating' }, t('Learner says: %(level)s', { level: self ? levelLabel(t, self) : t('not rated') })),
      row));
  }
  const feedback = h('textarea', { rows: '5', maxlength: '10000', 'data-field': 'feedback' });
  form.appendChild(field(t('Feedback for the learner'), feedback));
  const decisionName = uid('decision');
  const decisionRow = h('div', { class: 'plc-level-row' });
  const decisions = h('fieldset', { class: 'plc-levels' }, h('legend', null, t('Decision')), decisionRow);
  for (const [value, label] of [['mastered', t('Mastered')], ['revise', t('Revise and resubmit')]]) {
    const id = uid('dec');
    decisionRow.appendChild(h('span', { class: 'plc-level' },
      h('input', { type: 'radio', name: decisionName, id, value, 'data-field': 'decision' }), h('label', { for: id }, label)));
  }
  form.appendChild(decisions);
  const button = h('button', { type: 'submit', class: 'plc-button plc-primary' }, t('Save review'));
  form.appendChild(h('div', { class: 'plc-actions' }, button));
  const extras = enhanceReviewForm(ctx, form, item, attempt, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ratings = {};
    for (const fs of form.querySelectorAll('fieldset[data-criterion]')) {
      const checked = fs.querySelector('input:checked');
      if (checked) ratings[fs.getAttribute('data-criterion')] = checked.value;
    }
    const decision = form.querySelector(`input[name="${decisionName}"]:checked`);
    const result = await ctx.run(button, () => extras.send(() => ctx.transport.call('review', {
      learner_id: item.learner_id, attempt: attempt.number, ratings,
      feedback: feedback.value, decision: decision ? decision.value : null, ...extras.payload(),
    })), { scope: form, near: button, message: t('Review saved.') });
    if (result) {
      extras.done();
      // "Review saved" stays by the button for a moment, then the next learner opens.
      button.disabled = true;
      setTimeout(() => onDone(result.item || item), NEXT_LEARNER_DELAY_MS);
    }
  });
  return form;
}

/** Shared reflections (prompts in authored order) and a shared profile; null when nothing was shared. */
function sharedView(ctx, item) {
  const { t } = ctx;
  const box = h('div', { class: 'plc-shared', 'data-testid': 'shared' });
  for (const r of item.shared_reflections || []) {
    if (!r || !r.answers) continue;
    box.appendChild(h('h5', null, t('Shared reflection: %(phase)s', { phase: phaseLabel(t, r.phase) })));
    box.appendChild(answersList(orderedAnswers(r)));
  }
  const profile = item.shared_profile;
  if (profile) {
    const labels = { strengths: t('Strengths'), interests: t('Interests'), goals: t('Goals'), supports: t('Supports') };
    box.appendChild(h('h5', null, t('Shared learner profile')));
    box.appendChild(h('dl', { class: 'plc-answers' }, Object.keys(labels).filter((k) => profile[k]).map((k) => [h('dt', null, labels[k]), h('dd', { class: 'plc-pre', dir: 'auto' }, profile[k])])));
  }
  return box.children.length ? box : null;
}

/** `[{prompt, answer}]`: the server's authored order when it sends one, else the answers' own order. */
function orderedAnswers(r) {
  if (Array.isArray(r.ordered)) return r.ordered;
  const prompts = r.prompts || {};
  return Object.entries(r.answers).map(([k, v]) => ({ prompt: prompts[k] || k, answer: v }));
}

/** A prompt / answer list; shared with the staff list of shared reflections. */
export function answersList(answers) {
  return h('dl', { class: 'plc-answers' }, answers.map((a) => [h('dt', { dir: 'auto' }, a.prompt), h('dd', { class: 'plc-pre', dir: 'auto' }, a.answer)]));
}
