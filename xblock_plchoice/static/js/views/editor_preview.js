// What learners will see, redrawn as the author types: the option cards exactly as the
// learner view draws them (same function), the criteria and the prompts.

import { bidi, clear, h, uid } from '../dom.js';
import { optionCard } from './choose.js';
import { toDefinition } from './editor_model.js';

export function renderPreview(ctx, model) {
  const { t } = ctx;
  const headingId = uid('preview');
  const out = h('div', { class: 'plc-preview-body' });
  const pane = h('section', { class: 'plc-preview-pane', 'aria-labelledby': headingId },
    h('h3', { id: headingId }, t('Preview for learners')), out);
  const draw = () => {
    const d = toDefinition(model);
    clear(out);
    out.appendChild(h('h4', { dir: 'auto' }, d.title || t('(no title yet)')));
    if (d.objective) out.appendChild(h('p', null, h('strong', null, t('Learning goal:')), ' ', bidi(d.objective)));
    if (d.kind === 'choice') {
      if (d.criteria.length) {
        out.appendChild(h('p', null, h('strong', null, t('Success criteria')))) ;
        out.appendChild(h('ul', null, d.criteria.map((c) => h('li', { dir: 'auto' }, c.title || '—', c.description ? ` — ${c.description}` : ''))));
      }
      out.appendChild(h('div', { class: 'plc-options' }, d.options.map((o) => optionCard(ctx, { ...o, title: o.title || '—' }, { interactive: false }))));
      if (d.allow_proposals) out.appendChild(h('p', { class: 'plc-hint' }, t('Learners may also propose their own way.')));
    }
    for (const phase of ['before', 'after']) {
      const prompts = d.prompts.filter((p) => p.phase === phase);
      if (!prompts.length) continue;
      out.appendChild(h('p', null, h('strong', null, phase === 'before' ? t('Before you start: plan') : t('After you finish: look back'))));
      out.appendChild(h('ul', null, prompts.map((p) => h('li', { dir: 'auto' }, p.text || '—'))));
    }
  };
  let timer = null;
  pane.update = () => {
    clearTimeout(timer);
    timer = setTimeout(draw, 250);
  };
  draw();
  return pane;
}
