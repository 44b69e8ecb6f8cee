// The learner's page, in the order of Zimmerman's cycle: forethought (before-reflection,
// choosing a way), performance (evidence, self-assessment, submit), self-reflection
// (feedback, after-reflection, learning log). Each part is its own module.

import { bidi, h } from '../dom.js';
import { statusLabel } from '../labels.js';
import { dueFact } from './accommodation.js';
import { renderAttempts } from './attempts.js';
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
    if (me.can.edit || me.can.submit) body.appendChild(renderEvidence(ctx));
    if (me.attempts.length) body.appendChild(renderAttempts(ctx));
    if ((activity.prompts.after || []).length && me.can.reflect_after) body.appendChild(renderReflection(ctx, 'after'));
  }
  // The author's preview (author_view) shows the activity only: a log, profile or data of
  // an empty preview learner would say nothing about it.
  if (ctx.options.preview) return;
  const more = h('div', { class: 'plc-more' });
  more.appendChild(renderLog(ctx));
  more.appendChild(renderProfile(ctx));
  more.appendChild(renderMyData(ctx));
  body.appendChild(more);
  if (!body.querySelector('.plc-section')) body.appendChild(h('p', null, t('Nothing to do here yet.')));
}

function renderHeader(ctx, activity, me) {
  const { t, lang } = ctx;
  const header = h('header', { class: 'plc-header' });
  header.appendChild(h('h2', { class: 'plc-title', tabindex: '-1', 'data-focus': 'top', dir: 'auto' }, activity.title));
  if (activity.objective) {
    header.appendChild(h('p', { class: 'plc-objective' }, h('strong', null, t('Learning goal:')), ' ', bidi(activity.objective)));
  }
  const facts = h('ul', { class: 'plc-facts' });
  if (activity.kind === 'choice') {
    facts.appendChild(h('li', { class: `plc-badge plc-badge-${me.status}` }, t('Status: %(status)s', { status: statusLabel(t, me.status) })));
  }
  const due = dueFact(ctx, activity, me); // the learner's own due date when accommodated (issue 9)
  if (due) facts.appendChild(due);
  if (me.past_due) facts.appendChild(h('li', { class: 'plc-warning' }, t('The due date has passed.')));
  if (me.score) {
    facts.appendChild(h('li', { class: 'plc-score', 'data-testid': 'score' },
      t('Score: %(earned)s of %(possible)s', { earned: fmtNumber(me.score.earned, lang), possible: fmtNumber(me.score.possible, lang) })));
  }
  if (facts.children.length) header.appendChild(facts);
  return header;
}

function fmtNumber(value, lang) {
  return Number(value).toLocaleString(lang || undefined, { maximumFractionDigits: 2 });
}
