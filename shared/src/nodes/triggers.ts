import { defineNode, MAIN } from './types.ts';

export const manualTrigger = defineNode({
  type: 'manualTrigger',
  version: 1,
  label: 'Manual Trigger',
  description: 'Starts the workflow when someone clicks Run.',
  category: 'trigger',
  icon: 'pointer',
  color: '#6b7280',
  trigger: true,
  inputs: [],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [],
  keywords: ['start', 'run', 'click'],
});

export const webhook = defineNode({
  type: 'webhook',
  version: 1,
  label: 'Webhook',
  description: 'Starts the workflow when an HTTP request arrives at /webhook/<path>.',
  category: 'trigger',
  icon: 'webhook',
  color: '#d97706',
  trigger: true,
  inputs: [],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'httpMethod',
      label: 'HTTP method',
      kind: 'options',
      default: 'GET',
      options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((m) => ({ value: m, label: m })),
    },
    { name: 'path', label: 'Path', kind: 'string', default: '', required: true, placeholder: 'orders' },
    {
      name: 'responseMode',
      label: 'Respond',
      kind: 'options',
      default: 'onReceived',
      options: [
        { value: 'onReceived', label: 'Immediately', description: 'Answer as soon as the request arrives.' },
        { value: 'lastNode', label: 'When the last node finishes', description: "Answer with the last node's items." },
        { value: 'responseNode', label: "Using 'Respond to Webhook' node" },
      ],
    },
    { name: 'responseCode', label: 'Response code', kind: 'number', default: 200, min: 100, max: 599, integer: true },
  ],
  keywords: ['http', 'api', 'callback'],
});

export const scheduleTrigger = defineNode({
  type: 'scheduleTrigger',
  version: 1,
  label: 'Schedule Trigger',
  description: 'Starts the workflow on a cron schedule.',
  category: 'trigger',
  icon: 'clock',
  color: '#2563eb',
  trigger: true,
  inputs: [],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'cronExpression',
      label: 'Cron expression',
      kind: 'string',
      default: '0 * * * *',
      required: true,
      description: 'Five or six fields: [seconds] minutes hours day-of-month month day-of-week.',
    },
    {
      name: 'timezone',
      label: 'Time zone',
      kind: 'string',
      default: '',
      placeholder: 'Europe/Berlin',
      description: "IANA zone; empty uses the workflow's time zone.",
    },
    {
      name: 'invalidInterval',
      label: 'Refused interval (from n8n)',
      kind: 'string',
      default: '',
      description:
        'Set on import when n8n 1.3+ refuses the rule’s interval (its reason): the trigger fails with it until you clear it.',
    },
  ],
  keywords: ['cron', 'timer', 'interval'],
});
