// Performance: the learner builds one attempt (text, links, files, recordings), rates it on
// the single-point rubric, then saves a draft or submits. Unsaved typing lives in ctx.memory
// so a re-render after an upload keeps it.

import { bidi, field, fileLink, formatBytes, formatDate, h, section, uid } from '../dom.js';
import { renderRecorder } from './recorder.js';
import { readSelfAssessment, renderSelfAssess } from './self_assess.js';
import { renderUploader } from './uploader.js';

const DEFAULT_TEXT_MAX = 20000;

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

  if (kinds.includes('text') || mem.text) form.appendChild(textField(ctx, mem));
  if (kinds.includes('link') || mem.links.length) form.appendChild(linksField(ctx, mem));
  const uploads = h('div', { class: 'plc-uploads' });
  uploads.appendChild(filesList(ctx, mem));
  const onUploaded = (fileView) => {
    mem.files.push(fileView);
    const fresh = filesList(ctx, mem);
    uploads.replaceChild(fresh, uploads.firstChild);
    ctx.announce(t('%(name)s uploaded. Save or submit to keep it with your evidence.', { name: fileView.name }));
  };
  if (kinds.includes('file')) uploads.appendChild(renderUploader(ctx, 'file', onUploaded));
  for (const kind of ['audio', 'video']) {
    if (kinds.includes(kind)) uploads.appendChild(renderRecorder(ctx, kind, onUploaded));
  }
  form.appendChild(uploads);

  if (activity.criteria.length) form.appendChild(renderSelfAssess(ctx));

  const save = h('button', { type: 'button', class: 'plc-button' }, t('Save draft'));
  const submit = h('button', { type: 'submit', class: 'plc-button plc-primary', disabled: !me.can.submit }, t('Submit for review'));
  const actions = h('div', { class: 'plc-actions' }, save, submit);
  if (me.status === 'revise' || me.attempts.length) {
    actions.appendChild(h('p', { class: 'plc-hint' }, t('Revisions left: %(count)s', { count: me.revisions_left })));
  }
  if (draft.saved_at) actions.appendChild(h('p', { class: 'plc-hint' }, t('Last saved %(date)s', { date: formatDate(draft.saved_at, ctx.lang) })));
  form.appendChild(actions);

  save.addEventListener('click', () => {
    ctx.run(save, () => saveAll(ctx, form), { focus: 'evidence', message: t('Draft saved.'), scope: form });
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.run(submit, async () => {
      await saveAll(ctx, form);
      const state = await ctx.transport.call('submit', payload(mem));
      forget(ctx);
      return state;
    }, { focus: 'attempts', message: t('Submitted. Staff will review your work.'), scope: form });
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
  for (const key of ['text', 'links', 'files', 'ratings', 'comment']) delete ctx.memory[key];
}

function textField(ctx, mem) {
  const { t, lang } = ctx;
  const max = (ctx.state.limits && ctx.state.limits.text_max_chars) || DEFAULT_TEXT_MAX;
  const area = h('textarea', { rows: '8', maxlength: String(max), 'data-field': 'text', value: mem.text });
  const counter = h('p', { class: 'plc-counter', id: uid('count'), 'aria-live': 'off' });
  const update = () => {
    counter.textContent = t('%(count)s of %(max)s characters', {
      count: area.value.length.toLocaleString(lang), max: max.toLocaleString(lang),
    });
  };
  area.addEventListener('input', () => {
    mem.text = area.value;
    update();
  });
  update();
  const wrap = field(t('Your written evidence'), area);
  area.setAttribute('aria-describedby', counter.id);
  wrap.appendChild(counter);
  return wrap;
}

function linksField(ctx, mem) {
  const { t } = ctx;
  const fieldset = h('fieldset', { class: 'plc-links' }, h('legend', null, t('Links to your work')));
  const list = h('ol', { class: 'plc-rows' });
  const add = h('button', { type: 'button', class: 'plc-button plc-small' }, t('Add a link'));
  const draw = (focusIndex) => {
    list.replaceChildren();
    mem.links.forEach((value, index) => {
      const input = h('input', {
        type: 'url', value, inputmode: 'url', placeholder: 'https://', 'data-field': `links[${index}]`,
        oninput: () => { mem.links[index] = input.value; },
      });
      const label = t('Link %(number)s', { number: index + 1 });
      const remove = h('button', {
        type: 'button', class: 'plc-button plc-small', 'aria-label': t('Remove link %(number)s', { number: index + 1 }),
        onclick: () => {
          mem.links.splice(index, 1);
          draw(Math.min(index, mem.links.length - 1));
          if (!mem.links.length) add.focus();
          ctx.announce(t('Link removed.'));
        },
      }, t('Remove'));
      list.appendChild(h('li', null, field(label, input), remove));
      if (index === focusIndex) setTimeout(() => input.focus(), 0);
    });
  };
  add.addEventListener('click', () => {
    mem.links.push('');
    draw(mem.links.length - 1);
  });
  draw(-1);
  fieldset.append(h('p', { class: 'plc-hint' }, t('Web addresses starting with http:// or https://.')), list, add);
  return fieldset;
}

function filesList(ctx, mem) {
  const { t, lang } = ctx;
  if (!mem.files.length) return h('p', { class: 'plc-hint' }, t('No files attached yet.'));
  const list = h('ul', { class: 'plc-files', 'aria-label': t('Attached files') });
  mem.files.forEach((file, index) => {
    const url = file.url || ctx.transport.fileUrl(file.file_id);
    const remove = h('button', {
      type: 'button', class: 'plc-button plc-small', 'aria-label': t('Remove %(name)s', { name: file.name }),
      onclick: () => {
        mem.files.splice(index, 1);
        const parent = list.parentNode;
        parent.replaceChild(filesList(ctx, mem), list);
        ctx.announce(t('%(name)s removed from this attempt.', { name: file.name }));
        const next = parent.querySelector('.plc-files button, input[type="file"]');
        if (next) next.focus();
      },
    }, t('Remove'));
    list.appendChild(h('li', null, fileLink(url, file.name), ` (${formatBytes(file.size, lang)}) `, remove));
  });
  return list;
}
