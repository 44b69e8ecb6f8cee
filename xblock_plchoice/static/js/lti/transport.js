// The LTI transport: the same four functions as the XBlock transport, speaking to /api/<command>.
// Every state-changing call carries the launch id and the launch's CSRF token in headers (a
// cross-site form cannot set headers); downloads use signed URLs the server made for this launch.

async function parseBody(response) {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : {};
  } catch (err) {
    return null;
  }
}

/** cfg: {apiBase, launchId, csrfToken, launchHeader, csrfHeader, fileUrlTemplate, exportUrl} */
export function makeLtiTransport(cfg) {
  const authHeaders = () => ({
    [cfg.launchHeader]: cfg.launchId,
    [cfg.csrfHeader]: cfg.csrfToken,
    Accept: 'application/json',
  });

  return {
    async call(command, payload) {
      let response;
      try {
        response = await fetch(`${cfg.apiBase}/${encodeURIComponent(command)}`, {
          method: 'POST',
          credentials: 'include',
          headers: { ...authHeaders(), 'Content-Type': 'application/json' },
          body: JSON.stringify(payload || {}),
        });
      } catch (err) {
        throw { error: 'network', message: '' };
      }
      const body = await parseBody(response);
      if (!response.ok) throw { error: 'server', message: '', ...(body || {}), status: response.status };
      if (body === null) throw { error: 'server', message: '', status: response.status };
      return body;
    },

    upload(file, kind, onProgress) {
      return new Promise((resolve, reject) => {
        const form = new FormData();
        form.append('file', file, file.name);
        form.append('kind', kind || 'file');
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${cfg.apiBase}/upload`);
        xhr.withCredentials = true;
        for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
        xhr.upload.addEventListener('progress', (event) => {
          if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
        });
        xhr.addEventListener('load', () => {
          let body = null;
          try {
            body = JSON.parse(xhr.responseText || '{}');
          } catch (err) {
            body = null;
          }
          if (xhr.status >= 200 && xhr.status < 300 && body) {
            if (onProgress) onProgress(1);
            resolve(body);
          } else {
            reject({ error: 'server', message: '', ...(body || {}), status: xhr.status });
          }
        });
        xhr.addEventListener('error', () => reject({ error: 'network', message: '' }));
        xhr.addEventListener('abort', () => reject({ error: 'network', message: '' }));
        xhr.send(form);
      });
    },

    fileUrl(fileId) {
      const id = encodeURIComponent(fileId);
      return cfg.fileUrlTemplate.replace('%7Bfile_id%7D', id).replace('{file_id}', id);
    },

    exportUrl() {
      return cfg.exportUrl;
    },
  };
}
