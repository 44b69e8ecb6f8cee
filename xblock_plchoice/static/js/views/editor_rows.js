// An editable list of rows (criteria, options, prompts) for the authoring form. Every row has
// Move up / Move down / Remove buttons, so reordering needs no drag and drop and works from
// the keyboard; focus follows the moved row so the author keeps their place.

import { h } from '../dom.js';

/**
 * spec: {items (mutated in place), title(i) -> row heading, fields(item, i) -> nodes,
 *        make() -> new item, min, max, addLabel, onChange()}
 */
export function renderRows(ctx, spec) {
  const { t } = ctx;
  const list = h('ol', { class: 'plc-rows plc-edit-rows' });
  const add = h('button', { type: 'button', class: 'plc-button plc-small' }, spec.addLabel);
  const wrap = h('div', { class: 'plc-row-list' }, list, add);

  const draw = (focus) => {
    list.replaceChildren();
    spec.items.forEach((item, index) => {
      const title = spec.title(index);
      const up = h('button', { type: 'button', class: 'plc-button plc-small', disabled: index === 0, 'aria-label': t('Move up: %(item)s', { item: title }) }, t('Move up'));
      const down = h('button', { type: 'button', class: 'plc-button plc-small', disabled: index === spec.items.length - 1, 'aria-label': t('Move down: %(item)s', { item: title }) }, t('Move down'));
      const remove = h('button', { type: 'button', class: 'plc-button plc-small plc-danger', disabled: spec.items.length <= spec.min, 'aria-label': t('Remove: %(item)s', { item: title }) }, t('Remove'));
      up.addEventListener('click', () => move(index, index - 1, 'up'));
      down.addEventListener('click', () => move(index, index + 1, 'down'));
      remove.addEventListener('click', () => {
        spec.items.splice(index, 1);
        changed();
        draw({ index: Math.min(index, spec.items.length - 1), which: 'first' });
        ctx.announce(t('%(item)s removed.', { item: title }));
      });
      const fieldset = h('fieldset', { class: 'plc-edit-row' }, h('legend', null, title), spec.fields(item, index),
        h('div', { class: 'plc-actions plc-row-actions' }, up, down, remove));
      list.appendChild(h('li', null, fieldset));
      if (focus && focus.index === index) {
        const target = focus.which === 'up' ? up : focus.which === 'down' ? down : fieldset.querySelector('input, textarea, select');
        setTimeout(() => (target && !target.disabled ? target : fieldset.querySelector('input, textarea')).focus(), 0);
      }
    });
    add.disabled = spec.items.length >= spec.max;
    if (!spec.items.length && focus) setTimeout(() => add.focus(), 0);
  };
  const move = (from, to, which) => {
    const [item] = spec.items.splice(from, 1);
    spec.items.splice(to, 0, item);
    changed();
    draw({ index: to, which });
    ctx.announce(t('Moved to position %(position)s of %(count)s.', { position: to + 1, count: spec.items.length }));
  };
  const changed = () => { if (spec.onChange) spec.onChange(); };
  add.addEventListener('click', () => {
    spec.items.push(spec.make());
    changed();
    draw({ index: spec.items.length - 1, which: 'first' });
  });
  draw(null);
  wrap.redraw = () => draw(null);
  return wrap;
}
