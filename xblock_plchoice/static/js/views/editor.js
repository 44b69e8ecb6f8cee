// The authoring form, shared by Studio (studio_view), the LTI deep-linking page, a link set up in
// place and the instructor's "Edit this activity": objective, criteria, 2-5 options, proposals,
// prompts by phase and policies, with a live preview. Client checks catch the obvious; the
// server's `problems` appear next to the same fields, and the summary at the top links to each.
// Contract (docs/ARCHITECTURE.md): options {definition, kind, isNew, example, saveCommand,
// display_name, weight, onSaved, onCancel}; the save payload is {definition[, display_name, weight]}.

import { clear, field, formatDate, h, section } from '../dom.js';
import { kindLabel } from '../labels.js';
import { assignIds, blankCriterion, blankOption, blankPrompt, checkModel, KINDS, seedBlank, toDefinition, toModel } from './editor_model.js';
import { renderPreview } from './editor_preview.js';
import { renderRows } from './editor_rows.js';
import { rubricGuard } from './rubric_warning.js';

export function renderEditor(ctx, body, definition, { isNew = Boolean(ctx.options.isNew) } = {}) {
  const { t } = ctx;
  const model = toModel({ kind: ctx.options.kind, ...definition });
  if (isNew) seedBlank(model);
  // One name: the block's display name (course outline) is the activity's title.
  if (!model.title && ctx.options.display_name) model.title = ctx.options.display_name;
  const block = { display_name: ctx.options.display_name, weight: ctx.options.weight };
  const form = h('form', { class: 'plc-form plc-editor', novalidate: true });
  const preview = renderPreview(ctx, model);
  const guard = rubricGuard(ctx, model); // issue 9: warn before a criteria edit once attempts exist
  const changed = () => preview.update();
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);

  const text = (obj, key, path, { multiline = false, max = 2000, rows = '3' } = {}) => {
    const el = multiline
      ? h('textarea', { rows, maxlength: String(max), 'data-field': path, value: obj[key] })
      : h('input', { type: 'text', maxlength: String(max), 'data-field': path, value: obj[key] });
    el.addEventListener('input', () => { obj[key] = el.value; });
    return el;
  };

  body.appendChild(h('h2', { class: 'plc-title', tabindex: '-1', 'data-focus': 'top' },
    model.kind === 'choice' ? t('Edit the choice activity') : t('Edit the reflection activity')));
  if (isNew && ctx.options.example) {
    const useExample = h('button', { type: 'button', class: 'plc-button' }, t('Start from an example'));
    useExample.addEventListener('click', () => {
      clear(body);
      renderEditor(ctx, body, { ...ctx.options.example, kind: model.kind }, { isNew: false });
      ctx.focus('top');
      ctx.announce(t('The example is filled in. Change anything before you save.'));
    });
    body.appendChild(h('div', { class: 'plc-notice plc-example-offer' },
      h('p', null, t('This activity is new and empty. Fill in the fields below, or start from a worked example (photosynthesis) and change it.')),
      useExample));
  }
  const basics = section(ctx, 'edit-basics', t('Basics'));
  const titleHint = block.display_name !== undefined ? t('Learners see it above the activity and in the course outline.') : null;
  basics.appendChild(field(t('Title'), text(model, 'title', 'title', { max: 200 }), titleHint));
  if (model.kind === 'choice') {
    basics.appendChild(field(t('Learning goal (objective)'), text(model, 'objective', 'objective', { multiline: true }),
      t('What learners should be able to show, whichever way they choose.')));
  }
  form.appendChild(basics);

  if (model.kind === 'choice') {
    const criteria = section(ctx, 'edit-criteria', t('Success criteria'));
    criteria.appendChild(h('p', { class: 'plc-hint', 'data-field': 'criteria', tabindex: '-1' }, t('A single-point rubric: learners and reviewers rate each criterion as not yet, meets or exceeds.')));
    criteria.appendChild(renderRows(ctx, {
      items: model.criteria, min: 1, max: 12, addLabel: t('Add a criterion'), onChange: changed,
      title: (i) => t('Criterion %(number)s', { number: i + 1 }),
      make: blankCriterion,
      fields: (c, i) => [
        field(t('Criterion title'), text(c, 'title', `criteria[${i}].title`, { max: 200 })),
        field(t('Description'), text(c, 'description', `criteria[${i}].description`, { multiline: true, rows: '2' })),
      ],
    }));
    form.appendChild(criteria);

    const options = section(ctx, 'edit-options', t('Ways to show it (2 to 5 options)'));
    options.appendChild(h('p', { class: 'plc-hint', 'data-field': 'options', tabindex: '-1' }, t('Each option is one way a learner can show the goal.')));
    options.appendChild(renderRows(ctx, {
      items: model.options, min: 2, max: 5, addLabel: t('Add an option'), onChange: changed,
      title: (i) => t('Option %(number)s', { number: i + 1 }),
      make: blankOption,
      fields: (o, i) => [
        field(t('Option title'), text(o, 'title', `options[${i}].title`, { max: 200 })),
        field(t('Guidance: what good evidence looks like here'), text(o, 'guidance', `options[${i}].guidance`, { multiline: true, max: 4000 })),
        kindsFieldset(ctx, o, i),
        field(t('Exemplar (optional)'), text(o, 'exemplar', `options[${i}].exemplar`, { multiline: true, max: 4000, rows: '2' })),
        field(t('Time estimate (optional)'), text(o, 'time_estimate', `options[${i}].time_estimate`, { max: 60 }), t('For example: 45 min')),
      ],
    }));
    const proposals = h('input', { type: 'checkbox', id: ctx.uid('allow'), checked: model.allow_proposals, 'data-field': 'allow_proposals' });
    proposals.addEventListener('change', () => { model.allow_proposals = proposals.checked; });
    options.appendChild(h('div', { class: 'plc-check' }, proposals, h('label', { for: proposals.id }, t('Let learners propose their own way (staff approve each proposal)'))));
    form.appendChild(options);
  }

  const prompts = section(ctx, 'edit-prompts', t('Reflection prompts'));
  prompts.appendChild(h('p', { class: 'plc-hint', 'data-field': 'prompts', tabindex: '-1' }, t('Questions learners answer before they start (forethought) and after they finish (self-reflection).')));
  const promptLists = {};
  const redrawPrompts = () => { changed(); Object.values(promptLists).forEach((l) => l.redraw()); };
  for (const phase of ['before', 'after']) {
    const offset = () => (phase === 'before' ? 0 : model.before.length);
    prompts.appendChild(h('h4', null, phase === 'before' ? t('Before: forethought') : t('After: self-reflection')));
    promptLists[phase] = renderRows(ctx, {
      items: model[phase], min: 0, max: 10, onChange: redrawPrompts,
      addLabel: phase === 'before' ? t('Add a before prompt') : t('Add an after prompt'),
      title: (i) => (phase === 'before' ? t('Before prompt %(number)s', { number: i + 1 }) : t('After prompt %(number)s', { number: i + 1 })),
      make: blankPrompt,
      fields: (p, i) => [
        field(t('Prompt'), text(p, 'text', `prompts[${offset() + i}].text`, { multiline: true, max: 1000, rows: '2' })),
      ],
    });
    prompts.appendChild(promptLists[phase]);
  }
  form.appendChild(prompts);
  if (model.kind === 'choice') form.appendChild(policiesSection(ctx, model, block));

  const save = h('button', { type: 'submit', class: 'plc-button plc-primary' }, t('Save'));
  const cancel = h('button', { type: 'button', class: 'plc-button' }, t('Cancel'));
  form.appendChild(h('div', { class: 'plc-actions plc-editor-actions' }, save, cancel));
  cancel.addEventListener('click', () => { if (ctx.options.onCancel) ctx.options.onCancel(); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    ctx.clearError();
    assignIds(model);
    const problems = checkModel(t, model);
    if (problems.length) {
      const message = problems.length === 1 ? t('One field needs attention before you can save:')
        : t('%(count)s fields need attention before you can save:', { count: problems.length });
      ctx.showError({ error: 'invalid', message, problems }, form, null, { linkAll: true });
      return;
    }
    if (guard.stops(form, save)) return;
    const command = ctx.options.saveCommand || 'studio_submit';
    const payload = { definition: toDefinition(model) };
    if (block.display_name !== undefined) payload.display_name = model.title.trim();
    if (block.weight !== undefined && block.weight !== null) payload.weight = block.weight;
    const result = await ctx.run(save, () => ctx.transport.call(command, payload), {
      scope: form, message: t('Saved.'), linkAll: true,
    });
    if (result && ctx.options.onSaved) ctx.options.onSaved(result);
  });
  body.appendChild(h('div', { class: 'plc-editor-layout' }, form, preview));
  return { model, form };
}

function kindsFieldset(ctx, option, index) {
  const { t } = ctx;
  const fieldset = h('fieldset', { class: 'plc-kinds' }, h('legend', null, t('Evidence learners can give')));
  KINDS.forEach((kind, k) => {
    const box = h('input', {
      type: 'checkbox', id: ctx.uid('kind'), value: kind, checked: option.evidence_kinds.includes(kind),
      'data-field': k === 0 ? `options[${index}].evidence_kinds` : null,
    });
    box.addEventListener('change', () => {
      option.evidence_kinds = KINDS.filter((x) => (x === kind ? box.checked : option.evidence_kinds.includes(x)));
    });
    fieldset.appendChild(h('span', { class: 'plc-check' }, box, h('label', { for: box.id }, kindLabel(t, kind))));
  });
  return fieldset;
}

function policiesSection(ctx, model, block) {
  const { t } = ctx;
  const p = model.policies;
  const sec = section(ctx, 'edit-policies', t('Policies'));
  const change = h('input', { type: 'checkbox', id: ctx.uid('chg'), checked: p.allow_change_until_submit, 'data-field': 'policies.allow_change_until_submit' });
  change.addEventListener('change', () => { p.allow_change_until_submit = change.checked; });
  const revisions = h('input', { type: 'number', min: '0', max: '20', step: '1', value: String(p.max_revisions), 'data-field': 'policies.max_revisions' });
  revisions.addEventListener('input', () => { p.max_revisions = revisions.value; });
  const due = h('input', { type: 'datetime-local', value: p.due, 'data-field': 'policies.due' });
  due.addEventListener('input', () => { p.due = due.value; });
  const selfAssess = h('select', { 'data-field': 'policies.self_assessment' },
    h('option', { value: 'required', selected: p.self_assessment === 'required' }, t('Required before submitting')),
    h('option', { value: 'optional', selected: p.self_assessment === 'optional' }, t('Optional')));
  selfAssess.addEventListener('change', () => { p.self_assessment = selfAssess.value; });
  const points = h('input', { type: 'number', min: '1', max: '1000', step: 'any', value: String(p.points), 'data-field': 'policies.points' });
  points.addEventListener('input', () => { p.points = points.value; });
  sec.append(
    h('div', { class: 'plc-check' }, change, h('label', { for: change.id }, t('Learners may change their choice until they first submit'))),
    field(t('Revisions allowed after the first attempt'), revisions),
    field(t('Due date (optional)'), due, ctx.options.platform_due
      ? t('In your local time. The subsection is due %(date)s (grace period included); if you set a date here too, the earlier of the two applies.', { date: formatDate(ctx.options.platform_due, ctx.lang) })
      : t('In your local time. Leave empty for no due date.')),
    field(t('Self-assessment'), selfAssess),
    field(t('Points'), points));
  if (block.weight !== undefined && block.weight !== null) {
    const weight = h('input', { type: 'number', min: '0', step: 'any', value: String(block.weight), 'data-field': 'weight' });
    weight.addEventListener('input', () => { block.weight = weight.value === '' ? null : Number(weight.value); });
    sec.appendChild(field(t('Weight in the course grade'), weight));
  }
  return sec;
}
