// The XBlock transport: each command POSTs JSON to its handler URL (passed in the init args,
// so no runtime call is needed), with Django's CSRF token read from the cookie here, because
// the workbench's jQuery CSRF hook never sees fetch(). Uploads use XMLHttpRequest because
// only it reports upload progress.

function readCookie(name) {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(';')) {
    const item = part.trim();
    if (item.startsWith(prefix)) return decodeURIComponent(item.slice(prefix.length));
  }
  return '';
}

async function parseBody(response) {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : {};
  } catch (err) {
    return null;
  }
}

/** args: {handlers: {command: url}, upload_url, file_url_template, export_url, csrf_cookie} */
export function makeXBlockTransport(args) {
  const cookieName = args.csrf_cookie || 'csrftoken';
  const headers = () => ({
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-CSRFToken': readCookie(cookieName),
    'X-Requested-With': 'XMLHttpRequest',
  });

  return {
    async call(command, payload) {
      const url = (args.handlers || {})[command];
      if (!url) throw { error: 'unknown_command', message: '' };
      let response;
      try {
        response = await fetch(url, {
          method: 'POST', credentials: 'same-origin', headers: headers(), body: JSON.stringify(payload || {}),
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
        // The kind also goes in the query so the handler can refuse an oversized body before reading it.
        const url = new URL(args.upload_url, window.location.href);
        url.searchParams.set('kind', kind || 'file');
        const xhr = new XMLHttpRequest();
        xhr.open('POST', url.href);
        xhr.withCredentials = true;
        xhr.setRequestHeader('X-CSRFToken', readCookie(cookieName));
        xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
        xhr.setRequestHeader('Accept', 'application/json');
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
      const template = args.file_url_template || '';
      const id = encodeURIComponent(fileId);
      return template.replace('{file_id}', id).replace('%7Bfile_id%7D', id).replace('%7bfile_id%7d', id);
    },

    exportUrl() {
      return args.export_url;
    },
  };
}
