// Translation for the one front end. The server sends {msgid: translation} for every
// string this client uses (see xblock_plchoice/i18n_js.py), so no catalog is fetched
// and both homes translate the same way. Placeholders use Python's %(name)s syntax so
// one set of catalogs and one placeholder check cover Python and JS alike.

const PLACEHOLDER = /%\((\w+)\)[sd]/g;

/** Fill %(name)s placeholders; unknown names are left visible rather than silently dropped. */
export function format(text, params) {
  if (!params) return text;
  return text.replace(PLACEHOLDER, (match, name) => (name in params ? String(params[name]) : match));
}

/**
 * Build t(msgid, params) over a catalog. A missing or empty translation falls back to the
 * English msgid, and a translation whose placeholders do not fit the params falls back too,
 * so a broken catalog never hides a value from the learner.
 */
export function makeT(catalog) {
  const table = catalog || {};
  return function t(msgid, params) {
    const translated = table[msgid];
    if (!translated) return format(msgid, params);
    const out = format(translated, params);
    return params && /%\((\w+)\)[sd]/.test(out) ? format(msgid, params) : out;
  };
}
