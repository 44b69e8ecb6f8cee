// The evidence inputs of one attempt. When the chosen way allows several kinds, the learner
// picks one at a time in a radio group ("Write / Link / Upload a file / Record audio / Record
// video") and sees only that control, instead of every uploader and recorder at once. What
// they already gave in another kind stays (text, links and files all go into the attempt),
// and the list of attached files is always shown.

import { field, fileLink, formatBytes, h, uid } from '../dom.js';
import { renderRecorder } from './recorder.js';
import { renderUploader } from './uploader.js';

const DEFAULT_TEXT_MAX = 20000;
const KNOWN = ['text', 'link', 'file', 'audio', 'video'];
// The character counter appears once the text is this close to the hard limit.
const NEAR_LIMIT = 0.9;

export function renderEvidenceInputs(ctx, mem, allowed) {
  const { t } = ctx;
  // The author's order (the first kind is the one the way is mostly about), plus text or links
  // the learner already gave under another way, so nothing they wrote is hidden.
  const kinds = allowed.filter((k) => KNOWN.includes(k));
  if (mem.text && !kinds.includes('text')) kinds.push('text');
  if (mem.links.length && !kinds.includes('link')) kinds.push('link');
  const box = h('div', { class: 'plc-evidence-inputs' });
  const uploads = h('div', { class: 'plc-uploads' }, filesList(ctx, mem));
  const onUploaded = (fileView) => {
    mem.files.push(fileView);
    uploads.replaceChild(filesList(ctx, mem), uploads.firstChild);
    ctx.announce(t('%(name)s uploaded. Save or submit to keep it with your evidence.', { name: fileView.name }));
  };
  const panels = {};
  for (const kind of kinds) {
    const panel = h('div', { class: `plc-kind-panel plc-kind-${kind}`, 'data-kind-panel': kind });
    panel.appendChild(kindControl(ctx, mem, kind, onUploaded));
    panels[kind] = panel;
  }
  if (!mem.kind || !panels[mem.kind]) mem.kind = firstKindWithWork(mem, kinds);
  if (kinds.length > 1) box.appendChild(kindChooser(ctx, mem, kinds, panels));
  for (const kind of kinds) {
    panels[kind].hidden = kind !== mem.kind;
    box.appendChild(panels[kind]);
  }
  box.appendChild(uploads);
  return box;
}

export function kindChoiceLabel(t, kind) {
  const labels = {
    text: t('Write'), link: t('Link'), file: t('Upload a file'), audio: t('Record audio'), video: t('Record video'),
  };
  return labels[kind] || String(kind || '');
}

function firstKindWithWork(mem, kinds) {
  if (mem.text && kinds.includes('text')) return 'text';
  if (mem.links.length && kinds.includes('link')) return 'link';
  const fileKind = mem.files.length ? (mem.files[0].kind || 'file') : '';
  if (kinds.includes(fileKind)) return fileKind;
  return kinds[0];
}

/** One radio per kind; choosing one shows its panel and hides the others. */
function kindChooser(ctx, mem, kinds, panels) {
  const { t } = ctx;
  const name = uid('kind');
  const row = h('div', { class: 'plc-kind-row' });
  for (const kind of kinds) {
    const id = uid('kind');
    const input = h('input', {
      type: 'radio', name, id, value: kind, checked: kind === mem.kind, 'data-field': 'evidence_kind',
      onchange: () => {
        mem.kind = kind;
        for (const [k, panel] of Object.entries(panels)) panel.hidden = k !== kind;
      },
    });
    row.appendChild(h('span', { class: 'plc-kind-choice' }, input, h('label', { for: id }, kindChoiceLabel(t, kind))));
  }
  return h('fieldset', { class: 'plc-kinds' }, h('legend', null, t('How will you hand in your work?')), row,
    h('p', { class: 'plc-hint' }, t('You can switch at any time; what you already added stays.')));
}

function kindControl(ctx, mem, kind, onUploaded) {
  if (kind === 'text') return textField(ctx, mem);
  if (kind === 'link') return linksField(ctx, mem);
  if (kind === 'file') return renderUploader(ctx, 'file', onUploaded);
  return renderRecorder(ctx, kind, onUploaded);
}

/** True when the way's guidance measures length in words (in the languages we ship). */
export function speaksOfWords(guidance) {
  return /\bwords?\b|palabras?|كلمة|كلمات/i.test(guidance || '');
}

export function countWords(text, lang) {
  const value = String(text || '').trim();
  if (!value) return 0;
  if (typeof Intl !== 'undefined' && Intl.Segmenter) {
    let count = 0;
    for (const part of new Intl.Segmenter(lang || undefined, { granularity: 'word' }).segment(value)) {
      if (part.isWordLike) count += 1;
    }
    return count;
  }
  return value.split(/\s+/).length;
}

function textField(ctx, mem) {
  const { t, lang } = ctx;
  const max = (ctx.state.limits && ctx.state.limits.text_max_chars) || DEFAULT_TEXT_MAX;
  const guidance = (ctx.state.me.option && ctx.state.me.option.guidance) || '';
  const words = speaksOfWords(guidance);
  const area = h('textarea', { rows: '8', maxlength: String(max), 'data-field': 'text', value: mem.text });
  const wordCounter = words ? h('p', { class: 'plc-counter plc-word-count', 'data-testid': 'word-count' }) : null;
  const charCounter = h('p', { class: 'plc-counter plc-char-count', 'data-testid': 'char-count' });
  const counter = h('div', { id: uid('count'), 'aria-live': 'off' }, wordCounter, charCounter);
  const update = () => {
    const length = area.value.length;
    if (wordCounter) wordCounter.textContent = t('Words: %(count)s', { count: countWords(area.value, lang).toLocaleString(lang) });
    // Where guidance speaks of words, characters matter only near the hard limit.
    charCounter.hidden = words && length < max * NEAR_LIMIT;
    charCounter.textContent = t('%(count)s of %(max)s characters', {
      count: length.toLocaleString(lang), max: max.toLocaleString(lang),
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
