// The LTI transport: the same four functions as the XBlock transport, speaking to /api/<command>.
// Every state-changing call carries the launch id and the launch's CSRF token in headers (a
// cross-site form cannot set headers). Downloads use links the server signed for one file (or the
// export) and at most an hour: every file view carries its own `url`, and every state view new ones.

import { postJson, uploadWithProgress } from '../http.js';

/** cfg: {apiBase, launchId, csrfToken, launchHeader, csrfHeader, exportUrl} */
export function makeLtiTransport(cfg) {
  const authHeaders = () => ({ [cfg.launchHeader]: cfg.launchId, [cfg.csrfHeader]: cfg.csrfToken });

  return {
    call(command, payload) {
      return postJson(`${cfg.apiBase}/${encodeURIComponent(command)}`, payload, authHeaders(), 'include');
    },

    upload(file, kind, onProgress) {
      return uploadWithProgress(`${cfg.apiBase}/upload`, file, kind, authHeaders(), onProgress);
    },

    fileUrl() {
      return ''; // no launch-wide link exists: the server gives each file its own `url`
    },

    exportUrl() {
      return cfg.exportUrl;
    },
  };
}
