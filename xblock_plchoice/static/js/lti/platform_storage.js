// LTI Platform Storage client (1EdTech "LTI Client Side postMessages" + "postMessage Storage").
// The platform names the frame to talk to in lti_storage_target: "_parent", or a named frame in the
// parent such as Canvas's "post_message_forwarding". Messages go to, and answers must come from,
// the origin of the platform's OIDC authorization URL; every request carries a fresh message_id
// and only its own answer resolves it.

const TIMEOUT_MS = 3000;

function targetWindow(target) {
  const parent = window.parent !== window ? window.parent : window.opener;
  if (!parent) return null;
  if (!target || target === '_parent') return parent;
  try {
    return parent.frames[target] || null;
  } catch (err) {
    return null;
  }
}

function messageId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Send one message and resolve with the matching `<subject>.response` (reject on error or timeout). */
export function request(target, origin, message, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const frame = targetWindow(target);
    if (!frame) {
      reject(new Error('no platform storage frame'));
      return;
    }
    const id = messageId();
    const expected = `${message.subject}.response`;
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      reject(new Error('platform storage did not answer'));
    }, timeoutMs);
    function onMessage(event) {
      const data = event.data;
      if (event.origin !== origin || !data || typeof data !== 'object') return;
      if (data.subject !== expected || data.message_id !== id) return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      if (data.error) reject(new Error((data.error && data.error.message) || 'platform storage error'));
      else resolve(data);
    }
    window.addEventListener('message', onMessage);
    frame.postMessage({ ...message, message_id: id }, origin);
  });
}

export function putData(target, origin, key, value) {
  return request(target, origin, { subject: 'lti.put_data', key, value });
}

export async function getData(target, origin, key) {
  const answer = await request(target, origin, { subject: 'lti.get_data', key });
  return typeof answer.value === 'string' ? answer.value : '';
}

export function readConfig() {
  const node = document.getElementById('plc-lti-config');
  return node ? JSON.parse(node.textContent) : {};
}
