// In-browser audio/video recording with MediaRecorder: record, preview, then upload with the
// same progress bar as files. When the browser cannot record, or the learner refuses the
// microphone/camera, the plain file upload below remains the way to hand in a recording.

import { h } from '../dom.js';
import { makeProgress, renderUploader, uploadWithProgress } from './uploader.js';

const TYPES = {
  audio: ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'],
  video: ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'],
};

export function canRecord() {
  return Boolean(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

function pickType(kind) {
  if (!window.MediaRecorder || !MediaRecorder.isTypeSupported) return '';
  return TYPES[kind].find((type) => MediaRecorder.isTypeSupported(type)) || '';
}

export function renderRecorder(ctx, kind, onUploaded) {
  const { t } = ctx;
  const wrap = h('div', { class: `plc-recorder plc-recorder-${kind}`, 'data-kind': kind });
  wrap.appendChild(h('h4', null, kind === 'audio' ? t('Record audio') : t('Record video')));
  const fallback = renderUploader(ctx, kind, onUploaded);
  if (!canRecord()) {
    wrap.append(h('p', { class: 'plc-hint' }, t('This browser cannot record here. Upload a recording you made another way.')), fallback);
    return wrap;
  }

  const start = h('button', { type: 'button', class: 'plc-button' }, t('Start recording'));
  const stop = h('button', { type: 'button', class: 'plc-button', hidden: true }, t('Stop recording'));
  const upload = h('button', { type: 'button', class: 'plc-button plc-primary', hidden: true }, t('Upload this recording'));
  const again = h('button', { type: 'button', class: 'plc-button', hidden: true }, t('Discard and record again'));
  const clock = h('p', { class: 'plc-hint plc-clock', hidden: true });
  const live = kind === 'video' ? h('video', { class: 'plc-live', muted: true, playsinline: true, hidden: true, 'aria-label': t('Camera preview') }) : null;
  const preview = h(kind, { controls: true, class: 'plc-preview', hidden: true, 'aria-label': t('Preview of your recording') });
  const progress = makeProgress(ctx);
  // Element.append would turn a missing `live` (audio has no camera preview) into the text "null".
  wrap.append(...[h('div', { class: 'plc-actions' }, start, stop, upload, again), clock, live, preview, progress.el].filter(Boolean));
  wrap.append(h('p', { class: 'plc-hint' }, t('Or, if you prefer:')), fallback);

  let recorder = null;
  let stream = null;
  let chunks = [];
  let blob = null;
  let timer = null;
  let startedAt = 0;

  const show = (el, visible) => { if (el) el.hidden = !visible; };
  const release = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    clearInterval(timer);
    if (live) { live.srcObject = null; show(live, false); }
  };

  start.addEventListener('click', async () => {
    ctx.clearError();
    try {
      stream = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: true } : { audio: true, video: true });
    } catch (err) {
      ctx.showError({ error: 'media', message: t('The microphone or camera is not available, or permission was denied. You can upload a file instead.') }, wrap, start);
      return;
    }
    const type = pickType(kind);
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    chunks = [];
    recorder.addEventListener('dataavailable', (event) => { if (event.data && event.data.size) chunks.push(event.data); });
    recorder.addEventListener('stop', () => {
      blob = new Blob(chunks, { type: (recorder.mimeType || type || `${kind}/webm`).split(';')[0] });
      release();
      preview.src = URL.createObjectURL(blob);
      [preview, upload, again].forEach((el) => show(el, true));
      show(stop, false);
      show(clock, false);
      upload.focus();
      ctx.announce(t('Recording stopped. Listen to it, then upload it or record again.'));
    });
    if (live) { live.srcObject = stream; show(live, true); live.play().catch(() => {}); }
    recorder.start(1000);
    startedAt = Date.now();
    clock.textContent = t('Recording: %(seconds)s seconds', { seconds: 0 });
    timer = setInterval(() => {
      clock.textContent = t('Recording: %(seconds)s seconds', { seconds: Math.round((Date.now() - startedAt) / 1000) });
    }, 1000);
    [start, preview, upload, again].forEach((el) => show(el, false));
    [stop, clock].forEach((el) => show(el, true));
    stop.focus();
    ctx.announce(t('Recording started.'));
  });

  stop.addEventListener('click', () => {
    if (recorder && recorder.state !== 'inactive') recorder.stop();
  });

  again.addEventListener('click', () => {
    blob = null;
    preview.removeAttribute('src');
    [preview, upload, again].forEach((el) => show(el, false));
    show(start, true);
    start.focus();
  });

  upload.addEventListener('click', async () => {
    if (!blob) return;
    const ext = blob.type.includes('mp4') ? 'mp4' : blob.type.includes('ogg') ? 'ogg' : 'webm';
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = new File([blob], `${kind}-recording-${stamp}.${ext}`, { type: blob.type });
    const view = await uploadWithProgress(ctx, file, kind, progress, upload);
    if (view) {
      [preview, upload, again].forEach((el) => show(el, false));
      show(start, true);
      onUploaded(view);
      start.focus();
    }
  });
  return wrap;
}
