// Performance: the learner builds one attempt (text, links, files, recordings), rates it on
// the single-point rubric, then saves a draft or submits. Unsaved typing lives in ctx.memory
// so a re-render after an upload keeps it.

import { bidi, formatDate, h, section } from '../dom.js';
import { renderEvidenceInputs } from './evidence_inputs.js';
import { readSelfAssessment, renderSelfAssess } from './self_assess.js';

export function renderEvidence(ctx) {
  const { t } = ctx;
  const { activity, me } = ctx.state;
  const option = me.option || {};
  const kinds = option.evidence_kinds || ['text'];
  // A revision starts from the last attempt, so the learner improves it instead of starting over.
  const last = me.attempts.length ? me.attempts[me.attempts.length - 1].evidence : null;
  const draft = me.draft || (me.status === 'revise' && last) || { text: '', links: [], files: [] };
  const mem = ctx.memory;
  if (mem.text === undefined) mem.text = draft.text || '';
  if (mem.links === undefined) mem.links = [...(draft.links || [])];
  if (mem.files === undefined) mem.files = [...(draft.files || [])];

  const sec = section(ctx, 'evidence', me.status === 'revise' ? t('Revise your evidence') : t('Your evidence'));
  if (option.guidance) sec.appendChild(h('p', { class: 'plc-note' }, h('strong', null, t('What good evidence looks like:')), ' ', bidi(option.guidance)));
  const form = h('form', { class: 'plc-form', novalidate: true });
  sec.appendChild(form);

  form.appendChild(renderEvidenceInputs(ctx, mem, kinds));

  if (activity.criteria.length) form.appendChild(renderSelfAssess(ctx));

  const save = h('button', { type: 'button', class: 'plc-button', 'data-near': 'save-draft', 'data-focus': 'save-draft' }, t('Save draft'));
  const submit = h('button', { type: 'submit', class: 'plc-button plc-primary', disabled: !me.can.submit, 'data-near': 'submit' }, t('Submit for review'));
  const actions = h('div', { class: 'plc-actions' }, save, submit);
  if (me.status === 'revise' || me.attempts.length) {
    actions.appendChild(h('p', { class: 'plc-hint' }, t('Revisions left: %(count)s', { count: me.revisions_left })));
  }
  if (draft.saved_at) actions.appendChild(h('p', { class: 'plc-hint' }, t('Last saved %(date)s', { date: formatDate(draft.saved_at, ctx.lang) })));
  form.appendChild(actions);

  save.addEventListener('click', () => {
    if (!linksAreValid(ctx, form, save)) return;
    ctx.run(save, () => saveAll(ctx, form), { focus: 'save-draft', message: t('Draft saved.'), scope: form, near: 'save-draft' });
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!linksAreValid(ctx, form, submit)) return;
    ctx.run(submit, async () => {
      await saveAll(ctx, form);
      const state = await ctx.transport.call('submit', payload(mem));
      forget(ctx);
      return state;
    }, { focus: 'attempts', message: t('Submitted. Staff will review your work.'), scope: form, near: 'submitted' });
  });
  return sec;
}

function payload(mem) {
  return {
    text: mem.text,
    links: mem.links.map((l) => l.trim()).filter(Boolean),
    file_ids: mem.files.map((f) => f.file_id),
  };
}

/** Save evidence, then the self-assessment if any rating is given; resolves to the last state. */
async function saveAll(ctx, form) {
  let state = await ctx.transport.call('save_draft', payload(ctx.memory));
  const rating = readSelfAssessment(form);
  if (rating) state = await ctx.transport.call('self_assess', rating);
  return state;
}

function forget(ctx) {
  for (const key of ['text', 'links', 'files', 'ratings', 'comment', 'kind']) delete ctx.memory[key];
}

/** A link that is not a web address is shown as wrong beside it before anything is sent. */
function linksAreValid(ctx, form, button) {
  const { t } = ctx;
  ctx.clearError();
  const bad = [...form.querySelectorAll('input[type="url"]')].filter((input) => {
    const value = input.value.trim();
    return value && !/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(value);
  });
  if (!bad.length) return true;
  const problems = bad.map((input) => ({ field: input.getAttribute('data-field'), message: t('Enter a web address that starts with http:// or https://.') }));
  ctx.showError({ error: 'invalid', message: t('One of your links is not a web address.'), problems }, form, button);
  bad[0].focus();
  return false;
}

