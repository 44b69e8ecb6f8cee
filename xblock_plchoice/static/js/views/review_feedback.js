// What issue 9 adds to the review form: a comment box beside each criterion's rating (with
// the comment bank's saved comments to insert, and one click to save a new one), audio or video
// feedback recorded with the learners' recorder or uploaded, and a refused review (409) that
// keeps everything typed and says why next to the Save button. The form's typing is also kept
// in ctx.memory per attempt, so replying in the thread or claiming the item never loses it.

import { addDescribedBy, clear, field, fileLink, formatBytes, h, uid } from '../dom.js';
import { addToBank, commentsFor, loadBank, onBankChange } from './comment_bank.js';
import { renderRecorder } from './recorder.js';

const COMMENT_MAX = 5000;

function draftFor(ctx, item, attempt) {
  const drafts = ctx.memory.reviewDrafts || (ctx.memory.reviewDrafts = {});
  const key = `${item.learner_id}:${attempt.number}`;
  if (!drafts[key]) drafts[key] = { comments: {}, media: [], ratings: {}, feedback: '', decision: '' };
  return { draft: drafts[key], forget: () => { delete drafts[key]; } };
}

/**
 * Add comments, media and conflict handling to the review form built by review_panel.js.
 * Returns {payload() -> extra review fields, send(call) -> call's promise (409 shown by the button), done()}.
 */
export function enhanceReviewForm(ctx, form, item, attempt, button) {
  const { t } = ctx;
  const { draft, forget } = draftFor(ctx, item, attempt);
  const boxes = {};
  for (const fieldset of form.querySelectorAll('fieldset[data-criterion]')) {
    const criterionId = fieldset.getAttribute('data-criterion');
    const title = fieldset.querySelector('legend').textContent;
    const area = h('textarea', {
      rows: '2', maxlength: String(COMMENT_MAX), 'data-field': `comments.${criterionId}`,
      value: draft.comments[criterionId] || '',
      oninput: () => { draft.comments[criterionId] = area.value; },
    });
    boxes[criterionId] = area;
    fieldset.appendChild(h('div', { class: 'plc-criterion-comment' },
      field(t('Comment on %(criterion)s (optional)', { criterion: title }), area),
      bankTools(ctx, form, criterionId, title, area, draft)));
  }
  const feedbackField = form.querySelector('[data-field="feedback"]');
  const media = mediaFeedback(ctx, draft);
  feedbackField.closest('.plc-field').after(media);
  restoreChoices(form, draft);
  form.addEventListener('change', () => saveChoices(form, draft));
  feedbackField.addEventListener('input', () => { draft.feedback = feedbackField.value; });

  // Not a live region: the alert region above already announces the same refusal.
  const note = h('p', { class: 'plc-conflict', id: uid('conflict') });
  button.after(note);
  addDescribedBy(button, note.id);
  return {
    payload() {
      const comments = {};
      for (const [id, area] of Object.entries(boxes)) if (area.value.trim()) comments[id] = area.value;
      return { comments, media_file_ids: draft.media.map((f) => f.file_id) };
    },
    async send(call) {
      note.textContent = '';
      try {
        return await call();
      } catch (err) {
        if (err && err.status === 409) note.textContent = conflictText(t, err);
        throw err;
      }
    },
    done() {
      forget();
    },
  };
}

/** The 409's cause in plain words, then the reassurance that nothing typed was lost. */
function conflictText(t, err) {
  let cause = err.message || '';
  if (!cause && err.reason === 'claimed') cause = t('Another grader has claimed this learner.');
  if (!cause && err.reason === 'reviewed') cause = t('This attempt was reviewed in the meantime.');
  return `${cause} ${t('Your review was not saved; everything you wrote is still in this form.')}`.trim();
}

function saveChoices(form, draft) {
  for (const fs of form.querySelectorAll('fieldset[data-criterion]')) {
    const checked = fs.querySelector('input[type="radio"]:checked');
    if (checked) draft.ratings[fs.getAttribute('data-criterion')] = checked.value;
  }
  const decision = form.querySelector('input[data-field="decision"]:checked');
  draft.decision = decision ? decision.value : '';
}

function restoreChoices(form, draft) {
  for (const fs of form.querySelectorAll('fieldset[data-criterion]')) {
    const level = draft.ratings[fs.getAttribute('data-criterion')];
    const input = level ? fs.querySelector(`input[type="radio"][value="${level}"]`) : null;
    if (input) input.checked = true;
  }
  const decision = draft.decision ? form.querySelector(`input[data-field="decision"][value="${draft.decision}"]`) : null;
  if (decision) decision.checked = true;
  const feedback = form.querySelector('[data-field="feedback"]');
  if (draft.feedback && !feedback.value) feedback.value = draft.feedback;
}

/** "Saved comments" for this criterion with Insert, and Save to the comment bank. */
function bankTools(ctx, form, criterionId, title, area, draft) {
  const { t } = ctx;
  const select = h('select', { 'data-field': `bank.${criterionId}`, disabled: true },
    h('option', { value: '' }, t('Loading saved comments…')));
  const insert = h('button', {
    type: 'button', class: 'plc-button plc-small', disabled: true,
    'aria-label': t('Insert the saved comment into the comment on %(criterion)s', { criterion: title }),
  }, t('Insert'));
  const save = h('button', {
    type: 'button', class: 'plc-button plc-small',
    'aria-label': t('Save the comment on %(criterion)s to the comment bank', { criterion: title }),
  }, t('Save to comment bank'));
  const tools = h('div', { class: 'plc-bank-tools' },
    field(t('Saved comments for %(criterion)s', { criterion: title }), select), insert, save);
  const fill = (items) => {
    const offered = commentsFor(items, criterionId);
    clear(select).appendChild(h('option', { value: '' }, offered.length ? t('Choose a saved comment') : t('No saved comments yet.')));
    for (const c of offered) select.appendChild(h('option', { value: c.id }, c.text.length > 90 ? `${c.text.slice(0, 89)}…` : c.text));
    select.disabled = !offered.length;
    insert.disabled = !offered.length;
    select.offered = offered;
  };
  onBankChange(ctx, tools, fill);
  loadBank(ctx).then(fill).catch(() => {
    clear(select).appendChild(h('option', { value: '' }, t('Saved comments could not be loaded.')));
  });
  insert.addEventListener('click', () => {
    const chosen = (select.offered || []).find((c) => c.id === select.value);
    if (!chosen) {
      select.focus();
      return;
    }
    area.value = area.value.trim() ? `${area.value.trimEnd()}\n${chosen.text}` : chosen.text;
    draft.comments[criterionId] = area.value;
    area.focus();
    ctx.announce(t('Saved comment inserted.'));
  });
  save.addEventListener('click', async () => {
    const text = area.value.trim();
    if (!text) {
      ctx.showError({ error: 'invalid', message: t('Write a comment first, then save it to the bank.'),
        problems: [{ field: `comments.${criterionId}`, message: t('Write a comment first, then save it to the bank.') }] }, form);
      return;
    }
    const items = await ctx.run(save, () => addToBank(ctx, criterionId, text));
    if (items) ctx.announce(t('Saved to the comment bank.'));
  });
  return tools;
}

/** Audio or video feedback: recorded here (the learners' recorder) or uploaded, listed with players. */
function mediaFeedback(ctx, draft) {
  const { t, lang } = ctx;
  const list = h('ul', { class: 'plc-files', 'aria-label': t('Feedback recordings') });
  const box = h('fieldset', { class: 'plc-media-feedback', 'data-testid': 'media-feedback' },
    h('legend', null, t('Audio or video feedback (optional)')), list);
  const draw = () => {
    clear(list);
    draft.media.forEach((file, index) => {
      const url = file.url || ctx.transport.fileUrl(file.file_id);
      const kind = (file.mime || '').split('/')[0];
      const remove = h('button', {
        type: 'button', class: 'plc-button plc-small', 'aria-label': t('Remove %(name)s', { name: file.name }),
        onclick: () => {
          draft.media.splice(index, 1);
          draw();
          ctx.announce(t('%(name)s removed from this review.', { name: file.name }));
          box.querySelector('button').focus();
        },
      }, t('Remove'));
      list.appendChild(h('li', null,
        kind === 'audio' || kind === 'video' ? h(kind, { controls: true, preload: 'none', src: url, 'aria-label': file.name }) : null,
        fileLink(url, file.name), ` (${formatBytes(file.size, lang)}) `, remove));
    });
    list.hidden = !draft.media.length;
  };
  const onUploaded = (view) => {
    draft.media.push(view);
    draw();
    ctx.announce(t('%(name)s attached. Save the review to send it to the learner.', { name: view.name }));
  };
  // The learners' recorder, uploading as feedback (kind feedback_audio / feedback_video), not as evidence.
  const staffCtx = { ...ctx, transport: { ...ctx.transport, upload: (file, kind, progress) => ctx.transport.upload(file, `feedback_${kind}`, progress) } };
  box.append(renderRecorder(staffCtx, 'audio', onUploaded),
    h('details', { class: 'plc-media-video' }, h('summary', null, t('Video feedback')), renderRecorder(staffCtx, 'video', onUploaded)));
  draw();
  return box;
}
