/* PL Choice XBlock entry point: a classic script because XBlock runtimes call a global
 * initializer (frag.initialize_js("PLChoiceXBlock", args)). It builds the XBlock transport
 * and imports the ES-module front end from next to itself, so there is no build step. */
(function () {
  'use strict';

  // document.currentScript is only set while this file first runs; remember it now.
  var ownUrl = document.currentScript && document.currentScript.src ? document.currentScript.src : null;

  function moduleBase(args) {
    if (ownUrl) return new URL('./', ownUrl);
    if (args.static_base) return new URL('js/', new URL(args.static_base, window.location.href));
    var tag = document.querySelector('script[src*="xblock_init.js"]');
    return new URL('./', tag ? tag.src : window.location.href);
  }

  function showFailure(root, args) {
    var text = (args.i18n && args.i18n['This activity could not be loaded. Reload the page to try again.']) ||
      'This activity could not be loaded. Reload the page to try again.';
    var p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = text;
    root.textContent = '';
    root.appendChild(p);
  }

  window.PLChoiceXBlock = function (runtime, element, args) {
    var el = element && element.jquery ? element[0] : element;
    var root = el.querySelector('.plchoice-root') || el;
    args = args || {};
    var base = moduleBase(args);
    Promise.all([
      import(new URL('app.js', base).href),
      import(new URL('transport_xblock.js', base).href),
    ]).then(function (modules) {
      var app = modules[0];
      var transport = modules[1].makeXBlockTransport(args);
      var notify = function (name, data) {
        if (runtime && typeof runtime.notify === 'function') runtime.notify(name, data || {});
      };
      app.mount(root, {
        transport: transport,
        i18n: args.i18n || {},
        lang: args.lang || 'en',
        dir: args.dir || 'ltr',
        view: args.view || 'learner',
        definition: args.definition,
        due: args.due,
        platform_due: args.platform_due,
        isNew: Boolean(args.is_new),
        example: args.example || null,
        kind: args.kind,
        display_name: args.display_name,
        weight: args.weight,
        saveCommand: args.save_command || 'studio_submit',
        rubric_impact: args.rubric_impact, // studio: how many learners have attempts (the rubric-edit warning)
        onSaved: function () { notify('save', { state: 'end' }); },
        onCancel: function () { notify('cancel', {}); },
      });
      root.removeAttribute('aria-busy');
    }).catch(function (err) {
      if (window.console) window.console.error('PL Choice failed to start', err);
      showFailure(root, args);
    });
  };
}());
