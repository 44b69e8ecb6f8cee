// Launch page shown when the state cookie did not come back: read the state and nonce this browser
// stored at login from platform storage, then post the launch again with them.
import { getData, readConfig } from './platform_storage.js';

const config = readConfig();
const form = document.getElementById('plc-lti-relaunch');

async function run() {
  const keys = config.keys || {};
  for (const [field, key] of Object.entries(keys)) {
    let value = '';
    try {
      // eslint-disable-next-line no-await-in-loop
      value = await getData(config.target, config.origin, key);
    } catch (err) {
      value = '';
    }
    const input = form.querySelector(`input[name="${field}"]`);
    if (input) input.value = value;
  }
  form.submit();
}

run();
