// Words for the codes in the view JSON. Each label is a call to t with a literal string, so the extractor
// finds it; an unknown code shows as itself instead of disappearing.

export function statusLabel(t, status) {
  const labels = {
    not_started: t('Not started'),
    chosen: t('Working on it'),
    proposal_pending: t('Proposal waiting for approval'),
    submitted: t('Submitted for review'),
    revise: t('Revision requested'),
    mastered: t('Mastered'),
  };
  return labels[status] || String(status || '');
}

export function levelLabel(t, level) {
  const labels = { not_yet: t('Not yet'), meets: t('Meets'), exceeds: t('Exceeds') };
  return labels[level] || String(level || '');
}

export function kindLabel(t, kind) {
  const labels = {
    text: t('Written text'),
    link: t('Links'),
    file: t('File upload'),
    audio: t('Audio recording'),
    video: t('Video recording'),
  };
  return labels[kind] || String(kind || '');
}

export function decisionLabel(t, decision) {
  const labels = {
    mastered: t('Mastered'),
    revise: t('Revise and resubmit'),
    approve: t('Approved'),
    approved: t('Approved'),
    redirect: t('Redirected'),
    redirected: t('Redirected'),
    pending: t('Waiting for a decision'),
  };
  return labels[decision] || String(decision || '');
}

export function phaseLabel(t, phase) {
  const labels = { before: t('Before you start'), after: t('After you finish') };
  return labels[phase] || String(phase || '');
}

export const STATUSES = ['not_started', 'chosen', 'proposal_pending', 'submitted', 'revise', 'mastered'];
export const LEVELS = ['not_yet', 'meets', 'exceeds'];
export const KINDS = ['text', 'link', 'file', 'audio', 'video'];
