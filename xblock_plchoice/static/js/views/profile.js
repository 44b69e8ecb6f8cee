// The learner-owned profile: strengths, interests, goals, supports that help them learn.
// Private unless they choose to share it with staff.

import { clear, field, h, section } from '../dom.js';

const FIELDS = ['strengths', 'interests', 'goals', 'supports'];

export function renderProfile(ctx) {
  const { t } = ctx;
  const sec = section(ctx, 'profile', t('My learner profile'));
  const out = h('div', { class: 'plc-profile-body' });
  const open = h('button', { type: 'button', class: 'plc-button', 'aria-expanded': 'false' }, t('Edit my learner profile'));
  open.addEventListener('click', async () => {
    if (open.getAttribute('aria-expanded') === 'true') {
      clear(out);
      open.setAttribute('aria-expanded', 'false');
      return;
    }
    const result = await ctx.run(open, () => ctx.transport.call('profile', {}));
    if (!result) return;
    clear(out).appendChild(profileForm(ctx, result.profile || {}));
    open.setAttribute('aria-expanded', 'true');
    const first = out.querySelector('textarea');
    if (first) first.focus();
  });
  sec.append(h('p', { class: 'plc-hint' }, t('What helps you learn. You decide whether staff can see it.')), open, out);
  return sec;
}

function profileForm(ctx, profile) {
  const { t } = ctx;
  const labels = {
    strengths: t('My strengths'),
    interests: t('My interests'),
    goals: t('My goals'),
    supports: t('Supports that help me'),
  };
  const form = h('form', { class: 'plc-form', novalidate: true });
  const areas = {};
  for (const key of FIELDS) {
    areas[key] = h('textarea', { rows: '2', maxlength: '2000', 'data-field': key, value: profile[key] || '' });
    form.appendChild(field(labels[key], areas[key]));
  }
  const share = h('input', { type: 'checkbox', id: ctx.uid('pshare'), checked: Boolean(profile.share_with_staff), 'data-field': 'share_with_staff' });
  form.appendChild(h('div', { class: 'plc-check' }, share, h('label', { for: share.id }, t('Share my profile with staff'))));
  const button = h('button', { type: 'submit', class: 'plc-button', 'data-near': 'profile-save' }, t('Save profile'));
  form.appendChild(h('div', { class: 'plc-actions' }, button));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const payload = { share_with_staff: share.checked };
    for (const key of FIELDS) payload[key] = areas[key].value;
    ctx.run(button, () => ctx.transport.call('profile', payload), { focus: 'profile', message: t('Profile saved.'), scope: form, near: button });
  });
  return form;
}
