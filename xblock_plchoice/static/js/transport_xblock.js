// The XBlock transport: each command POSTs JSON to its handler URL (passed in the init args,
// so no runtime call is needed), with Django's CSRF token read from the cookie here, because
// the workbench's jQuery CSRF hook never sees fetch().

import { fillFileUrl, postJson, uploadWithProgress } from './http.js';

function readCookie(name) {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(';')) {
    const item = part.trim();
    if (item.startsWith(prefix)) return decodeURIComponent(item.slice(prefix.length));
  }
  return '';
}

/** args: {handlers: {command: url}, upload_url, file_url_template, export_url, csrf_cookie} */
export function makeXBlockTransport(args) {
  const cookieName = args.csrf_cookie || 'csrftoken';
  const headers = () => ({ 'X-CSRFToken': readCookie(cookieName), 'X-Requested-With': 'XMLHttpRequest' });

  return {
    async call(command, payload) {
      const url = (args.handlers || {})[command];
      if (!url) throw { error: 'unknown_command', message: '' };
      return postJson(url, payload, headers(), 'same-origin');
    },

    upload(file, kind, onProgress) {
      // The kind also goes in the query so the handler can refuse an oversized body before reading it.
      const url = new URL(args.upload_url, window.location.href);
      url.searchParams.set('kind', kind || 'file');
      return uploadWithProgress(url.href, file, kind, headers(), onProgress);
    },

    fileUrl(fileId) {
      return fillFileUrl(args.file_url_template, fileId);
    },

    exportUrl() {
      return args.export_url;
    },
  };
}
