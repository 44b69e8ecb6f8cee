// Entry point of the LTI launch page: read the config the server embedded (JSON, never executed),
// build the LTI transport and mount the shared front end.
import { mount } from '../app.js';
import { readConfig } from './platform_storage.js';
import { makeLtiTransport } from './transport.js';

const config = readConfig();
const root = document.getElementById('plchoice-root');
document.documentElement.lang = config.lang || 'en';
document.documentElement.dir = config.dir || 'ltr';

mount(root, {
  transport: makeLtiTransport(config.transport),
  i18n: config.i18n || {},
  lang: config.lang,
  dir: config.dir,
  view: config.view,
  canEdit: Boolean(config.canEdit), // instructors edit the activity from the launch (POST /api/definition)
});
