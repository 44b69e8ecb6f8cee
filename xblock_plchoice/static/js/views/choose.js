// Forethought: the learner picks one way to show the goal (a radio group of option cards,
// each with its guidance, evidence kinds, time estimate and exemplar), or proposes their own.
// Also used read-only by the Studio preview, with `preview: true`.

import { bidi, field, h, isolate, section, uid } from '../dom.js';
import { kindLabel } from '../labels.js';

export function renderChoice(ctx) {
  const { t } = ctx;
  const { activity, me } = ctx.state;
  const chosen = me.option_id;
  const sec = section(ctx, 'choose', chosen ? t('Your way to show it') : t('Choose how to show your learning'));

  if (me.proposal) sec.appendChild(renderProposalStatus(ctx, me.proposal));
  if (chosen && me.option) {
    sec.appendChild(h('p', { class: 'plc-chosen', 'data-testid': 'chosen' }, t('You chose: %(title)s', { title: me.option.title })));
  }
  if (me.can.choose) sec.appendChild(optionForm(ctx, activity.options, chosen));
  else if (!chosen) sec.appendChild(optionList(ctx, activity.options));
  // Once a proposal is approved it is the learner's way: no second "propose your own way".
  const approved = me.proposal && me.proposal.status === 'approved';
  if (activity.allow_proposals && me.can.propose && !approved) sec.appendChild(proposalForm(ctx));
  return sec;
}

/** The option cards; `interactive` false renders the same cards without radios (preview, locked). */
export function optionCard(ctx, option, { name, checked, interactive }) {
  const { t } = ctx;
  const inputId = uid('opt');
  const detailsId = `${inputId}-details`;
  const details = h('div', { class: 'plc-card-body', id: detailsId });
  if (option.guidance) {
    details.appendChild(h('p', { class: 'plc-guidance' }, h('strong', null, t('What good evidence looks like:')), ' ', bidi(option.guidance)));
  }
  const kinds = listOf(ctx.lang, (option.evidence_kinds || []).map((k) => kindLabel(t, k)));
  if (kinds) details.appendChild(h('p', null, h('strong', null, t('Evidence you can give:')), ' ', kinds));
  if (option.time_estimate) {
    details.appendChild(h('p', null, h('strong', null, t('Time it may take:')), ' ', bidi(option.time_estimate)));
  }
  if (option.exemplar) {
    details.appendChild(h('details', { class: 'plc-exemplar' },
      h('summary', null, t('See an example')), h('p', { class: 'plc-pre', dir: 'auto' }, option.exemplar)));
  }
  const card = h('div', { class: 'plc-card', 'data-option': option.id });
  if (interactive) {
    const input = h('input', {
      type: 'radio', name, id: inputId, value: option.id, checked: Boolean(checked),
      'aria-describedby': detailsId,
    });
    card.appendChild(h('div', { class: 'plc-card-head' }, input, h('label', { for: inputId, class: 'plc-card-title', dir: 'auto' }, option.title)));
  } else {
    card.appendChild(h('h4', { class: 'plc-card-title', dir: 'auto' }, option.title));
  }
  card.appendChild(details);
  return card;
}

/** "a, b, c" with the reader's own list punctuation (Arabic uses "،"). */
function listOf(lang, items) {
  try {
    return new Intl.ListFormat(lang || undefined, { style: 'short', type: 'unit' }).format(items);
  } catch (err) {
    return items.join(', ');
  }
}

function optionForm(ctx, options, chosen) {
  const { t } = ctx;
  const name = uid('options');
  const fieldset = h('fieldset', { class: 'plc-options' }, h('legend', null, t('Ways to show your learning')));
  for (const option of options) fieldset.appendChild(optionCard(ctx, option, { name, checked: option.id === chosen, interactive: true }));
  const button = h('button', { type: 'submit', class: 'plc-button plc-primary', 'data-near': 'choose' }, chosen ? t('Change my choice') : t('Choose this way'));
  const form = h('form', { class: 'plc-form', novalidate: true }, fieldset,
    chosen ? h('p', { class: 'plc-hint' }, t('You can change your choice until you first submit.')) : null, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const picked = form.querySelector(`input[name="${name}"]:checked`);
    if (!picked) {
      ctx.clearError();
      ctx.showError({ error: 'invalid', message: t('Pick one of the ways first.') }, form, button);
      return;
    }
    ctx.run(button, () => ctx.transport.call('choose', { option_id: picked.value }), {
      focus: 'evidence', message: t('Choice saved.'), scope: form, near: 'choose',
    });
  });
  return form;
}

function optionList(ctx, options) {
  return h('div', { class: 'plc-options' }, options.map((option) => optionCard(ctx, option, { interactive: false })));
}

function proposalForm(ctx) {
  const { t } = ctx;
  const title = h('input', { type: 'text', maxlength: '200', 'data-field': 'title', autocomplete: 'off' });
  const plan = h('textarea', { rows: '4', maxlength: '4000', 'data-field': 'plan' });
  const button = h('button', { type: 'submit', class: 'plc-button', 'data-near': 'propose' }, t('Send my proposal'));
  const form = h('form', { class: 'plc-form plc-propose', novalidate: true },
    h('h4', null, t('Or propose your own way')),
    h('p', { class: 'plc-hint' }, t('Describe what you will make and how it shows the learning goal. Staff will approve it or suggest another way.')),
    field(t('Title of your idea'), title),
    field(t('Your plan'), plan),
    button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.run(button, () => ctx.transport.call('propose', { title: title.value, plan: plan.value }), {
      focus: 'choose', message: t('Proposal sent.'), scope: form, near: 'proposal-status',
    });
  });
  return form;
}

/**
 * Where the learner's proposal stands, in plain words that say what to do next. The status
 * banner already says "waiting for approval", so a pending proposal gets no second chip.
 */
function renderProposalStatus(ctx, proposal) {
  const { t } = ctx;
  const box = h('div', { class: `plc-note plc-proposal plc-proposal-${proposal.status}`, 'data-testid': 'proposal', 'data-near': 'proposal-status' });
  box.appendChild(h('p', null, h('strong', null, t('Your proposal:')), ' ', bidi(proposal.title)));
  if (proposal.status === 'pending') {
    box.appendChild(h('p', null, t('Staff will read it and approve it or suggest another way. Meanwhile you can still choose one of the ways below.')));
  } else if (proposal.status === 'approved') {
    box.appendChild(h('p', null, t('Approved: go ahead with your own way and add your evidence below.')));
  } else if (proposal.status === 'redirected') {
    const suggested = proposal.suggested_option;
    box.appendChild(h('p', null, suggested
      ? t('Staff suggest a different way: %(title)s. Choose it below, or another way, to continue.', { title: isolate(suggested.title) })
      : t('Staff suggest you pick one of the ways below. Choose one to continue.')));
  }
  if (proposal.note) box.appendChild(h('p', null, h('strong', null, t('Note from staff:')), ' ', bidi(proposal.note)));
  return box;
}
