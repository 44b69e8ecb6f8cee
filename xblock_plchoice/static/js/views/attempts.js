// Self-reflection material: every attempt the learner made, newest first, with what they
// handed in, how they rated it, and the reviewer's ratings, feedback and decision.

import { bidi, fileLink, formatBytes, formatDate, h, safeLink, section } from '../dom.js';
import { decisionLabel, levelLabel } from '../labels.js';
import { learnerThread } from './thread.js';

export function renderAttempts(ctx) {
  const { t } = ctx;
  const sec = section(ctx, 'attempts', t('Your attempts and feedback'));
  // "Submitted" is confirmed here: the form that was submitted has given way to this list.
  sec.querySelector('.plc-heading').setAttribute('data-near', 'submitted');
  const list = h('ol', { class: 'plc-attempts', reversed: true });
  for (const attempt of [...ctx.state.me.attempts].reverse()) list.appendChild(h('li', null, attemptView(ctx, attempt, ctx.state.activity.criteria, { reply: true })));
  sec.appendChild(list);
  return sec;
}

/**
 * While revising: the reviewer's decision, feedback and ratings for the last attempt, shown
 * above the revise form so the learner reads them before changing anything.
 */
export function latestFeedback(ctx) {
  const { t } = ctx;
  const attempts = ctx.state.me.attempts;
  const last = attempts[attempts.length - 1];
  const sec = section(ctx, 'latest-feedback', t('Feedback on attempt %(number)s', { number: last.number }));
  sec.setAttribute('data-testid', 'latest-feedback');
  sec.appendChild(reviewView(ctx, Array.isArray(last.criteria) ? last.criteria : ctx.state.activity.criteria, last));
  return sec;
}

/** The reviewer's part of one attempt: ratings beside the self-assessment, then feedback. */
export function reviewView(ctx, criteria, attempt) {
  const { t, lang } = ctx;
  const box = h('div', { class: 'plc-review-of-attempt' });
  const self = attempt.self_assessment;
  const review = attempt.review;
  if (!review) return box;
  if ((self && self.ratings) || review.ratings) box.appendChild(ratingsTable(ctx, criteria, self, review));
  const feedback = h('div', { class: `plc-feedback plc-decision-${review.decision}`, 'data-testid': 'feedback' });
  feedback.appendChild(h('p', null, h('strong', null, t('Decision:')), ' ', decisionLabel(t, review.decision)));
  if (review.feedback) feedback.appendChild(h('p', { class: 'plc-pre' }, h('strong', null, t('Feedback:')), ' ', bidi(review.feedback)));
  if (review.media && review.media.length) feedback.append(h('p', null, h('strong', null, t('Recorded feedback:'))), evidenceView(ctx, { files: review.media }));
  if (review.at) feedback.appendChild(h('p', { class: 'plc-hint' }, t('Reviewed %(date)s', { date: formatDate(review.at, lang) })));
  box.appendChild(feedback);
  return box;
}

/** One attempt; shared with the staff review panel. */
export function attemptView(ctx, attempt, current, { level = 4, reply = false } = {}) {
  const { t, lang } = ctx;
  const criteria = Array.isArray(attempt.criteria) ? attempt.criteria : current; // the rubric it was made under
  const box = h('article', { class: 'plc-attempt', 'data-attempt': attempt.number });
  box.appendChild(h(`h${level}`, null, t('Attempt %(number)s: %(title)s', { number: attempt.number, title: attempt.option_title || '' })));
  if (attempt.submitted_at) box.appendChild(h('p', { class: 'plc-hint' }, t('Submitted %(date)s', { date: formatDate(attempt.submitted_at, lang) })));
  box.appendChild(evidenceView(ctx, attempt.evidence || {}));
  const self = attempt.self_assessment;
  if (self && self.comment) box.appendChild(h('p', null, h('strong', null, t('Your comment:')), ' ', h('span', { class: 'plc-pre', dir: 'auto' }, self.comment)));
  if (attempt.review) {
    box.appendChild(reviewView(ctx, criteria, attempt));
  } else {
    if (self && self.ratings) box.appendChild(ratingsTable(ctx, criteria, self, null));
    box.appendChild(h('p', { class: 'plc-hint' }, t('Waiting for review.')));
  }
  const thread = learnerThread(ctx, attempt, reply, level + 1); // issue 9: the conversation
  if (thread) box.appendChild(thread);
  return box;
}

export function evidenceView(ctx, evidence) {
  const { t, lang } = ctx;
  const box = h('div', { class: 'plc-evidence' });
  if (evidence.text) box.appendChild(h('div', { class: 'plc-pre plc-evidence-text', dir: 'auto' }, evidence.text));
  if (evidence.links && evidence.links.length) {
    box.appendChild(h('ul', { class: 'plc-link-list', 'aria-label': t('Links') }, evidence.links.map((url) => h('li', null, safeLink(url)))));
  }
  if (evidence.files && evidence.files.length) {
    box.appendChild(h('ul', { class: 'plc-files', 'aria-label': t('Files') }, evidence.files.map((file) => h('li', null,
      mediaFor(ctx, file), fileLink(file.url || ctx.transport.fileUrl(file.file_id), file.name), ` (${formatBytes(file.size, lang)})`))));
  }
  if (!box.children.length) box.appendChild(h('p', { class: 'plc-hint' }, t('No evidence.')));
  return box;
}

function mediaFor(ctx, file) {
  const kind = (file.mime || '').split('/')[0];
  // Images as thumbnails, through the same permission-checked file URL as the download link.
  if (kind === 'image') {
    return h('img', { class: 'plc-thumb', src: file.url || ctx.transport.fileUrl(file.file_id), alt: file.name, loading: 'lazy', 'data-testid': 'thumbnail' });
  }
  if (kind !== 'audio' && kind !== 'video') return null;
  return h(kind, { controls: true, preload: 'none', src: file.url || ctx.transport.fileUrl(file.file_id), 'aria-label': file.name });
}

/** Criterion | self-assessment | reviewer, so the learner sees where their judgement differs. */
export function ratingsTable(ctx, criteria, self, review) {
  const { t } = ctx;
  const selfRatings = (self && self.ratings) || {};
  const staffRatings = (review && review.ratings) || {};
  const comments = (review && review.comments) || {};
  const commented = Object.values(comments).some(Boolean);
  return h('table', { class: 'plc-table plc-ratings' },
    h('caption', null, t('Ratings by criterion')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('Criterion')),
      h('th', { scope: 'col' }, t('Self-assessment')),
      h('th', { scope: 'col' }, t('Reviewer')),
      commented ? h('th', { scope: 'col' }, t("Reviewer's comment")) : null)),
    h('tbody', null, criteria.map((c) => h('tr', null,
      h('th', { scope: 'row', dir: 'auto' }, c.title),
      h('td', null, selfRatings[c.id] ? levelLabel(t, selfRatings[c.id]) : '—'),
      h('td', null, staffRatings[c.id] ? levelLabel(t, staffRatings[c.id]) : '—'),
      commented ? h('td', { class: 'plc-pre', dir: 'auto', 'data-comment': c.id }, comments[c.id] || '—') : null))));
}
