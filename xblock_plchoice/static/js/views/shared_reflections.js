// Staff of a reflection block read what learners chose to share: learner, prompt and answer,
// newest first, a page at a time (the `shared_reflections` command). Private answers never
// reach this list; the server only returns entries saved with "share with staff".

import { clear, formatDate, h, section } from '../dom.js';
import { phaseLabel } from '../labels.js';
import { pager } from './pager.js';
import { answersList } from './review_panel.js';

const PAGE_SIZE = 10;

export function renderSharedReflections(ctx) {
  const { t } = ctx;
  const sec = section(ctx, 'shared-reflections', t('Shared reflections'));
  const out = h('div', { class: 'plc-shared-list', 'data-testid': 'shared-reflections' });
  sec.appendChild(out);
  const load = async (page, button) => {
    const data = await ctx.run(button, () => ctx.transport.call('shared_reflections', { page, page_size: PAGE_SIZE }));
    if (!data) return;
    clear(out);
    if (!data.items.length) {
      out.appendChild(h('p', null, t('No learner has shared a reflection yet.')));
      return;
    }
    out.appendChild(h('p', { class: 'plc-hint', tabindex: '-1' }, t('Shared reflections: %(count)s, newest first. Page %(page)s of %(pages)s.', {
      count: data.total, page: data.page, pages: data.pages,
    })));
    out.appendChild(h('ol', { class: 'plc-shared-entries' }, data.items.map((entry) => entryView(ctx, entry))));
    const nav = pager(data, (page, btn) => load(page, btn),
      { previous: t('Newer'), next: t('Older'), label: t('Pages of shared reflections') });
    if (nav) out.appendChild(nav);
    if (button) ctx.focus(out.firstChild);
  };
  load(1, null);
  return sec;
}

function entryView(ctx, entry) {
  const { t, lang } = ctx;
  const name = entry.display_name || entry.learner_id;
  return h('li', { class: 'plc-shared-entry', 'data-learner': entry.learner_id },
    h('p', { class: 'plc-log-head' }, h('strong', { dir: 'auto' }, name), ' · ', phaseLabel(t, entry.phase), ' · ',
      h('time', { datetime: entry.at || '' }, formatDate(entry.at, lang))),
    answersList(entry.answers || []));
}
