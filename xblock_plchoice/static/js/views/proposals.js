// Learner proposals waiting for a decision: approve, or redirect to an offered option with a
// note the learner will read.

import { clear, field, h, section } from '../dom.js';

export function renderProposals(ctx) {
  const { t } = ctx;
  const sec = section(ctx, 'proposals', t('Proposals to decide'));
  sec.querySelector('.plc-heading').setAttribute('data-near', 'proposals-top');
  const out = h('div', { class: 'plc-proposals' });
  const load = async () => {
    const data = await ctx.run(null, () => ctx.transport.call('queue', { page: 1, page_size: 100, status: 'proposal_pending', option_id: null }));
    if (!data) return;
    clear(out);
    if (!data.items.length) {
      out.appendChild(h('p', null, t('No proposals are waiting.')));
      return;
    }
    for (const item of data.items) out.appendChild(proposalCard(ctx, item, load));
  };
  sec.appendChild(out);
  load();
  return sec;
}

function proposalCard(ctx, item, reload) {
  const { t } = ctx;
  const proposal = item.proposal || {};
  const name = item.display_name || item.learner_id;
  const note = h('textarea', { rows: '2', maxlength: '2000', 'data-field': 'note' });
  const suggest = suggestionSelect(ctx);
  const approve = h('button', { type: 'button', class: 'plc-button plc-primary' }, t('Approve'));
  const redirect = h('button', { type: 'button', class: 'plc-button' }, t('Redirect to an offered way'));
  const card = h('article', { class: 'plc-card', 'data-learner': item.learner_id },
    h('h4', null, t('%(name)s proposes: %(title)s', { name, title: proposal.title || '' })),
    h('p', { class: 'plc-pre', dir: 'auto' }, proposal.plan || ''),
    field(t('Note to the learner'), note, t('Required when you redirect; optional when you approve.')),
    field(t('Suggest an offered way (when you redirect)'), suggest),
    h('div', { class: 'plc-actions' }, approve, redirect));
  const decide = (decision, button) => ctx.run(button, async () => {
    const payload = { learner_id: item.learner_id, decision, note: note.value };
    if (decision === 'redirect' && suggest.value) payload.suggested_option_id = suggest.value;
    const result = await ctx.transport.call('decide_proposal', payload);
    await reload();
    return result;
  }, { focus: 'proposals', message: decision === 'approve' ? t('Proposal approved.') : t('Proposal redirected.'), scope: card, near: 'proposals-top' });
  approve.addEventListener('click', () => decide('approve', approve));
  redirect.addEventListener('click', () => decide('redirect', redirect));
  return card;
}

/** The offered ways a redirect can name; the learner then reads "Staff suggest: <way>". */
function suggestionSelect(ctx) {
  const { t } = ctx;
  return h('select', { 'data-field': 'suggested_option_id' },
    h('option', { value: '' }, t('No particular way')),
    ctx.state.activity.options.map((o) => h('option', { value: o.id }, o.title)));
}
