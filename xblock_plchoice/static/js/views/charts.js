// The pieces every analytics chart shares: SVG elements built from our own code (no library,
// no build step), a mirrored x axis for right-to-left pages, and the chart "figure": a
// focusable figure whose caption names it and whose visible summary describes it, with a
// "Show as table" switch that swaps the drawing for its table (the text equivalent).
//
// The drawing itself is aria-hidden: the summary and the table say everything it shows, in
// words a screen reader reads in order, so nobody needs to decode shapes.

import { bidi, h, uid } from '../dom.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element. Attributes only (SVG presentation attributes, not inline styles: the CSP forbids those). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * Horizontal geometry for a chart `width` wide. Code lays charts out left to right; in a
 * right-to-left page `x()` and `rect()` mirror every position, so labels sit on the right and
 * bars grow leftwards; text anchors stay logical (start/end) and follow `direction`.
 */
export function axis(ctx, width) {
  const rtl = ctx.dir === 'rtl';
  return {
    width,
    rtl,
    x: (value) => (rtl ? width - value : value),
    rect: (x, w) => (rtl ? width - x - w : x),
    // Text runs in the page's direction (so a translated sentence with numbers reads right), and
    // SVG's text-anchor is relative to that direction: "start" is the right edge of Arabic text.
    direction: rtl ? 'rtl' : 'ltr',
  };
}

/** A number in the page's language; a dash for "no value", never "null" or "NaN". */
export function num(ctx, value, digits = 2) {
  if (value === null || value === undefined || value === '' || Number.isNaN(Number(value))) return '—';
  return Number(value).toLocaleString(ctx.lang || undefined, { maximumFractionDigits: digits });
}

/**
 * A signed number (+0.5, −1), so the direction of a gap is never carried by colour alone. In a
 * right-to-left page it is isolated left to right (LRI…PDI), or a lone "+1" would read "1+".
 */
export function signed(ctx, value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '—';
  const text = num(ctx, Math.abs(value));
  let out = text;
  if (Number(value) > 0) out = `+${text}`;
  if (Number(value) < 0) out = `−${text}`;
  return ctx.dir === 'rtl' ? `\u2066${out}\u2069` : out;
}

export function percent(ctx, value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '—';
  return Number(value).toLocaleString(ctx.lang || undefined, { style: 'percent', maximumFractionDigits: 0 });
}

/**
 * Author text inside a drawing: shortened (the summary and table keep it whole) and isolated with
 * FSI/PDI, the plain-text equivalent of <bdi>, so an English title keeps its order in Arabic.
 */
export function shorten(text, max = 26) {
  const value = String(text || '');
  return `\u2068${value.length > max ? `${value.slice(0, max - 1)}…` : value}\u2069`;
}

/** A small colour key: a swatch drawn in SVG (CSP-safe) beside each label. */
export function legend(items) {
  return h('ul', { class: 'plc-chart-legend' }, items.map(([colour, label]) => h('li', null,
    svg('svg', { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true', focusable: 'false' },
      svg('rect', { x: 0, y: 0, width: 14, height: 14, fill: colour, stroke: '#1f2328', 'stroke-width': 1 })),
    ' ', label)));
}

/**
 * One chart with its text equivalent.
 * spec: {key, title, drawing (an <svg>), summary ([[author's name, our sentence]...]), notes (nodes under the summary), table (<table>)}
 */
export function chartFigure(ctx, spec) {
  const { t } = ctx;
  const captionId = uid(`${spec.key}-cap`);
  const summaryId = uid(`${spec.key}-sum`);
  const tableId = uid(`${spec.key}-table`);
  spec.drawing.setAttribute('aria-hidden', 'true');
  spec.drawing.setAttribute('focusable', 'false');
  spec.drawing.setAttribute('class', 'plc-chart-svg');
  const figure = h('figure', {
    class: 'plc-chart', tabindex: '0', 'aria-labelledby': captionId, 'aria-describedby': summaryId,
    'data-testid': `chart-${spec.key}`,
  },
  h('figcaption', { id: captionId, class: 'plc-chart-title' }, spec.title),
  spec.drawing,
  h('ul', { id: summaryId, class: 'plc-chart-summary' }, spec.summary.map(([name, line]) => h('li', null, bidi(name), ': ', line))),
  spec.notes || null);
  const tableBox = h('div', { id: tableId, class: 'plc-chart-table', hidden: true }, spec.table);
  const toggle = h('button', {
    type: 'button', class: 'plc-button plc-chart-toggle', 'aria-pressed': 'false', 'aria-controls': tableId,
    'data-testid': `table-switch-${spec.key}`,
  }, t('Show as table'));
  toggle.addEventListener('click', () => {
    const showTable = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', showTable ? 'true' : 'false');
    tableBox.hidden = !showTable;
    figure.hidden = showTable;
  });
  return h('div', { class: 'plc-chart-box' }, toggle, figure, tableBox);
}
