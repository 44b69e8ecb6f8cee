// The one front end both homes serve. A home (XBlock or LTI) supplies a transport with the
// same four functions; this module only knows command names and the view JSON described in
// docs/ARCHITECTURE.md. mount() builds a shell whose status and alert regions persist across
// re-renders (so screen readers hear every update) and renders the view for the role.

import { clear, focusOn, h, uid } from './dom.js';
import { makeT } from './i18n.js';
import { clearFieldErrors, placeProblems, problemLink } from './problems.js';
import { renderAuthor } from './views/author.js';
import { clearInline, showInline } from './inline.js';
import { renderEditor } from './views/editor.js';
import { renderLearner } from './views/learner.js';
import { renderStaff } from './views/staff.js';
import { renderPreviewBanner } from './views/staff_tools.js';

/**
 * Mount PL Choice into `root`.
 * options: {transport, i18n: {msgid: text}, lang, dir, view: "learner"|"staff"|"studio"|"author",
 *           definition (studio, author), due (author: me.due's shape), platform_due (studio),
 *           saveCommand (studio, default "studio_submit")}
 */
export function mount(root, options) {
  const t = makeT(options.i18n);
  const lang = options.lang || 'en';
  const dir = options.dir || 'ltr';
  const view = options.view || 'learner';

  const status = h('p', { class: 'plc-status', role: 'status' });
  const alert = h('div', { class: 'plc-alert', role: 'alert', tabindex: '-1' });
  const body = h('div', { class: 'plc-body' });
  const shell = h('div', { class: `plc plc-view-${view}`, lang, dir }, status, alert, body);
  clear(root).appendChild(shell);

  const ctx = {
    t, lang, dir, view, root: shell, body,
    transport: options.transport,
    state: null,
    memory: {}, // unsaved input, so a re-render after one action never loses typing elsewhere
    options,
    uid,
    announce(message) {
      status.textContent = '';
      if (message) setTimeout(() => { status.textContent = message; }, 50);
    },
    clearError() {
      clear(alert);
      clearFieldErrors(shell);
      clearInline(shell);
    },
    /**
     * Show an error. With `near` (the button or field the person used) the message sits next to
     * it; only an error with no place to go (the page failed to load) uses the alert at the top.
     * linkAll (the editor, a form 8,800 px tall): the alert lists every problem, each placed one
     * as a link that focuses its field.
     */
    showError(err, scope, near, { linkAll = false } = {}) {
      const normal = normalizeError(err, t);
      clear(alert);
      const { unplaced, placed } = placeProblems(scope || shell, normal.problems);
      const rest = unplaced.filter((p) => p.message !== normal.message);
      const anchor = linkAll ? null : resolveNear(near);
      if (anchor) {
        showInline(anchor, [normal.message, ...rest.map((p) => p.message)], 'error', scope || anchor.closest('form'));
        return;
      }
      alert.appendChild(h('p', { class: 'plc-alert-title' }, normal.message));
      const items = [...(linkAll ? placed.map((p) => h('li', null, problemLink(p))) : []),
        ...rest.map((p) => h('li', null, p.message))];
      if (items.length) alert.appendChild(h('ul', { class: 'plc-problem-list' }, items));
      focusOn(alert);
    },
    /** A confirmation ("Saved") next to `near`, also announced to screen readers. */
    confirm(near, message) {
      const anchor = resolveNear(near);
      if (anchor) showInline(anchor, [message], 'ok');
      ctx.announce(message);
    },
    /** Re-render from a new state view, then move focus and announce. */
    setState(state, { focus, message, near } = {}) {
      ctx.state = state;
      render();
      afterAction(focus, message, near);
    },
    focus(key) {
      afterAction(key, null);
    },
    /**
     * Run one user action: disable the button while it runs, show errors next to fields,
     * adopt a returned state view. Resolves to the result, or null after an error.
     */
    async run(button, action, { focus, message, scope, near, linkAll = false } = {}) {
      ctx.clearError();
      const wasDisabled = button ? button.disabled : false;
      if (button) {
        button.disabled = true;
        button.setAttribute('aria-busy', 'true');
      }
      try {
        const result = await action();
        if (result && result.activity && result.me !== undefined) ctx.setState(result, { focus, message, near });
        else afterAction(focus, message, near);
        return result;
      } catch (err) {
        // The editor keeps its own error summary at the top (its form is long); elsewhere the
        // message goes next to the button that was pressed.
        const fallback = view === 'studio' || linkAll ? null : button;
        // `near` places the confirmation (the button may be gone after a re-render); an error
        // always goes by the button that was pressed, which is still there.
        ctx.showError(err, scope, fallback || resolveNear(near), { linkAll });
        return null;
      } finally {
        if (button && button.isConnected) {
          button.disabled = wasDisabled;
          button.removeAttribute('aria-busy');
        }
      }
    },
  };

  function afterAction(focus, message, near) {
    if (focus) {
      const target = typeof focus === 'string' ? shell.querySelector(`[data-focus="${focus}"]`) : focus;
      focusOn(target);
    }
    if (message && near) ctx.confirm(near, message);
    else if (message) ctx.announce(message);
  }

  /** `near` is an element, or a key: after a re-render the new control with data-near="key". */
  function resolveNear(near) {
    if (!near) return null;
    if (typeof near === 'string') return shell.querySelector(`[data-near="${near}"]`);
    return near.isConnected ? near : null;
  }

  function render() {
    clear(body);
    if (ctx.state && ctx.state.role === 'staff' && view === 'staff') renderStaff(ctx, body);
    else {
      // "View as a learner": the learner view of a throwaway preview, under a banner that says so.
      if (ctx.state && ctx.state.preview) body.appendChild(renderPreviewBanner(ctx));
      renderLearner(ctx, body);
    }
  }

  if (view === 'studio') {
    renderEditor(ctx, body, options.definition || {});
    return ctx;
  }
  if (view === 'author') {
    renderAuthor(ctx, body, mount);
    return ctx;
  }
  body.appendChild(h('p', { class: 'plc-loading' }, t('Loading…')));
  ctx.run(null, () => ctx.transport.call('state', {})).then((state) => {
    if (!state) {
      clear(body);
      body.appendChild(h('p', null, t('This activity could not be loaded. Reload the page to try again.')));
    }
  });
  return ctx;
}

/** Any rejection (server 4xx, network failure, a JS exception) becomes {message, problems}. */
export function normalizeError(err, t) {
  let problems = err && Array.isArray(err.problems) ? err.problems : [];
  // A single-field error ({field, message}) is shown next to that field too.
  if (!problems.length && err && typeof err.field === 'string' && err.message) problems = [{ field: err.field, message: err.message }];
  if (err && err.error === 'network') {
    return { message: t('Could not reach the server. Check your connection and try again.'), problems };
  }
  if (err && typeof err.message === 'string' && err.message && err.error) {
    return { message: err.message, problems };
  }
  return { message: t('Something went wrong. Please try again.'), problems };
}
