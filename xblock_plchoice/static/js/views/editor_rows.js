// An editable list of rows (criteria, options, prompts) for the authoring form. Every row has
// Move up / Move down / Remove buttons, so reordering needs no drag and drop and works from
// the keyboard; focus follows the moved row so the author keeps their place. Removing a row
// offers "Undo" in its place until the next change to the list, so a slip costs nothing.

import { h } from '../dom.js';

/**
 * spec: {items (mutated in place), title(i) -> row heading, fields(item, i) -> nodes,
 *        make() -> new item, min, max, addLabel, onChange()}
 */
export function renderRows(ctx, spec) {
  const { t } = ctx;
  const list = h('ol', { class: 'plc-rows plc-edit-rows' });
  const add = h('button', { type: 'button', class: 'plc-button plc-small' }, spec.addLabel);
  const undoBar = h('p', { class: 'plc-undo', hidden: true });
  const wrap = h('div', { class: 'plc-row-list' }, list, undoBar, add);
  let undo = null; // {item, index}: the last removed row, until the list changes again
  const dropUndo = () => { undo = null; undoBar.hidden = true; undoBar.replaceChildren(); };
  const offerUndo = (item, index, title) => {
    undo = { item, index };
    const button = h('button', { type: 'button', class: 'plc-button plc-small', 'aria-label': t('Undo: restore %(item)s', { item: title }) }, t('Undo'));
    button.addEventListener('click', () => {
      if (!undo || spec.items.length >= spec.max) return;
      spec.items.splice(Math.min(undo.index, spec.items.length), 0, undo.item);
      const at = Math.min(undo.index, spec.items.length - 1);
      dropUndo();
      changed();
      draw({ index: at, which: 'first' });
      ctx.announce(t('%(item)s restored.', { item: title }));
    });
    undoBar.replaceChildren(h('span', null, t('%(item)s removed.', { item: title })), ' ', button);
    undoBar.hidden = false;
    setTimeout(() => button.focus(), 0);
  };

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
        const [removed] = spec.items.splice(index, 1);
        changed();
        draw(null);
        offerUndo(removed, index, title);
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
    dropUndo();
    const [item] = spec.items.splice(from, 1);
    spec.items.splice(to, 0, item);
    changed();
    draw({ index: to, which });
    ctx.announce(t('Moved to position %(position)s of %(count)s.', { position: to + 1, count: spec.items.length }));
  };
  const changed = () => { if (spec.onChange) spec.onChange(); };
  add.addEventListener('click', () => {
    dropUndo();
    spec.items.push(spec.make());
    changed();
    draw({ index: spec.items.length - 1, which: 'first' });
  });
  draw(null);
  wrap.redraw = () => draw(null);
  return wrap;
}
