// The parts issue 9 adds around the review panel: the claim bar on top, the conversation under
// the latest attempt (staff reply box), and the learner's accommodations and grade delivery at
// the bottom. Each part sits in a slot redrawn from the item any of them gets back, so a claim,
// a reply or a resend never re-renders the review form (and never loses its typing).

import { append, clear, h } from '../dom.js';
import { renderAccommodation } from './accommodation.js';
import { renderClaimBar, renderDelivery } from './grading.js';
import { updateQueueRow } from './queue_extras.js';
import { renderThread } from './thread.js';

/** The attempt the panel reviews (by number), then earlier ones with messages, newest first. */
function threadsOf(item, number) {
  const attempts = Array.isArray(item.attempts) ? item.attempts : [];
  const latest = attempts.find((a) => a.number === number) || attempts[attempts.length - 1];
  const earlier = attempts.filter((a) => a !== latest && Array.isArray(a.thread) && a.thread.length).reverse();
  return latest ? [latest, ...earlier] : earlier;
}

/** {top, thread, bottom}: nodes for review_panel.js to place; thread is null without an attempt. */
export function panelExtras(ctx, item, latest) {
  const { t } = ctx;
  let current = item;
  const draws = [];
  const slot = (render) => {
    const el = h('div', { class: 'plc-slot' });
    const draw = () => append(clear(el), [render(current)]);
    draws.push(draw);
    draw();
    return el;
  };
  const onItem = (fresh) => {
    current = fresh;
    draws.forEach((draw) => draw());
    updateQueueRow(ctx, fresh);
  };
  const send = (number) => async (text) => {
    const result = await ctx.transport.call('reply', { learner_id: current.learner_id, attempt: number, text });
    if (result && result.item) onItem(result.item);
    return result;
  };
  const parts = {
    top: slot((it) => renderClaimBar(ctx, it, onItem)),
    // The latest attempt's thread, then any earlier attempt's that has messages (newest first).
    thread: latest ? slot((it) => threadsOf(it, latest.number).map((attempt, index) => renderThread(ctx, attempt, {
      send: send(attempt.number), level: 5, focusKey: index ? `staff-thread-${attempt.number}` : 'staff-thread',
      memoryKey: `${it.learner_id}:${attempt.number}`, label: t('Reply to the learner'),
    }))) : null,
    bottom: slot((it) => [renderAccommodation(ctx, it, onItem), renderDelivery(ctx, it, onItem)]),
  };
  // Opening the panel reads the learner's replies: the queue's unread count goes to zero.
  if (Number(item.unread_replies) > 0) {
    ctx.transport.call('open_item', { learner_id: item.learner_id }).then((result) => {
      if (result && result.item) {
        current = result.item;
        updateQueueRow(ctx, result.item);
      }
    }).catch(() => {});
  }
  return parts;
}
