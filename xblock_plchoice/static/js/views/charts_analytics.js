// The three staff charts of the analytics view, each with its summary and its table:
// per option a stacked bar (mastered / submitted / only chose), per criterion a diverging bar of
// the mean gap between learners' self-assessment and the staff rating, and the equity lens (the
// mastery rate per option with its 95% interval). All figures come from the `analytics` view,
// which the core builds from counters; nothing here counts learners.

import { h } from '../dom.js';
import { levelLabel } from '../labels.js';
import { axis, chartFigure, legend, num, percent, shorten, signed, svg } from './charts.js';

const WIDTH = 640;
const LABEL_END = 190;
const BAR_START = 200;
const BAR_END = 600;
const ROW = 50;
const TOP = 34;
const INK = '#1f2328';
const MUTED = '#4a5159';
const COLOURS = { mastered: '#1e6b32', submitted: '#0b4f8a', chose: '#7d8794', higher: '#7a3e9d', lower: '#0b4f8a' };

export function optionName(ctx, option) {
  return option.id === 'proposal' ? ctx.t("Learners' own proposals") : option.title || option.id;
}

function frame(geo, rows) {
  const height = TOP + rows * ROW + 10;
  return svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', direction: geo.direction, role: 'presentation' });
}

function text(geo, x, y, anchor, content, extra) {
  return svg('text', { x: geo.x(x), y, 'text-anchor': anchor, direction: geo.direction, fill: INK, 'font-size': 14, ...extra }, content);
}

function rowLabel(geo, y, content) {
  return text(geo, LABEL_END, y + 15, 'end', shorten(content));
}

function bar(geo, x, w, y, fill) {
  return svg('rect', { x: geo.rect(x, Math.max(w, 0)), y, width: Math.max(w, 0), height: 20, fill, stroke: '#ffffff', 'stroke-width': 1 });
}

/** Grid lines only beside the bars, never through the text line under each bar. */
function gridLine(drawing, x, rows, stroke, width) {
  for (let i = 0; i < rows; i += 1) {
    const y = TOP + i * ROW;
    drawing.append(svg('line', { x1: x, x2: x, y1: y - 4, y2: y + 24, stroke, 'stroke-width': width }));
  }
}

function headerRow(...cells) {
  return h('thead', null, h('tr', null, cells.map((c) => h('th', { scope: 'col' }, c))));
}

// --- options: stacked bars ------------------------------------------------------------------

export function optionsChart(ctx, options) {
  const { t } = ctx;
  const geo = axis(ctx, WIDTH);
  const drawing = frame(geo, options.length);
  const most = Math.max(1, ...options.map((o) => Math.max(o.chosen || 0, o.submitted || 0)));
  const scale = (BAR_END - BAR_START) / most;
  options.forEach((o, i) => {
    const y = TOP + i * ROW;
    const total = Math.max(o.chosen || 0, o.submitted || 0);
    const mastered = o.mastered || 0;
    const submittedOnly = Math.max((o.submitted || 0) - mastered, 0);
    const choseOnly = Math.max(total - mastered - submittedOnly, 0);
    let x = BAR_START;
    drawing.append(rowLabel(geo, y, optionName(ctx, o)));
    for (const [count, colour] of [[mastered, COLOURS.mastered], [submittedOnly, COLOURS.submitted], [choseOnly, COLOURS.chose]]) {
      drawing.append(bar(geo, x, count * scale, y, colour));
      x += count * scale;
    }
    drawing.append(text(geo, BAR_START, y + 38, 'start', optionCounts(ctx, o), { 'font-size': 12, fill: MUTED }));
  });
  return chartFigure(ctx, {
    key: 'options',
    title: t('How learners chose, submitted and mastered each option'),
    drawing,
    summary: options.map((o) => [optionName(ctx, o), optionCounts(ctx, o)]),
    notes: legend([[COLOURS.mastered, t('Mastered')], [COLOURS.submitted, t('Submitted, not mastered yet')],
      [COLOURS.chose, t('Chose it, nothing submitted yet')]]),
    table: optionsTable(ctx, options),
  });
}

function optionCounts(ctx, o) {
  return ctx.t('%(chosen)s chose, %(submitted)s submitted, %(mastered)s mastered', {
    chosen: num(ctx, o.chosen, 0), submitted: num(ctx, o.submitted, 0), mastered: num(ctx, o.mastered, 0),
  });
}

function optionsTable(ctx, options) {
  const { t } = ctx;
  return h('table', { class: 'plc-table', 'data-testid': 'analytics-options' },
    h('caption', null, t('By option')),
    headerRow(t('Option'), t('Chosen'), t('Submitted'), t('Mastered'), t('Mean attempts to mastery')),
    h('tbody', null, options.map((o) => h('tr', null,
      h('th', { scope: 'row', dir: 'auto' }, optionName(ctx, o)),
      h('td', null, num(ctx, o.chosen, 0)),
      h('td', null, num(ctx, o.submitted, 0)),
      h('td', null, num(ctx, o.mastered, 0)),
      h('td', null, num(ctx, o.mean_attempts_to_mastery))))));
}

// --- calibration: diverging bars ------------------------------------------------------------

export function calibrationChart(ctx, criteria) {
  const { t } = ctx;
  const geo = axis(ctx, WIDTH);
  const drawing = frame(geo, criteria.length);
  const centre = (BAR_START + BAR_END) / 2;
  const perLevel = (BAR_END - BAR_START) / 4; // the axis runs from -2 to +2 levels
  drawing.append(text(geo, BAR_START, 14, 'start', t('Self lower'), { 'font-size': 12, fill: MUTED }));
  drawing.append(text(geo, BAR_END, 14, 'end', t('Self higher'), { 'font-size': 12, fill: MUTED }));
  for (const tick of [-2, -1, 0, 1, 2]) {
    const x = geo.x(centre + tick * perLevel);
    gridLine(drawing, x, criteria.length, tick ? '#c4cad1' : INK, tick ? 1 : 2);
    drawing.append(text(geo, centre + tick * perLevel, 30, 'middle', signed(ctx, tick), { 'font-size': 11, fill: MUTED }));
  }
  criteria.forEach((c, i) => {
    const y = TOP + i * ROW;
    drawing.append(rowLabel(geo, y, c.title || c.id));
    if (c.pairs && c.mean_gap !== null && c.mean_gap !== undefined) {
      const w = Math.abs(c.mean_gap) * perLevel;
      const start = c.mean_gap >= 0 ? centre : centre - w;
      drawing.append(bar(geo, start, w, y, c.mean_gap >= 0 ? COLOURS.higher : COLOURS.lower));
    }
    drawing.append(text(geo, BAR_START, y + 38, 'start', gapLine(ctx, c), { 'font-size': 12, fill: MUTED }));
  });
  return chartFigure(ctx, {
    key: 'calibration',
    title: t('Self-assessment compared with staff rating'),
    drawing,
    summary: criteria.map((c) => [c.title || c.id, gapLine(ctx, c)]),
    notes: [
      h('p', { class: 'plc-hint' }, t('Levels count as %(not_yet)s = 0, %(meets)s = 1, %(exceeds)s = 2. The gap is the self-assessment minus the staff rating: +1 means learners rated themselves one level above the staff, −1 one level below, 0 that they agreed.', {
        not_yet: levelLabel(t, 'not_yet'), meets: levelLabel(t, 'meets'), exceeds: levelLabel(t, 'exceeds'),
      })),
      legend([[COLOURS.higher, t('Learners rated themselves higher than the staff')],
        [COLOURS.lower, t('Learners rated themselves lower than the staff')]]),
    ],
    table: calibrationTable(ctx, criteria),
  });
}

function gapLine(ctx, c) {
  const { t } = ctx;
  if (!c.pairs) return t('No pairs compared yet');
  return t('mean gap %(gap)s over %(pairs)s pairs (self higher %(higher)s, same %(same)s, self lower %(lower)s)', {
    gap: signed(ctx, c.mean_gap), pairs: num(ctx, c.pairs, 0), higher: num(ctx, c.higher, 0),
    same: num(ctx, c.same, 0), lower: num(ctx, c.lower, 0),
  });
}

function levels(ctx, counts) {
  const { t } = ctx;
  return ['not_yet', 'meets', 'exceeds'].map((level) => `${levelLabel(t, level)} ${num(ctx, (counts || {})[level] || 0, 0)}`).join(' · ');
}

function calibrationTable(ctx, criteria) {
  const { t } = ctx;
  return h('table', { class: 'plc-table', 'data-testid': 'analytics-criteria' },
    h('caption', null, t('Self-assessment compared with staff rating')),
    headerRow(t('Criterion'), t('Self-assessment (mean)'), t('Staff rating (mean)'), t('Gap (self minus staff)'),
      t('Pairs compared'), t('Self higher'), t('Same'), t('Self lower'), t('Self-assessments by level'),
      t('Staff ratings by level')),
    h('tbody', null, criteria.map((c) => h('tr', null,
      h('th', { scope: 'row', dir: 'auto' }, c.title || c.id),
      h('td', null, num(ctx, c.mean_self)),
      h('td', null, num(ctx, c.mean_staff)),
      h('td', null, signed(ctx, c.mean_gap)),
      h('td', null, num(ctx, c.pairs, 0)),
      ['higher', 'same', 'lower'].map((lean) => h('td', null, num(ctx, c[lean] || 0, 0))),
      h('td', null, levels(ctx, c.self_levels)),
      h('td', null, levels(ctx, c.staff_levels))))));
}

// --- equity lens: rates with intervals ------------------------------------------------------

export function equityChart(ctx, equity) {
  const { t } = ctx;
  const options = equity.options || [];
  const geo = axis(ctx, WIDTH);
  const drawing = frame(geo, options.length);
  const span = BAR_END - BAR_START;
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const x = geo.x(BAR_START + tick * span);
    gridLine(drawing, x, options.length, '#c4cad1', 1);
    drawing.append(text(geo, BAR_START + tick * span, 14, 'middle', percent(ctx, tick), { 'font-size': 11, fill: MUTED }));
  }
  options.forEach((o, i) => {
    const y = TOP + i * ROW;
    drawing.append(rowLabel(geo, y, optionName(ctx, o)));
    if (o.n && o.low !== null && o.high !== null) {
      const [low, high, rate] = [o.low, o.high, o.rate].map((v) => geo.x(BAR_START + v * span));
      drawing.append(svg('line', { x1: low, x2: high, y1: y + 10, y2: y + 10, stroke: INK, 'stroke-width': 2 }));
      for (const end of [low, high]) drawing.append(svg('line', { x1: end, x2: end, y1: y + 3, y2: y + 17, stroke: INK, 'stroke-width': 2 }));
      drawing.append(svg('circle', { cx: rate, cy: y + 10, r: 6, fill: COLOURS.submitted, stroke: '#ffffff', 'stroke-width': 1 }));
    }
    drawing.append(text(geo, BAR_START, y + 38, 'start', rateLine(ctx, o), { 'font-size': 12, fill: MUTED }));
  });
  return chartFigure(ctx, {
    key: 'equity',
    title: t('Mastery rate by option, with 95% intervals'),
    drawing,
    summary: options.map((o) => [optionName(ctx, o), rateLine(ctx, o)]),
    notes: h('p', { class: 'plc-hint' }, t('The rate counts learners whose latest work on that option has a decision (mastered or revise); the line around each dot is the 95% Wilson interval, the range the true rate is likely to lie in.')),
    table: equityTable(ctx, options),
  });
}

function rateLine(ctx, o) {
  const { t } = ctx;
  if (!o.n) return t('No decisions yet');
  return t('%(rate)s mastered (%(successes)s of %(n)s); likely range %(low)s to %(high)s', {
    rate: percent(ctx, o.rate), successes: num(ctx, o.successes, 0), n: num(ctx, o.n, 0),
    low: percent(ctx, o.low), high: percent(ctx, o.high),
  });
}

function equityTable(ctx, options) {
  const { t } = ctx;
  return h('table', { class: 'plc-table', 'data-testid': 'analytics-equity' },
    h('caption', null, t('Mastery rate by option, with 95% intervals')),
    headerRow(t('Option'), t('Learners with a decision'), t('Mastered'), t('Mastery rate'), t('95% interval')),
    h('tbody', null, options.map((o) => h('tr', null,
      h('th', { scope: 'row', dir: 'auto' }, optionName(ctx, o)),
      h('td', null, num(ctx, o.n, 0)),
      h('td', null, num(ctx, o.successes, 0)),
      h('td', null, percent(ctx, o.rate)),
      h('td', null, o.n ? `${percent(ctx, o.low)} – ${percent(ctx, o.high)}` : '—')))));
}

/** The equity lens in words: a finding only where the data can show one, and a plain "nothing to say" otherwise. */
export function equityFindings(ctx, equity) {
  const { t } = ctx;
  const byId = Object.fromEntries((equity.options || []).map((o) => [o.id, o]));
  const findings = (equity.findings || []).filter((f) => byId[f.lower] && byId[f.higher]);
  if (!findings.length) {
    return h('p', { class: 'plc-note', 'data-testid': 'equity-findings' }, t('No difference between options that the data can show. A difference is named only when two options each have at least %(count)s learners with a decision and their intervals do not overlap.', { count: num(ctx, equity.min_learners, 0) }));
  }
  return h('ul', { class: 'plc-note plc-findings', 'data-testid': 'equity-findings' }, findings.map((f) => h('li', null,
    t('Learners who chose %(option)s reached mastery less often than those who chose %(other)s; check its guidance.', {
      option: optionName(ctx, byId[f.lower]), other: optionName(ctx, byId[f.higher]),
    }))));
}
