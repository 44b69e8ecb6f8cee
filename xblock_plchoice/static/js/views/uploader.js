// A plain file upload with a real <progress> bar. Also the fallback for recordings when the
// browser cannot record (no MediaRecorder, no microphone, permission denied).

import { field, h, uid } from '../dom.js';

const ACCEPT = { audio: 'audio/*', video: 'video/*', file: '' };

export function renderUploader(ctx, kind, onUploaded) {
  const { t } = ctx;
  const labels = {
    file: t('Upload a file'),
    audio: t('Upload an audio file'),
    video: t('Upload a video file'),
  };
  const input = h('input', { type: 'file', accept: ACCEPT[kind] || null, 'data-field': `upload-${kind}` });
  const wrap = h('div', { class: `plc-uploader plc-uploader-${kind}` }, field(labels[kind] || labels.file, input));
  const progress = makeProgress(ctx);
  wrap.appendChild(progress.el);
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const view = await uploadWithProgress(ctx, file, kind, progress, input);
    input.value = '';
    if (view) onUploaded(view);
  });
  return wrap;
}

/** A labelled progress bar plus a text figure, hidden when idle. */
export function makeProgress(ctx) {
  const { t, lang } = ctx;
  const pct = (fraction) => fraction.toLocaleString(lang || undefined, { style: 'percent' });
  const id = uid('progress');
  const bar = h('progress', { id, max: '100', value: '0' });
  const text = h('span', { class: 'plc-progress-text' });
  const el = h('div', { class: 'plc-progress', hidden: true },
    h('label', { for: id }, t('Upload progress')), bar, text);
  return {
    el,
    start() {
      el.hidden = false;
      bar.value = 0;
      text.textContent = pct(0);
    },
    set(fraction) {
      const clamped = Math.max(0, Math.min(1, fraction));
      bar.value = Math.round(clamped * 100);
      text.textContent = pct(clamped);
    },
    done() {
      bar.value = 100;
      text.textContent = t('Upload complete.');
    },
    fail() {
      el.hidden = true;
    },
  };
}

/** Upload `file` through the transport; returns the file view, or null after showing the error. */
export async function uploadWithProgress(ctx, file, kind, progress, control) {
  const { t } = ctx;
  ctx.clearError();
  progress.start();
  if (control) control.disabled = true;
  ctx.announce(t('Uploading %(name)s…', { name: file.name }));
  try {
    const view = await ctx.transport.upload(file, kind, (fraction) => progress.set(fraction));
    progress.done();
    return view;
  } catch (err) {
    progress.fail();
    ctx.showError(err, null, control);
    return null;
  } finally {
    if (control) control.disabled = false;
  }
}
