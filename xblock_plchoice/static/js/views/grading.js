// Several graders on one queue, and grades teachers can see arrive (issue 9): the claim bar of
// the review panel (claim / release), how long an item has waited, and the state of the last
// grade delivery (LTI: the AGS outbox; XBlock: the edx-submissions score) with a resend button
// where the home can send again. Each part redraws itself from the item the server returns.

import { formatDate, h } from '../dom.js';

/** "3 days", "5 hours", "12 minutes" in the page's language (CLDR plurals via Intl), or ''. */
export function waitedFor(seconds, lang) {
  const s = Number(seconds);
  if (!Number.isFinite(s) || s < 0) return '';
  const [unit, size] = s >= 86400 ? ['day', 86400] : s >= 3600 ? ['hour', 3600] : ['minute', 60];
  const count = Math.max(1, Math.floor(s / size));
  try {
    return new Intl.NumberFormat(lang || undefined, { style: 'unit', unit, unitDisplay: 'long' }).format(count);
  } catch (err) {
    return `${count} ${unit}`;
  }
}

export function waitingText(t, item, lang) {
  const time = waitedFor(item.waiting_seconds, lang);
  return time ? t('waiting %(time)s', { time }) : '';
}

export function deliveryLabel(t, state) {
  const labels = { pending: t('Grade pending'), delivered: t('Grade delivered'), failed: t('Grade not delivered') };
  return labels[state] || String(state || '');
}

/**
 * The delivery's reason in plain words, from its code (the same English msgids as
 * core/grade_delivery.py's REASONS, written out here so the front end's catalog carries them).
 */
export function reasonLabel(t, gd) {
  const labels = {
    queued: t('Waiting to be sent to the gradebook.'),
    delivered: t('The gradebook has this grade.'),
    unreachable: t('The platform could not be reached; the tool will try again.'),
    busy: t('The platform was busy or had an error; the tool will try again.'),
    token: t("The platform refused the tool's access token; the tool will try again."),
    registration: t("This platform's registration was removed from the tool; sending is paused."),
    refused: t('The platform refused the grade. Check that the assignment still exists in the gradebook, then resend.'),
    gave_up: t('Sending stopped after too many failed tries. Resend when the platform is back.'),
    recorded: t('Open edX has the score for this attempt.'),
    no_score: t('A revision request sends no score: the learner is still working.'),
    missing: t('Open edX has no score for this attempt yet. Resend it.'),
  };
  return labels[gd.reason_code] || '';
}

/** Whether to offer "Send the grade again": where the home says so, else after a failed delivery. */
export function canResend(gd) {
  return typeof gd.can_resend === 'boolean' ? gd.can_resend : gd.state === 'failed';
}

/** Claimed by whom, in a few words, for the queue's cell. */
export function claimedText(t, item) {
  if (item.claimed_by_me) return t('You');
  return item.claimed_by || '';
}

/** The claim bar at the top of the review panel. */
export function renderClaimBar(ctx, item, onItem) {
  const { t } = ctx;
  const bar = h('div', { class: 'plc-claim', 'data-testid': 'claim' });
  let text;
  if (item.claimed_by_me) text = t('You have claimed this learner: other graders cannot review them until you release them.');
  else if (item.claimed_by) text = t('Claimed by %(name)s: only they can review this learner until they release them.', { name: item.claimed_by });
  else text = t('Not claimed. Claim this learner so other graders know you are reviewing them.');
  bar.appendChild(h('p', { class: item.claimed_by && !item.claimed_by_me ? 'plc-warning' : 'plc-hint' }, text));
  if (item.claimed_by && !item.claimed_by_me) return bar;
  const release = Boolean(item.claimed_by_me);
  const name = item.display_name || item.learner_id;
  const button = h('button', {
    type: 'button', class: 'plc-button plc-small', 'data-focus': 'claim',
    'aria-label': release ? t('Release %(name)s', { name }) : t('Claim %(name)s', { name }),
  }, release ? t('Release') : t('Claim'));
  button.addEventListener('click', async () => {
    const result = await ctx.run(button, () => ctx.transport.call('claim', { learner_id: item.learner_id, release }), { scope: bar });
    if (result && result.item) {
      onItem(result.item);
      ctx.focus('claim');
      ctx.announce(release ? t('Released %(name)s.', { name }) : t('You claimed %(name)s.', { name }));
    }
  });
  bar.appendChild(button);
  return bar;
}

/** The last grade delivery, with Resend where the home offers it. */
export function renderDelivery(ctx, item, onItem) {
  const { t, lang } = ctx;
  const gd = item.grade_delivery;
  if (!gd || !gd.state) return null;
  const box = h('div', { class: `plc-delivery plc-delivery-${gd.state}`, 'data-testid': 'delivery' },
    h('h5', { tabindex: '-1', 'data-focus': 'delivery' }, t('Grade in the gradebook')));
  const line = h('p', null, h('strong', null, deliveryLabel(t, gd.state)));
  if (gd.attempt) line.append(' · ', t('attempt %(number)s', { number: gd.attempt }));
  if (gd.at) line.append(' · ', h('time', { datetime: gd.at }, formatDate(gd.at, lang)));
  box.appendChild(line);
  const reason = reasonLabel(t, gd);
  if (reason) box.appendChild(h('p', { class: gd.state === 'failed' ? 'plc-warning' : 'plc-hint' }, reason));
  if (canResend(gd)) {
    const button = h('button', { type: 'button', class: 'plc-button plc-small', 'data-focus': 'resend' }, t('Send the grade again'));
    button.addEventListener('click', async () => {
      const result = await ctx.run(button, () => ctx.transport.call('resend_grade', { learner_id: item.learner_id }), { scope: box });
      if (result && result.item) {
        onItem(result.item);
        ctx.focus(ctx.root.querySelector('[data-focus="resend"]') ? 'resend' : 'delivery');
        ctx.announce(t('The grade is queued to be sent again.'));
      }
    });
    box.appendChild(button);
  }
  return box;
}
