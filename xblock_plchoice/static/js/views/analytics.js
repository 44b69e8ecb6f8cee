// Analytics as plain tables (readable by screen readers, printable): per option how many
// chose, submitted and mastered it, mean attempts to mastery; per criterion the gap between
// self-assessment and staff rating; proposals made and approved.

import { clear, h, section } from '../dom.js';

export function renderAnalytics(ctx) {
  const { t } = ctx;
  const sec = section(ctx, 'analytics', t('Analytics'));
  const out = h('div', { class: 'plc-analytics' });
  const button = h('button', { type: 'button', class: 'plc-button' }, t('Show analytics'));
  button.addEventListener('click', async () => {
    const data = await ctx.run(button, () => ctx.transport.call('analytics', {}));
    if (!data) return;
    clear(out).append(...tables(ctx, data));
    button.textContent = t('Refresh analytics');
    ctx.announce(t('Analytics loaded.'));
  });
  sec.append(button, out);
  return sec;
}

function num(ctx, value, digits = 2) {
  if (value === null || value === undefined || value === '') return '—';
  return Number(value).toLocaleString(ctx.lang || undefined, { maximumFractionDigits: digits });
}

function reflectionSummary(ctx, data) {
  const { t } = ctx;
  const r = data.reflections || {};
  return h('p', { 'data-testid': 'analytics-reflections' },
    t('Reflections before the work: %(before)s; after feedback: %(after)s; shared with staff: %(shared)s', {
      before: num(ctx, r.before, 0), after: num(ctx, r.after, 0), shared: num(ctx, r.shared, 0),
    }));
}

function tables(ctx, data) {
  const { t } = ctx;
  if (ctx.state.activity.kind === 'reflection') return [reflectionSummary(ctx, data)];
  const options = data.options || [];
  const criteria = data.criteria || [];
  const out = [];
  out.push(h('table', { class: 'plc-table', 'data-testid': 'analytics-options' },
    h('caption', null, t('By option')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('Option')),
      h('th', { scope: 'col' }, t('Chosen')),
      h('th', { scope: 'col' }, t('Submitted')),
      h('th', { scope: 'col' }, t('Mastered')),
      h('th', { scope: 'col' }, t('Mean attempts to mastery')))),
    h('tbody', null, options.map((o) => h('tr', null,
      h('th', { scope: 'row', dir: 'auto' }, o.id === 'proposal' ? t("Learners' own proposals") : o.title || o.id),
      h('td', null, num(ctx, o.chosen, 0)),
      h('td', null, num(ctx, o.submitted, 0)),
      h('td', null, num(ctx, o.mastered, 0)),
      h('td', null, num(ctx, o.mean_attempts_to_mastery)))))));
  out.push(h('table', { class: 'plc-table', 'data-testid': 'analytics-criteria' },
    h('caption', null, t('Self-assessment compared with staff rating')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('Criterion')),
      h('th', { scope: 'col' }, t('Self-assessment (mean)')),
      h('th', { scope: 'col' }, t('Staff rating (mean)')),
      h('th', { scope: 'col' }, t('Gap (self minus staff)')),
      h('th', { scope: 'col' }, t('Pairs compared')))),
    h('tbody', null, criteria.map((c) => h('tr', null,
      h('th', { scope: 'row', dir: 'auto' }, c.title || c.id),
      h('td', null, num(ctx, c.mean_self)),
      h('td', null, num(ctx, c.mean_staff)),
      h('td', null, num(ctx, c.mean_gap)),
      h('td', null, num(ctx, c.pairs, 0)))))));
  if (data.proposals) {
    out.push(h('p', null, t('Proposals made: %(made)s; approved: %(approved)s; redirected: %(redirected)s', {
      made: num(ctx, data.proposals.made, 0), approved: num(ctx, data.proposals.approved, 0),
      redirected: num(ctx, data.proposals.redirected, 0),
    })));
  }
  out.push(reflectionSummary(ctx, data));
  return out;
}
