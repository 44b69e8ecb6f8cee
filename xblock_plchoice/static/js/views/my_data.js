// The learner's own data: download everything as a JSON file, or delete reflections, profile
// and drafts after an explicit, inline confirmation (no window.confirm, which screen readers
// and automated checks handle poorly).

import { downloadJson, h, section } from '../dom.js';

export function renderMyData(ctx) {
  const { t } = ctx;
  const sec = section(ctx, 'my-data', t('My data'));
  const exportButton = h('button', { type: 'button', class: 'plc-button' }, t('Download my data (JSON)'));
  const deleteButton = h('button', { type: 'button', class: 'plc-button plc-danger', 'data-near': 'my-data-delete', 'data-focus': 'my-data-delete' }, t('Delete my reflections, profile and drafts'));
  const confirmBox = h('div', { class: 'plc-confirm', hidden: true, role: 'group', 'aria-label': t('Confirm deletion') });
  const question = h('p', { tabindex: '-1' }, t('This deletes your reflections, your profile and any unsubmitted drafts. Submitted work and grades stay. This cannot be undone. Delete now?'));
  const yes = h('button', { type: 'button', class: 'plc-button plc-danger' }, t('Yes, delete'));
  const no = h('button', { type: 'button', class: 'plc-button' }, t('Cancel'));
  confirmBox.append(question, h('div', { class: 'plc-actions' }, yes, no));

  exportButton.addEventListener('click', async () => {
    const data = await ctx.run(exportButton, () => ctx.transport.call('my_data', { action: 'export' }));
    if (!data) return;
    downloadJson(data, 'plchoice-my-data.json');
    ctx.confirm(exportButton, t('Your data was downloaded.'));
  });
  deleteButton.addEventListener('click', () => {
    confirmBox.hidden = false;
    question.focus();
  });
  no.addEventListener('click', () => {
    confirmBox.hidden = true;
    deleteButton.focus();
  });
  yes.addEventListener('click', async () => {
    const result = await ctx.run(yes, () => ctx.transport.call('my_data', { action: 'delete' }));
    if (!result) return;
    ctx.memory = {};
    // The page re-renders without what was deleted; the confirmation sits by the new delete button.
    await ctx.run(null, () => ctx.transport.call('state', {}), {
      focus: 'my-data-delete', message: t('Your reflections, profile and drafts were deleted.'), near: 'my-data-delete',
    });
  });
  sec.append(h('p', { class: 'plc-hint' }, t('Download a copy of everything you wrote here, or delete what is not submitted work.')),
    h('div', { class: 'plc-actions' }, exportButton, deleteButton), confirmBox, renderPortfolio(ctx));
  return sec;
}

// The portfolio to keep: links (signed, short-lived in the LTI tool) fetched on request, then shown as
// plain links, so the browser downloads the zip and opens the printable conference view itself.
function renderPortfolio(ctx) {
  const { t } = ctx;
  const links = h('div', { class: 'plc-actions', hidden: true });
  const prepare = h('button', { type: 'button', class: 'plc-button' }, t('Prepare my portfolio'));
  prepare.addEventListener('click', async () => {
    const data = await ctx.run(prepare, () => ctx.transport.call('my_data', { action: 'portfolio' }));
    if (!data || !data.portfolio) return;
    const zip = h('a', { class: 'plc-button', href: data.portfolio.zip_url, download: data.portfolio.filename },
      t('Download my portfolio (zip)'));
    const conference = h('a', { class: 'plc-button', href: data.portfolio.conference_url, target: '_blank', rel: 'noopener' },
      t('Open the conference view to print'));
    links.replaceChildren(zip, conference);
    links.hidden = false;
    zip.focus();
    ctx.announce(t('Your portfolio is ready to download.'));
  });
  return h('div', { class: 'plc-portfolio' },
    h('p', { class: 'plc-hint' }, t('Your portfolio keeps your choices, work, feedback and reflections in pages that open without the course. The conference view sums up what you chose, made and learned, and what next, to lead a conversation with a teacher or a parent.')),
    h('div', { class: 'plc-actions' }, prepare), links);
}
