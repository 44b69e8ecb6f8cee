// The review queue: paged, filtered by status and option. Choosing a row opens the review
// panel under the table and moves focus to it; after a review the queue reloads. In the LTI
// home the queue also lists enrolled learners who have not started (from the course roster).

import { clear, field, formatDate, h, isolate, section } from '../dom.js';
import { STATUSES, statusLabel } from '../labels.js';
import { renderNotStarted } from './not_started.js';
import { extraCells, extraHeads, queueControls, queueDefaults, queueParams } from './queue_extras.js';
import { pager } from './pager.js';
import { renderReviewPanel } from './review_panel.js';

const PAGE_SIZE = 20;
const ROSTER_RETRY_MS = 1000;
const ROSTER_TRIES = 30;

export function renderQueue(ctx) {
  const { t } = ctx;
  const q = queueDefaults(ctx.memory.queue || (ctx.memory.queue = { page: 1, status: 'submitted', option_id: '' }));
  const more = queueControls(ctx, q); // issue 9: sorts, mine/unclaimed, unread replies
  const sec = section(ctx, 'queue', t('Review queue'));
  const status = h('select', { 'data-field': 'status' },
    h('option', { value: '' }, t('All statuses')),
    STATUSES.map((s) => h('option', { value: s, selected: q.status === s }, statusLabel(t, s))));
  const option = h('select', { 'data-field': 'option_id' },
    h('option', { value: '' }, t('All options')),
    ctx.state.activity.options.map((o) => h('option', { value: o.id, selected: q.option_id === o.id }, o.title)));
  const apply = h('button', { type: 'submit', class: 'plc-button' }, t('Show'));
  const filters = h('form', { class: 'plc-filters', novalidate: true },
    field(t('Status'), status), field(t('Option'), option), more.nodes, apply);
  const results = h('div', { class: 'plc-queue-results' });
  const panel = h('div', { class: 'plc-review-slot' });
  const roster = h('div', { class: 'plc-roster-slot' });
  sec.append(filters, results, panel, roster);

  const params = () => ({ page: q.page, page_size: PAGE_SIZE, status: q.status || null, option_id: q.option_id || null, ...queueParams(q) });

  // The roster is loaded in the background by the tool: while it says so, ask again (a few times).
  let rosterTimer = null;
  const showRoster = (data, tries) => {
    const notStarted = renderNotStarted(ctx, data);
    clear(roster);
    if (notStarted) roster.appendChild(notStarted);
    clearTimeout(rosterTimer);
    if (data.roster_loading && tries < ROSTER_TRIES) {
      rosterTimer = setTimeout(async () => {
        if (!sec.isConnected) return; // the view was replaced
        const again = await ctx.transport.call('queue', params()).catch(() => null);
        if (again) showRoster(again, tries + 1);
      }, ROSTER_RETRY_MS);
    }
  };

  const openReview = (item, savedNote) => {
    clear(panel).appendChild(renderReviewPanel(ctx, item, { onDone: (reviewed) => afterReview(ctx, q, reviewed), savedNote }));
  };

  const load = async (button, focusResults) => {
    const data = await ctx.run(button, () => ctx.transport.call('queue', params()));
    if (!data) return;
    clear(results).appendChild(table(ctx, data, (item) => openReview(item)));
    const pages = pager(data, (page, btn) => { q.page = page; load(btn, true); },
      { previous: t('Previous page'), next: t('Next page'), label: t('Queue pages') });
    if (pages) results.appendChild(pages);
    showRoster(data, 0);
    if (q.justReviewed) {
      openNextLearner(ctx, q, data, openReview, results);
      return;
    }
    ctx.announce(t('Learners found: %(count)s', { count: data.total }));
    if (focusResults) {
      const caption = results.querySelector('caption');
      if (caption) ctx.focus(caption);
    }
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    q.status = status.value;
    q.option_id = option.value;
    more.read();
    q.page = 1;
    clear(panel);
    load(apply, true);
  });
  load(null, false);
  return sec;
}

/**
 * After "Review saved" was shown by the button: remember who was reviewed, then re-render the
 * staff page from a fresh state (counts change), whose queue opens the next learner.
 */
async function afterReview(ctx, q, reviewed) {
  q.justReviewed = { learner_id: reviewed.learner_id, name: isolate(reviewed.display_name || reviewed.learner_id) };
  const state = await ctx.transport.call('state', {}).catch(() => null);
  if (state) ctx.setState(state);
  else ctx.focus('queue');
}

/** The next learner waiting for review (not the one just reviewed), opened with a note saying the last was saved. */
function openNextLearner(ctx, q, data, openReview, results) {
  const { t } = ctx;
  const reviewed = q.justReviewed;
  q.justReviewed = null;
  const next = data.items.find((item) => item.status === 'submitted' && item.learner_id !== reviewed.learner_id);
  if (next) {
    const nextName = isolate(next.display_name || next.learner_id);
    openReview(next, t('Review of %(name)s saved. Next: %(next)s.', { name: reviewed.name, next: nextName }));
    return;
  }
  const done = t('Review of %(name)s saved. No one else is waiting for review.', { name: reviewed.name });
  results.prepend(h('p', { class: 'plc-inline plc-inline-ok', role: 'status', 'data-testid': 'inline-ok' }, done));
  ctx.announce(done);
  ctx.focus(results.firstChild);
}

function table(ctx, data, onReview) {
  const { t, lang } = ctx;
  if (!data.items.length) return h('p', { tabindex: '-1' }, t('No learners match these filters.'));
  return h('table', { class: 'plc-table plc-queue', 'data-testid': 'queue' },
    h('caption', { tabindex: '-1' }, t('Learners, page %(page)s of %(pages)s', { page: data.page, pages: Math.max(1, data.pages) })),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('Learner')),
      h('th', { scope: 'col' }, t('Status')),
      h('th', { scope: 'col' }, t('Option')),
      h('th', { scope: 'col' }, t('Attempts')),
      h('th', { scope: 'col' }, t('Submitted')),
      extraHeads(ctx),
      h('th', { scope: 'col' }, h('span', { class: 'plc-sr' }, t('Actions'))))),
    h('tbody', null, data.items.map((item) => {
      const name = item.display_name || item.learner_id;
      const attempts = Array.isArray(item.attempts) ? item.attempts.length : Number(item.attempts || 0);
      return h('tr', { 'data-learner': item.learner_id },
        h('th', { scope: 'row', dir: 'auto' }, name),
        h('td', null, h('span', { class: `plc-badge plc-badge-${item.status}` }, statusLabel(t, item.status))),
        h('td', { dir: 'auto' }, item.option_title || (item.proposal ? item.proposal.title : '—')),
        h('td', null, String(attempts)),
        h('td', null, item.submitted_at ? formatDate(item.submitted_at, lang) : '—'),
        extraCells(ctx, item),
        h('td', null, h('button', {
          type: 'button', class: 'plc-button plc-small', onclick: () => onReview(item),
          'aria-label': t('Review the work of %(name)s', { name }),
        }, t('Review'))));
    })));
}
