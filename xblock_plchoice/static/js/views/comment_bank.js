// The course's comment bank (issue 9). One cached list per page feeds every criterion's
// "insert a saved comment" list in the review panel and the staff bank section, so a comment
// saved with one click in one place is offered everywhere at once without another request.
// The bank belongs to the course: every activity in it reads and writes the same list.

import { clear, field, formatDate, h, section } from '../dom.js';

/** The page-wide cache: {items: [...]|null, waiting: Promise|null, listeners: Set}. */
function cache(ctx) {
  if (!ctx.memory.commentBank) ctx.memory.commentBank = { items: null, waiting: null, listeners: new Set() };
  return ctx.memory.commentBank;
}

function adopt(ctx, result) {
  const bank = cache(ctx);
  bank.items = Array.isArray(result && result.comments) ? result.comments : [];
  for (const listener of [...bank.listeners]) {
    // A listener whose part of the page was replaced is dropped rather than called.
    if (listener.node.isConnected) listener.fn(bank.items);
    else bank.listeners.delete(listener);
  }
  return bank.items;
}

/** Resolve to the bank's comments, asking the server once per page. */
export function loadBank(ctx) {
  const bank = cache(ctx);
  if (bank.items) return Promise.resolve(bank.items);
  if (!bank.waiting) {
    bank.waiting = ctx.transport.call('comment_bank', { action: 'list' })
      .then((result) => adopt(ctx, result))
      .finally(() => { bank.waiting = null; });
  }
  return bank.waiting;
}

/** Call fn(items) whenever the bank changes, for as long as `node` stays on the page. */
export function onBankChange(ctx, node, fn) {
  cache(ctx).listeners.add({ node, fn });
}

export async function addToBank(ctx, criterionId, text) {
  return adopt(ctx, await ctx.transport.call('comment_bank', { action: 'add', criterion_id: criterionId || null, text }));
}

export async function removeFromBank(ctx, id) {
  return adopt(ctx, await ctx.transport.call('comment_bank', { action: 'remove', id }));
}

/** The comments offered for one criterion: its own, then the general ones (no criterion). */
export function commentsFor(items, criterionId) {
  return [...items.filter((c) => c.criterion_id === criterionId), ...items.filter((c) => !c.criterion_id)];
}

/** The staff section: every saved comment by criterion, with remove, CSV export and import. */
export function renderCommentBank(ctx) {
  const { t } = ctx;
  const sec = section(ctx, 'comment-bank', t('Comment bank'));
  sec.setAttribute('data-testid', 'comment-bank');
  sec.appendChild(h('p', { class: 'plc-hint' }, t('Saved comments are shared by every activity in this course. Save one from the review panel, or import a CSV file with the columns criterion_id and text.')));
  const list = h('div', { class: 'plc-bank-list' });
  const show = h('button', { type: 'button', class: 'plc-button', 'aria-expanded': 'false' }, t('Show saved comments'));
  const exportButton = h('button', { type: 'button', class: 'plc-button' }, t('Export the comment bank (CSV)'));
  const input = h('input', { type: 'file', accept: '.csv,text/csv', 'data-field': 'csv' });
  sec.append(h('div', { class: 'plc-actions' }, show, exportButton), list,
    h('div', { class: 'plc-bank-import' }, field(t('Import comments from a CSV file'), input)));

  const draw = (items) => {
    if (show.getAttribute('aria-expanded') !== 'true') return;
    clear(list).appendChild(bankTable(ctx, items, () => ctx.focus(list.querySelector('caption') || show)));
  };
  onBankChange(ctx, list, draw);
  show.addEventListener('click', async () => {
    if (show.getAttribute('aria-expanded') === 'true') {
      clear(list);
      show.setAttribute('aria-expanded', 'false');
      show.textContent = t('Show saved comments');
      return;
    }
    const items = await ctx.run(show, () => loadBank(ctx));
    if (!items) return;
    show.setAttribute('aria-expanded', 'true');
    show.textContent = t('Hide saved comments');
    draw(items);
    ctx.announce(t('Saved comments: %(count)s', { count: items.length }));
  });
  exportButton.addEventListener('click', async () => {
    const result = await ctx.run(exportButton, () => ctx.transport.call('comment_bank', { action: 'export' }));
    if (!result || typeof result.csv !== 'string') return;
    const blob = new Blob([result.csv], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: 'comment-bank.csv', hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    ctx.announce(t('Comment bank exported.'));
  });
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const text = await file.text();
    const result = await ctx.run(input, () => ctx.transport.call('comment_bank', { action: 'import', csv: text }), { scope: sec });
    input.value = '';
    if (!result) return;
    adopt(ctx, result);
    ctx.announce(t('Comments imported: %(count)s', { count: Number(result.imported) || 0 }));
  });
  return sec;
}

function bankTable(ctx, items, afterRemove) {
  const { t, lang } = ctx;
  if (!items.length) return h('p', { class: 'plc-hint' }, t('No saved comments yet.'));
  const titles = Object.fromEntries((ctx.state.activity.criteria || []).map((c) => [c.id, c.title]));
  return h('table', { class: 'plc-table plc-bank' },
    h('caption', { tabindex: '-1' }, t('Saved comments')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('Criterion')),
      h('th', { scope: 'col' }, t('Comment')),
      h('th', { scope: 'col' }, t('Saved')),
      h('th', { scope: 'col' }, h('span', { class: 'plc-sr' }, t('Actions'))))),
    h('tbody', null, items.map((c) => {
      const remove = h('button', {
        type: 'button', class: 'plc-button plc-small plc-danger',
        'aria-label': t('Remove the saved comment: %(text)s', { text: c.text.slice(0, 60) }),
      }, t('Remove'));
      remove.addEventListener('click', async () => {
        const left = await ctx.run(remove, () => removeFromBank(ctx, c.id));
        if (!left) return;
        afterRemove();
        ctx.announce(t('Saved comment removed.'));
      });
      return h('tr', null,
        h('td', { dir: 'auto' }, c.criterion_id ? (titles[c.criterion_id] || c.criterion_id) : t('Any criterion')),
        h('td', { class: 'plc-pre', dir: 'auto' }, c.text),
        h('td', null, c.at ? formatDate(c.at, lang) : '—'),
        h('td', null, remove));
    })));
}
