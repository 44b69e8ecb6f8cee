// The authoring model: a definition dict (as in core/activity.py) turned into something the
// form can edit (prompts split by phase, due date in local time), back again, and checked
// on the client with the same rules the server applies. The server stays the authority:
// its `problems` are shown the same way.

const ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const KINDS = ['text', 'link', 'file', 'audio', 'video'];

export function toModel(definition) {
  const d = definition || {};
  const prompts = Array.isArray(d.prompts) ? d.prompts : [];
  const policies = d.policies || {};
  return {
    kind: d.kind === 'reflection' ? 'reflection' : 'choice',
    title: d.title || '',
    objective: d.objective || '',
    criteria: (d.criteria || []).map((c) => ({ id: c.id || '', title: c.title || '', description: c.description || '' })),
    options: (d.options || []).map((o) => ({
      id: o.id || '', title: o.title || '', guidance: o.guidance || '',
      evidence_kinds: [...(o.evidence_kinds || ['text'])], exemplar: o.exemplar || '', time_estimate: o.time_estimate || '',
    })),
    allow_proposals: Boolean(d.allow_proposals),
    before: prompts.filter((p) => p.phase === 'before').map((p) => ({ id: p.id || '', text: p.text || '' })),
    after: prompts.filter((p) => p.phase === 'after').map((p) => ({ id: p.id || '', text: p.text || '' })),
    policies: {
      allow_change_until_submit: policies.allow_change_until_submit !== false,
      max_revisions: policies.max_revisions ?? 3,
      due: toLocalInput(policies.due),
      self_assessment: policies.self_assessment || 'required',
      points: policies.points ?? 10,
    },
  };
}

export function toDefinition(model) {
  const prompts = [
    ...model.before.map((p) => ({ ...p, phase: 'before' })),
    ...model.after.map((p) => ({ ...p, phase: 'after' })),
  ];
  const base = { kind: model.kind, title: model.title, prompts };
  if (model.kind === 'reflection') return base;
  return {
    ...base,
    objective: model.objective,
    criteria: model.criteria.map((c) => ({ ...c })),
    options: model.options.map((o) => ({ ...o, evidence_kinds: [...o.evidence_kinds] })),
    allow_proposals: model.allow_proposals,
    policies: {
      allow_change_until_submit: model.policies.allow_change_until_submit,
      max_revisions: toInt(model.policies.max_revisions),
      due: model.policies.due ? new Date(model.policies.due).toISOString() : null,
      self_assessment: model.policies.self_assessment,
      points: toNumber(model.policies.points),
    },
  };
}

function toInt(value) {
  const n = Number(value);
  return Number.isInteger(n) ? n : value;
}

function toNumber(value) {
  const n = Number(value);
  return value === '' || Number.isNaN(n) ? value : n;
}

/** ISO 8601 -> the "YYYY-MM-DDTHH:MM" a datetime-local input shows, in the author's time zone. */
export function toLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A new criterion, option or prompt: no id yet (assignIds gives it one when the author saves). */
export function blankCriterion() { return { id: '', title: '', description: '' }; }
export function blankOption() { return { id: '', title: '', guidance: '', evidence_kinds: ['text'], exemplar: '', time_estimate: '' }; }
export function blankPrompt() { return { id: '', text: '' }; }

/** What a brand-new activity starts with: empty fields where an author must write something. */
export function seedBlank(model) {
  if (model.kind === 'choice') {
    if (!model.criteria.length) model.criteria.push(blankCriterion());
    while (model.options.length < 2) model.options.push(blankOption());
  } else if (!model.before.length && !model.after.length) {
    model.before.push(blankPrompt());
  }
  return model;
}

/** "Accurate science!" -> "accurate-science"; letters outside a-z (Arabic, Greek...) give "". */
export function slug(text) {
  return String(text || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32).replace(/-+$/, '');
}

/**
 * Give every item without an id a stable one: a slug of its title (or the prefix), made unique
 * with a suffix. Existing ids never change: records, exports and review ratings refer to them.
 * Authors never see ids; they are assigned once, when the author saves.
 */
export function assignIds(model) {
  const fill = (items, prefix, used) => {
    for (const item of items) if (item.id) used.add(item.id);
    for (const item of items) {
      if (item.id) continue;
      const base = slug(item.title || item.text) || prefix;
      let id = base;
      for (let n = 2; used.has(id); n += 1) id = `${base}-${n}`;
      item.id = id;
      used.add(id);
    }
  };
  fill(model.criteria, 'criterion', new Set());
  fill(model.options, 'option', new Set(['proposal']));
  fill([...model.before, ...model.after], 'prompt', new Set());
  return model;
}

/** Client-side problems in the server's shape: [{field, message}]; each message says what to fill. */
export function checkModel(t, model) {
  const problems = [];
  const need = (value, field, message) => { if (!String(value || '').trim()) problems.push({ field, message }); };
  const ids = (items, prefix) => {
    const seen = new Set();
    items.forEach((item, i) => {
      if (!ID.test(item.id)) problems.push({ field: `${prefix}[${i}].id`, message: t("Use 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit.") });
      else if (seen.has(item.id)) problems.push({ field: `${prefix}[${i}].id`, message: t('The id %(id)s is used twice.', { id: item.id }) });
      seen.add(item.id);
    });
  };
  need(model.title, 'title', t('Give the activity a title.'));
  const definition = toDefinition(model);
  ids(definition.prompts, 'prompts');
  definition.prompts.forEach((p, i) => need(p.text, `prompts[${i}].text`, t('Write the question, or remove this prompt.')));
  if (model.kind === 'reflection') {
    if (!definition.prompts.length) problems.push({ field: 'prompts', message: t('Add at least one reflection prompt.') });
    return problems;
  }
  need(model.objective, 'objective', t('Write the learning goal: what learners should be able to show.'));
  if (!model.criteria.length) problems.push({ field: 'criteria', message: t('Add at least one success criterion.') });
  ids(model.criteria, 'criteria');
  model.criteria.forEach((c, i) => need(c.title, `criteria[${i}].title`, t('Name this success criterion.')));
  if (model.options.length < 2 || model.options.length > 5) {
    problems.push({ field: 'options', message: t('Offer between %(min)d and %(max)d ways to show it.', { min: 2, max: 5 }) });
  }
  ids(model.options, 'options');
  model.options.forEach((o, i) => {
    need(o.title, `options[${i}].title`, t('Give this way of showing it a title.'));
    if (!o.evidence_kinds.length) problems.push({ field: `options[${i}].evidence_kinds`, message: t('Choose at least one kind of evidence.') });
  });
  const max = Number(model.policies.max_revisions);
  if (!Number.isInteger(max) || max < 0 || max > 20) problems.push({ field: 'policies.max_revisions', message: t('Use a whole number from 0 to 20.') });
  const points = Number(model.policies.points);
  if (!(points > 0 && points <= 1000)) problems.push({ field: 'policies.points', message: t('Points must be a number above 0 and at most 1000.') });
  return problems;
}
