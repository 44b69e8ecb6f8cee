// The learner's page, in the order of Zimmerman's cycle: forethought (before-reflection,
// the goal and its success criteria, choosing a way), performance (evidence, self-assessment,
// submit), self-reflection (feedback, after-reflection, learning log). Each part is its own module.

import { bidi, h } from '../dom.js';
import { statusLabel } from '../labels.js';
import { dueFact } from './accommodation.js';
import { latestFeedback, renderAttempts } from './attempts.js';
import { renderChoice } from './choose.js';
import { renderEvidence } from './evidence.js';
import { renderLog } from './log.js';
import { renderMyData } from './my_data.js';
import { renderProfile } from './profile.js';
import { renderReflection } from './reflection.js';

export function renderLearner(ctx, body) {
  const { t } = ctx;
  const { activity, me } = ctx.state;
  body.appendChild(renderHeader(ctx, activity, me));

  if (activity.kind === 'reflection') {
    for (const phase of ['before', 'after']) {
      if ((activity.prompts[phase] || []).length) body.appendChild(renderReflection(ctx, phase));
    }
  } else {
    if ((activity.prompts.before || []).length) body.appendChild(renderReflection(ctx, 'before'));
    body.appendChild(renderChoice(ctx));
    // Revising: first what the reviewer said about the last attempt, then the form to improve it.
    if (me.status === 'revise' && me.attempts.length) body.appendChild(latestFeedback(ctx));
    if (me.can.edit || me.can.submit) body.appendChild(renderEvidence(ctx));
    if (me.attempts.length) body.appendChild(renderAttempts(ctx));
    if ((activity.prompts.after || []).length && me.can.reflect_after) body.appendChild(renderReflection(ctx, 'after'));
  }
  // The author's preview (author_view) shows the activity only: a log, profile or data of
  // an empty preview learner would say nothing about it.
  if (ctx.options.preview) return;
  if (ownsPageTools(ctx)) {
    const more = h('div', { class: 'plc-more' });
    more.appendChild(renderLog(ctx));
    more.appendChild(renderProfile(ctx));
    more.appendChild(renderMyData(ctx));
    body.appendChild(more);
  }
  if (!body.querySelector('.plc-section')) body.appendChild(h('p', null, t('Nothing to do here yet.')));
}

/**
 * The learning log, the profile and "My data" span the whole course, so a page with two blocks
 * (a reflection and a choice in one unit) shows them once: the first block on the page owns
 * them. Page order, not whichever block's state arrives first, so they never jump between
 * blocks from one visit to the next. The LTI tool has one block per page, which always owns them.
 */
function ownsPageTools(ctx) {
  const first = document.querySelector('.plchoice-root');
  return !first || first.contains(ctx.root);
}

function renderHeader(ctx, activity, me) {
  const { t, lang } = ctx;
  const header = h('header', { class: 'plc-header' });
  header.appendChild(h('h2', { class: 'plc-title', tabindex: '-1', 'data-focus': 'top', dir: 'auto' }, activity.title));
  // The status banner belongs to this block: right under its own title.
  if (activity.kind === 'choice') header.appendChild(statusBanner(ctx, me.status));
  if (activity.objective) {
    header.appendChild(h('p', { class: 'plc-objective' }, h('strong', null, t('Learning goal:')), ' ', bidi(activity.objective)));
  }
  if (activity.kind === 'choice' && (activity.criteria || []).length) header.appendChild(criteriaList(ctx, activity.criteria));
  const facts = h('ul', { class: 'plc-facts' });
  const due = dueFact(ctx, activity, me); // the learner's own due date when accommodated (issue 9)
  if (due) facts.appendChild(due);
  if (me.past_due) facts.appendChild(h('li', { class: 'plc-warning' }, t('The due date has passed.')));
  // A score only once there is a mastery decision: "0 of 10" while revising reads as a failing grade.
  if (me.score && me.status === 'mastered') {
    facts.appendChild(h('li', { class: 'plc-score', 'data-testid': 'score' },
      t('Score: %(earned)s of %(possible)s', { earned: fmtNumber(me.score.earned, lang), possible: fmtNumber(me.score.possible, lang) })));
  }
  if (facts.children.length) header.appendChild(facts);
  return header;
}

/** One chip for the learner's status, coloured per status (see .plc-badge-* in the CSS). */
export function statusBanner(ctx, status) {
  const { t } = ctx;
  return h('p', { class: `plc-badge plc-badge-${status}`, 'data-testid': 'status-banner' },
    t('Status: %(status)s', { status: statusLabel(t, status) }));
}

/** The success criteria, shown with the goal before the learner chooses (as the Studio preview does). */
function criteriaList(ctx, criteria) {
  const { t } = ctx;
  return h('div', { class: 'plc-criteria', 'data-testid': 'criteria' },
    h('p', null, h('strong', null, t('Success criteria'))),
    h('ul', null, criteria.map((c) => h('li', { dir: 'auto' }, h('span', { class: 'plc-criterion-title' }, c.title),
      c.description ? [' — ', c.description] : null))));
}

function fmtNumber(value, lang) {
  return Number(value).toLocaleString(lang || undefined, { maximumFractionDigits: 2 });
}
