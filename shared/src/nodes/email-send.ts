import { defineNode, MAIN } from './types.ts';

/** What Send Email appends to a message when "Append attribution" is on (n8n's says n8n and links to it). */
export const EMAIL_ATTRIBUTION = 'This email was sent automatically with Weft';

export const emailSend = defineNode({
  type: 'emailSend',
  version: 1,
  label: 'Send Email',
  description: 'Sends an email for each item through an SMTP server.',
  category: 'action',
  icon: 'mail',
  color: '#dc2626',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'fromEmail',
      label: 'From',
      description: 'The sender; a name may come with it: Nathan Doe <nate@example.com>.',
      kind: 'string',
      default: '',
      placeholder: 'admin@example.com',
      required: true,
    },
    {
      name: 'toEmail',
      label: 'To',
      description: 'Recipients, comma-separated; each may come with a name.',
      kind: 'string',
      default: '',
      placeholder: 'info@example.com',
      required: true,
    },
    { name: 'subject', label: 'Subject', kind: 'string', default: '', placeholder: 'My subject line' },
    {
      name: 'emailFormat',
      label: 'Email format',
      kind: 'options',
      default: 'html',
      options: [
        { value: 'text', label: 'Text' },
        { value: 'html', label: 'HTML' },
        { value: 'both', label: 'Both', description: "The recipient's client picks one" },
      ],
    },
    {
      name: 'text',
      label: 'Text',
      kind: 'string',
      multiline: true,
      default: '',
      showWhen: { emailFormat: ['text', 'both'] },
    },
    {
      name: 'html',
      label: 'HTML',
      kind: 'string',
      multiline: true,
      default: '',
      showWhen: { emailFormat: ['html', 'both'] },
    },
    { name: 'ccEmail', label: 'CC', kind: 'string', default: '', placeholder: 'cc@example.com' },
    { name: 'bccEmail', label: 'BCC', kind: 'string', default: '', placeholder: 'bcc@example.com' },
    { name: 'replyTo', label: 'Reply to', kind: 'string', default: '', placeholder: 'info@example.com' },
    {
      name: 'appendAttribution',
      label: 'Append attribution',
      description: `Ends the message with "${EMAIL_ATTRIBUTION}".`,
      kind: 'boolean',
      default: true,
    },
    {
      name: 'allowUnauthorizedCerts',
      label: 'Ignore TLS certificate issues (insecure)',
      description: "Connects even when the server's certificate cannot be checked.",
      kind: 'boolean',
      default: false,
    },
  ],
  credentials: [{ name: 'smtp', label: 'SMTP server', types: ['smtp'] }],
  keywords: ['email', 'mail', 'smtp', 'send', 'notify'],
});
