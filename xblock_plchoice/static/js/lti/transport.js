// The LTI transport: the same four functions as the XBlock transport, speaking to /api/<command>.
// Every state-changing call carries the launch id and the launch's CSRF token in headers (a
// cross-site form cannot set headers); downloads use signed URLs the server made for this launch.

import { fillFileUrl, postJson, uploadWithProgress } from '../http.js';

/** cfg: {apiBase, launchId, csrfToken, launchHeader, csrfHeader, fileUrlTemplate, exportUrl} */
export function makeLtiTransport(cfg) {
  const authHeaders = () => ({ [cfg.launchHeader]: cfg.launchId, [cfg.csrfHeader]: cfg.csrfToken });

  return {
    call(command, payload) {
      return postJson(`${cfg.apiBase}/${encodeURIComponent(command)}`, payload, authHeaders(), 'include');
    },

    upload(file, kind, onProgress) {
      return uploadWithProgress(`${cfg.apiBase}/upload`, file, kind, authHeaders(), onProgress);
    },

    fileUrl(fileId) {
      return fillFileUrl(cfg.fileUrlTemplate, fileId);
    },

    exportUrl() {
      return cfg.exportUrl;
    },
  };
}
