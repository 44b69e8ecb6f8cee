// The conversation under one attempt (issue 9): every message with who wrote it, in which role
// and when, then a reply box. Learners reply to their own attempts (the answer is a state view,
// so the page re-renders); staff reply from the review panel (the answer is the queue item, and
// only this thread is redrawn, so the review form keeps its typing). Replies are never edited.

import { bidi, field, formatDate, h, uid } from '../dom.js';

const REPLY_MAX = 5000;

export function roleLabel(t, role) {
  return role === 'staff' ? t('Staff') : t('Learner');
}

/**
 * opts: {send(text) -> Promise (absent: read only), level (heading level), focusKey, memoryKey}.
 * The heading carries data-focus=focusKey so a re-render can come back to it.
 */
export function renderThread(ctx, attempt, opts = {}) {
  const { t, lang } = ctx;
  const messages = Array.isArray(attempt.thread) ? attempt.thread : [];
  if (!opts.send && !messages.length) return null;
  const level = opts.level || 5;
  const headingId = uid('thread');
  const box = h('div', { class: 'plc-thread', role: 'group', 'aria-labelledby': headingId, 'data-testid': 'thread' },
    h(`h${level}`, { id: headingId, tabindex: '-1', 'data-focus': opts.focusKey || null },
      t('Conversation about attempt %(number)s', { number: attempt.number })));
  if (messages.length) {
    box.appendChild(h('ol', { class: 'plc-messages' }, messages.map((m) => h('li', { class: `plc-message plc-message-${m.author_role === 'staff' ? 'staff' : 'learner'}` },
      h('p', { class: 'plc-message-head' },
        h('strong', null, m.author_name ? bidi(m.author_name) : roleLabel(t, m.author_role)),
        ' · ', roleLabel(t, m.author_role),
        m.at ? [' · ', h('time', { datetime: m.at }, formatDate(m.at, lang))] : null),
      h('p', { class: 'plc-pre plc-message-text', dir: 'auto' }, m.text)))));
  } else {
    box.appendChild(h('p', { class: 'plc-hint' }, t('No messages yet.')));
  }
  if (opts.send) box.appendChild(replyForm(ctx, attempt, opts));
  return box;
}

function replyForm(ctx, attempt, opts) {
  const { t } = ctx;
  const memory = ctx.memory.replies || (ctx.memory.replies = {});
  const key = opts.memoryKey || `me:${attempt.number}`;
  const area = h('textarea', {
    rows: '3', maxlength: String(REPLY_MAX), 'data-field': 'text', value: memory[key] || '',
    oninput: () => { memory[key] = area.value; },
  });
  const button = h('button', { type: 'submit', class: 'plc-button' }, t('Send reply'));
  const form = h('form', { class: 'plc-form plc-reply', novalidate: true },
    field(opts.label || t('Your reply'), area), h('div', { class: 'plc-actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!area.value.trim()) {
      ctx.showError({ error: 'invalid', message: t('Write a message first.'),
        problems: [{ field: 'text', message: t('Write a message first.') }] }, form);
      return;
    }
    const text = area.value;
    // Forgotten before sending: a learner's reply re-renders the page from memory on success.
    delete memory[key];
    const result = await ctx.run(button, () => opts.send(text), { scope: form, focus: opts.focusKey, message: t('Reply sent.') });
    if (!result) memory[key] = text;
  });
  return form;
}

/**
 * The thread under a learner's own attempt, with a reply box. None where attempts are shown to staff
 * (earlier attempts in the review panel): the panel shows every thread itself, with staff reply boxes.
 */
export function learnerThread(ctx, attempt, reply, level) {
  const { t } = ctx;
  if (!reply) return null;
  return renderThread(ctx, attempt, {
    level, focusKey: `thread-${attempt.number}`, memoryKey: `me:${attempt.number}`, label: t('Your reply'),
    send: (text) => ctx.transport.call('reply', { attempt: attempt.number, text }),
  });
}

/** Learning-log titles for the entries issue 9 adds (replies, accommodations); '' for any other. */
export function logEntryTitle(t, entry) {
  if (entry.type === 'reply') {
    return entry.author_role === 'staff'
      ? t('Staff replied about attempt %(number)s', { number: entry.attempt })
      : t('I replied about attempt %(number)s', { number: entry.attempt });
  }
  if (entry.type === 'accommodated') return t('Accommodation granted');
  return '';
}

/** What a reply or an accommodation entry shows under its title in the learning log. */
export function logEntryExtras(ctx, entry) {
  const { t, lang } = ctx;
  if (entry.type === 'reply' && typeof entry.text === 'string') {
    return [h('p', { class: 'plc-pre', dir: 'auto' }, entry.author_name && entry.author_role === 'staff' ? [bidi(entry.author_name), ': '] : null, entry.text)];
  }
  if (entry.type === 'accommodated') {
    return [
      entry.due ? h('p', null, t('Your due date: %(date)s', { date: formatDate(entry.due, lang) })) : null,
      entry.extra_revisions ? h('p', null, t('Extra revisions granted: %(count)s', { count: entry.extra_revisions })) : null,
    ].filter(Boolean);
  }
  return [];
}
