// The learning log: this learner's reflections, choices and outcomes across the course, in
// time order. Loaded on request, since it spans every activity.

import { bidi, clear, formatDate, h, section } from '../dom.js';
import { decisionLabel, phaseLabel, statusLabel } from '../labels.js';
import { judgementView } from './calibration.js';
import { logEntryExtras, logEntryTitle } from './thread.js';

export function renderLog(ctx) {
  const { t } = ctx;
  const sec = section(ctx, 'log', t('My learning log'));
  const out = h('div', { class: 'plc-log-body' });
  const button = h('button', { type: 'button', class: 'plc-button', 'aria-expanded': 'false' }, t('Show my learning log'));
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-expanded') === 'true') {
      clear(out);
      button.setAttribute('aria-expanded', 'false');
      button.textContent = t('Show my learning log');
      return;
    }
    const result = await ctx.run(button, () => ctx.transport.call('log', {}));
    if (!result) return;
    clear(out).append(judgementView(ctx, result.calibration), entriesView(ctx, result.entries || []));
    button.setAttribute('aria-expanded', 'true');
    button.textContent = t('Hide my learning log');
    ctx.announce(t('Learning log loaded: %(count)s entries.', { count: (result.entries || []).length }));
  });
  sec.append(button, out);
  return sec;
}

function entriesView(ctx, entries) {
  const { t, lang } = ctx;
  if (!entries.length) return h('p', null, t('Your log is empty so far.'));
  const list = h('ol', { class: 'plc-log', 'data-testid': 'log' });
  for (const entry of entries) {
    const item = h('li', { class: `plc-log-entry plc-log-${entry.type || 'event'}` });
    item.appendChild(h('p', { class: 'plc-log-head' },
      h('time', { datetime: entry.at || '' }, formatDate(entry.at, lang)), ' · ',
      h('strong', null, entryTitle(t, entry)),
      entry.activity_title ? [' · ', bidi(entry.activity_title)] : null));
    const answers = entry.answers || {};
    const prompts = entry.prompts || {};
    const keys = Object.keys(answers);
    if (keys.length) {
      const dl = h('dl', { class: 'plc-answers' });
      for (const key of keys) {
        dl.append(h('dt', { dir: 'auto' }, prompts[key] || key), h('dd', { class: 'plc-pre', dir: 'auto' }, answers[key]));
      }
      item.appendChild(dl);
    }
    for (const key of ['option_title', 'title']) {
      if (typeof entry[key] === 'string' && entry[key]) item.appendChild(h('p', { class: 'plc-pre', dir: 'auto' }, entry[key]));
    }
    item.append(...logEntryExtras(ctx, entry)); // issue 9: replies and accommodations
    list.appendChild(item);
  }
  return list;
}

function entryTitle(t, entry) {
  switch (entry.type) {
    case 'reflection_before': return t('Reflection: %(phase)s', { phase: phaseLabel(t, 'before') });
    case 'reflection_after': return t('Reflection: %(phase)s', { phase: phaseLabel(t, 'after') });
    case 'chose': return t('Chose a way to show learning');
    case 'proposed': return t('Proposed my own way');
    case 'proposal_approved': return t('Proposal approved');
    case 'proposal_redirected': return t('Proposal redirected');
    case 'submitted': return t('Submitted attempt %(number)s', { number: entry.attempt || '' });
    case 'reviewed': return t('Reviewed: %(decision)s', { decision: decisionLabel(t, entry.decision) });
    default: return logEntryTitle(t, entry) || statusLabel(t, entry.status) || t('Event');
  }
}
