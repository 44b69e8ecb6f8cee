// Studio's unit page (author_view): a compact summary of what the author set up, then the
// learner view exactly as learners will see it, drawn from an empty preview. The staff review
// queue is not here: reviewing learners' work belongs in the LMS. Nothing in the preview is
// saved: every command other than loading it answers with a note saying so.

import { bidi, formatDate, h, section } from '../dom.js';
import { kindLabel, phaseLabel } from '../labels.js';

/** The due-date line: which date applies and why (core/deadlines.py decides; see me.due). */
export function dueText(t, due, lang) {
  if (!due || !due.at) return t('No due date.');
  const date = formatDate(due.at, lang);
  if (due.source === 'platform' && due.overridden) {
    return t('Due %(date)s: the subsection\'s due date, grace period included. The activity\'s own date (%(other)s) is later and does not apply.', { date, other: formatDate(due.overridden, lang) });
  }
  if (due.source === 'platform') return t('Due %(date)s: the subsection\'s due date, grace period included.', { date });
  if (due.overridden) {
    return t('Due %(date)s: the activity\'s own due date, which is earlier than the subsection\'s (%(other)s).', { date, other: formatDate(due.overridden, lang) });
  }
  return t('Due %(date)s: the activity\'s own due date.', { date });
}

function list(items) {
  return h('ul', { class: 'plc-author-list' }, items);
}

export function renderAuthorSummary(ctx, definition, due) {
  const { t, lang } = ctx;
  const d = definition || {};
  const wrap = h('div', { class: 'plc-author-summary', 'data-testid': 'author-summary' });
  wrap.appendChild(h('h2', { class: 'plc-title', tabindex: '-1', 'data-focus': 'top', dir: 'auto' },
    t('Summary: %(title)s', { title: d.title || t('(no title yet)') })));
  const facts = section(ctx, 'author-facts', t('About this activity'));
  if (d.kind === 'choice' && d.objective) {
    facts.appendChild(h('p', null, h('strong', null, t('Learning goal:')), ' ', bidi(d.objective)));
  }
  facts.appendChild(h('p', { 'data-testid': 'author-due' }, dueText(t, due, lang)));
  wrap.appendChild(facts);

  if (d.kind === 'choice') {
    const criteria = section(ctx, 'author-criteria', t('Success criteria'));
    // Author text is isolated (bdi) inside items that keep the page's direction, so an English
    // criterion keeps its bullet and punctuation on an Arabic page.
    criteria.appendChild(list((d.criteria || []).map((c) => h('li', null,
      h('strong', null, bidi(c.title)), c.description ? [' — ', bidi(c.description)] : null))));
    wrap.appendChild(criteria);
    const options = section(ctx, 'author-options', t('Ways to show it'));
    const kinds = new Intl.ListFormat(lang, { style: 'narrow', type: 'unit' });
    options.appendChild(list((d.options || []).map((o) => h('li', null,
      h('strong', null, bidi(o.title)), ' — ',
      kinds.format((o.evidence_kinds || []).map((k) => kindLabel(t, k))),
      o.time_estimate ? [' (', bidi(o.time_estimate), ')'] : null))));
    if (d.allow_proposals) options.appendChild(h('p', { class: 'plc-hint' }, t('Learners may also propose their own way.')));
    wrap.appendChild(options);
  }
  const prompts = d.prompts || [];
  if (prompts.length) {
    const sec = section(ctx, 'author-prompts', t('Reflection prompts'));
    for (const phase of ['before', 'after']) {
      const items = prompts.filter((p) => p.phase === phase);
      if (!items.length) continue;
      sec.appendChild(h('p', null, h('strong', null, phaseLabel(t, phase))));
      sec.appendChild(list(items.map((p) => h('li', null, bidi(p.text)))));
    }
    wrap.appendChild(sec);
  }
  return wrap;
}

/** A transport that loads the preview of the saved definition and saves nothing. */
export function previewTransport(transport, definition, t) {
  const refusal = () => Promise.reject({
    error: 'preview', message: t('This is a preview for authors: nothing is saved here. Learners take part in the LMS.'),
  });
  return {
    call(command) {
      return command === 'state' ? transport.call('preview', { definition }) : refusal();
    },
    upload: refusal,
    fileUrl: (fileId) => transport.fileUrl(fileId),
    exportUrl: () => null,
  };
}

/** The whole author view: the summary, then the learner preview mounted by `mount` (app.js). */
export function renderAuthor(ctx, body, mount) {
  const { t } = ctx;
  const { definition, due } = ctx.options;
  body.appendChild(renderAuthorSummary(ctx, definition, due));
  const heading = h('h2', { class: 'plc-heading' }, t('Preview for learners'));
  const root = h('div', { class: 'plc-author-preview', 'data-testid': 'author-preview' });
  body.append(heading, root);
  mount(root, { ...ctx.options, view: 'learner', preview: true, transport: previewTransport(ctx.transport, definition, t) });
}
