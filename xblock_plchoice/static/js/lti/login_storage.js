// OIDC login page for platforms that offer Platform Storage: keep state and nonce in the platform's
// frame (our cookie may be blocked), then continue to the platform. If storage fails we continue
// anyway: the partitioned state cookie may still work, and the launch says clearly if neither did.
import { putData, readConfig } from './platform_storage.js';

const config = readConfig();

async function run() {
  try {
    for (const item of config.items || []) {
      // eslint-disable-next-line no-await-in-loop
      await putData(config.target, config.origin, item.key, item.value);
    }
  } catch (err) {
    // fall through to the redirect: the cookie is the fallback
  }
  window.location.replace(config.redirect);
}

run();
