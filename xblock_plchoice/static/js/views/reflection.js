// Forethought and self-reflection prompts. Answers are private unless the learner ticks
// "share with staff"; the learner sees when they last saved.

import { field, formatDate, h, section } from '../dom.js';

export function renderReflection(ctx, phase) {
  const { t, lang } = ctx;
  const { activity, me } = ctx.state;
  const prompts = activity.prompts[phase] || [];
  const saved = (me.reflections && me.reflections[phase]) || { answers: {}, share_with_staff: false };
  const memKey = `reflect-${phase}`;
  const mem = ctx.memory[memKey] || (ctx.memory[memKey] = { answers: { ...(saved.answers || {}) }, share: Boolean(saved.share_with_staff) });

  const title = phase === 'before' ? t('Before you start: plan') : t('After you finish: look back');
  const sec = section(ctx, `reflect-${phase}`, title);
  sec.appendChild(h('p', { class: 'plc-hint' }, phase === 'before'
    ? t('Set a goal and a plan. Only you see your answers unless you share them.')
    : t('Think about what worked and what you will do next. Only you see your answers unless you share them.')));
  const form = h('form', { class: 'plc-form', novalidate: true, 'data-phase': phase });
  for (const prompt of prompts) {
    const area = h('textarea', {
      rows: '3', maxlength: '5000', 'data-field': `answers.${prompt.id}`, 'data-prompt': prompt.id,
      value: mem.answers[prompt.id] || '',
      oninput: () => { mem.answers[prompt.id] = area.value; },
    });
    form.appendChild(field(prompt.text, area));
  }
  const share = h('input', {
    type: 'checkbox', id: ctx.uid('share'), checked: mem.share,
    onchange: () => { mem.share = share.checked; },
  });
  form.appendChild(h('div', { class: 'plc-check' }, share, h('label', { for: share.id }, t('Share these answers with staff'))));
  const button = h('button', { type: 'submit', class: 'plc-button', 'data-near': `reflect-${phase}-save` }, t('Save reflection'));
  form.appendChild(h('div', { class: 'plc-actions' }, button,
    saved.at ? h('p', { class: 'plc-hint' }, t('Last saved %(date)s', { date: formatDate(saved.at, lang) })) : null));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.run(button, async () => {
      const state = await ctx.transport.call('reflect', { phase, answers: { ...mem.answers }, share_with_staff: mem.share });
      delete ctx.memory[memKey];
      return state;
    }, { focus: `reflect-${phase}`, message: t('Reflection saved.'), scope: form, near: `reflect-${phase}-save` });
  });
  sec.appendChild(form);
  return sec;
}
