import type { WorkflowRole } from '#shared/api/index.ts';
import type { Mail } from './mailer.ts';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const article = (role: WorkflowRole): string => (role === 'owner' || role === 'editor' ? 'an' : 'a');

/**
 * An invitation by email. Everything a person typed (the workflow's name,
 * the inviter's name, the message) is text: escaped in the HTML part, never
 * a link or markup, so an invitation cannot be made to carry someone else's
 * link. The one link is the server's own.
 */
export const invitationMail = (input: {
  to: string;
  inviter: string;
  workflowName: string;
  role: WorkflowRole;
  message: string | undefined;
  url: string;
}): Mail => {
  const what = `${input.inviter} invited you to the workflow “${input.workflowName}” on Weft as ${article(input.role)} ${input.role}.`;
  const message = input.message?.trim();
  const text = [
    what,
    ...(message ? ['', `${input.inviter} wrote:`, message] : []),
    '',
    `Sign in or sign up with this address (${input.to}) and accept the invitation:`,
    input.url,
    '',
    'If you did not expect this, you can ignore it.',
  ].join('\n');
  const html = [
    `<p>${escapeHtml(what)}</p>`,
    ...(message
      ? [
          `<p>${escapeHtml(input.inviter)} wrote:</p>`,
          `<blockquote>${escapeHtml(message).replace(/\n/g, '<br>')}</blockquote>`,
        ]
      : []),
    `<p>Sign in or sign up with this address (${escapeHtml(input.to)}) and accept the invitation:</p>`,
    `<p><a href="${escapeHtml(input.url)}">${escapeHtml(input.url)}</a></p>`,
    '<p>If you did not expect this, you can ignore it.</p>',
  ].join('\n');
  return { to: input.to, subject: `${input.inviter} invited you to “${input.workflowName}” on Weft`, text, html };
};
