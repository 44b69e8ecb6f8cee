// Analytics for staff: per option how many chose, submitted and mastered it; per criterion the
// gap between self-assessment and staff rating; the equity lens (mastery rate per option with
// its 95% interval, and a finding only where the data can show one); proposals and reflections.
// Each chart keeps its table (readable by screen readers, printable) behind "Show as table".

import { clear, h, section } from '../dom.js';
import { num } from './charts.js';
import { calibrationChart, equityChart, equityFindings, optionsChart } from './charts_analytics.js';

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
  const out = [
    optionsChart(ctx, data.options || []),
    calibrationChart(ctx, data.criteria || []),
  ];
  if (data.equity) out.push(equityChart(ctx, data.equity), equityFindings(ctx, data.equity));
  if (data.proposals) {
    out.push(h('p', null, t('Proposals made: %(made)s; approved: %(approved)s; redirected: %(redirected)s', {
      made: num(ctx, data.proposals.made, 0), approved: num(ctx, data.proposals.approved, 0),
      redirected: num(ctx, data.proposals.redirected, 0),
    })));
  }
  out.push(reflectionSummary(ctx, data));
  return out;
}
