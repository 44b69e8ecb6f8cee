// What staff can do with the activity itself, above the queue: "View as a learner" (both homes)
// and, where the home lets staff edit from the course (LTI), "Edit this activity".
//
// The preview stores nothing: its transport sends every learner action as the staff-only
// `view_as_learner` command with the list of steps taken so far; the server replays them in a
// throwaway in-memory store (core/preview.py) and answers the learner view. Uploads are refused
// here, before any byte leaves the browser.

import { clear, h } from '../dom.js';
import { renderEditor } from './editor.js';

const READS = new Set(['state', 'log']);

export function makePreviewTransport(real, t) {
  const steps = [];
  return {
    preview: true,
    real,
    async call(command, payload) {
      const step = { command, payload: payload || {} };
      const view = await real.call('view_as_learner', { steps: [...steps, step] });
      if (!READS.has(command)) steps.push(step);
      return view;
    },
    upload() {
      return Promise.reject({ error: 'preview', message: t('Files are not kept in a preview. Try every other step, or upload as a real learner.') });
    },
    fileUrl() { return ''; },
    exportUrl() { return real.exportUrl(); },
  };
}

/** The toolbar of the staff view. */
export function renderStaffTools(ctx) {
  const { t } = ctx;
  const bar = h('div', { class: 'plc-actions plc-staff-tools' });
  const preview = h('button', { type: 'button', class: 'plc-button', 'data-testid': 'view-as-learner' }, t('View as a learner'));
  preview.addEventListener('click', () => startPreview(ctx, preview));
  bar.appendChild(preview);
  if (ctx.options.canEdit) {
    const edit = h('button', { type: 'button', class: 'plc-button', 'data-testid': 'edit-activity', 'data-near': 'edit-activity' }, t('Edit this activity'));
    edit.addEventListener('click', () => openEditor(ctx, edit));
    bar.appendChild(edit);
  }
  return bar;
}

async function startPreview(ctx, button) {
  const real = ctx.transport;
  ctx.transport = makePreviewTransport(real, ctx.t);
  const view = await ctx.run(button, () => ctx.transport.call('state', {}), { focus: 'top' });
  if (!view) ctx.transport = real;
}

/** The banner above a preview (app.js draws it when the state view says `preview`). */
export function renderPreviewBanner(ctx) {
  const { t } = ctx;
  const back = h('button', { type: 'button', class: 'plc-button plc-primary' }, t('Back to the staff view'));
  back.addEventListener('click', async () => {
    if (ctx.transport.real) ctx.transport = ctx.transport.real;
    await ctx.run(back, () => ctx.transport.call('state', {}), { focus: 'top' });
  });
  return h('div', { class: 'plc-notice plc-preview-banner', role: 'region', 'aria-label': t('Preview') },
    h('p', null, h('strong', null, t('Preview:')), ' ',
      t('this is what a learner who has not started sees. Try every step: nothing you do here is saved, graded or shown to anyone.')),
    back);
}

async function openEditor(ctx, button) {
  const result = await ctx.run(button, () => ctx.transport.call('definition', {}));
  if (!result || !result.definition) return;
  const staffState = ctx.state;
  clear(ctx.body);
  const editorCtx = Object.create(ctx);
  editorCtx.options = {
    ...ctx.options, kind: result.definition.kind, isNew: false, example: null, saveCommand: 'definition',
    display_name: undefined, weight: undefined,
    onSaved: async () => {
      // The confirmation sits by "Edit this activity", where the author started (inline.js).
      await ctx.run(null, () => ctx.transport.call('state', {}), { focus: 'top', near: 'edit-activity', message: ctx.t('Saved. Learners see the new version now; their work stays attached.') });
    },
    onCancel: () => ctx.setState(staffState, { focus: 'top' }),
  };
  renderEditor(editorCtx, ctx.body, result.definition);
  ctx.focus('top');
}
