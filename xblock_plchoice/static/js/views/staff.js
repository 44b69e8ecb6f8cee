// The staff page inside the block: counts, the review queue (with the review panel),
// proposal decisions, analytics and the CSV export.

import { bidi, h } from '../dom.js';
import { STATUSES, statusLabel } from '../labels.js';
import { renderAnalytics } from './analytics.js';
import { renderCommentBank } from './comment_bank.js';
import { renderProposals } from './proposals.js';
import { renderQueue } from './queue.js';
import { renderSharedReflections } from './shared_reflections.js';
import { renderStaffTools } from './staff_tools.js';

export function renderStaff(ctx, body) {
  const { t } = ctx;
  const { activity, staff } = ctx.state;
  body.appendChild(h('header', { class: 'plc-header' },
    h('h2', { class: 'plc-title', tabindex: '-1', 'data-focus': 'top', dir: 'auto' }, activity.title),
    activity.objective ? h('p', { class: 'plc-objective' }, h('strong', null, t('Learning goal:')), ' ', bidi(activity.objective)) : null,
    // Reflection activities keep no per-learner records, so status counts would only ever read 0.
    staff && activity.kind === 'choice' ? countsView(ctx, staff) : null));
  body.appendChild(renderStaffTools(ctx));
  if (activity.kind === 'choice') {
    body.appendChild(renderQueue(ctx));
    body.appendChild(renderCommentBank(ctx));
    if (activity.allow_proposals || (staff && staff.pending_proposals)) body.appendChild(renderProposals(ctx));
  }
  // Reflection activities have no attempts to export; their staff read what learners shared.
  if (activity.kind === 'reflection') body.appendChild(renderSharedReflections(ctx));
  body.appendChild(renderAnalytics(ctx));
  if (activity.kind === 'choice') {
    body.appendChild(h('p', { class: 'plc-export' },
      // The state view's link when the home signs links for a limited time (LTI), so it is always fresh.
      h('a', { href: (staff && staff.export_url) || ctx.transport.exportUrl(), class: 'plc-button', download: '' },
        t('Download all attempts (CSV)'))));
  }
}

function countsView(ctx, staff) {
  const { t } = ctx;
  const counts = staff.counts || {};
  // One chip per status, in its status colour; waiting proposals are the "proposal_pending" chip
  // (a second "Proposals waiting" chip said the same thing twice).
  return h('ul', { class: 'plc-facts', 'aria-label': t('Learners by status') },
    h('li', null, t('Learners: %(count)s', { count: staff.total || 0 })),
    STATUSES.filter((s) => counts[s]).map((s) => h('li', { class: `plc-badge plc-badge-${s}`, 'data-status': s }, `${statusLabel(t, s)}: ${counts[s]}`)));
}
