// What both transports (XBlock handlers, LTI /api) share: a JSON POST and a multipart upload
// with progress. Each rejects with the server's {error, message, problems} (or {error: 'network'}),
// which is all the views know about errors. Uploads use XMLHttpRequest because only it reports
// upload progress.

async function parseBody(response) {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : {};
  } catch (err) {
    return null;
  }
}

/** POST JSON to url with extra headers; resolve with the JSON body. */
export async function postJson(url, payload, headers, credentials) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials,
      headers: { ...headers, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(payload || {}),
    });
  } catch (err) {
    throw { error: 'network', message: '' };
  }
  const body = await parseBody(response);
  if (!response.ok) throw { error: 'server', message: '', ...(body || {}), status: response.status };
  if (body === null) throw { error: 'server', message: '', status: response.status };
  return body;
}

/** POST file (+ kind) as multipart/form-data; onProgress gets 0..1 while the bytes go up. */
export function uploadWithProgress(url, file, kind, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('kind', kind || 'file');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries({ ...headers, Accept: 'application/json' })) {
      xhr.setRequestHeader(name, value);
    }
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
}

/** A download URL from a template holding {file_id} (possibly URL-encoded by the server). */
export function fillFileUrl(template, fileId) {
  const id = encodeURIComponent(fileId);
  return (template || '').replace('{file_id}', id).replace('%7Bfile_id%7D', id).replace('%7bfile_id%7d', id);
}
