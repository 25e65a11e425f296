import { defineNode, MAIN } from './types.ts';

/**
 * Error workflows (docs/plans/n8n-daily.md §7): the Error Trigger starts a
 * workflow another one names as its error workflow, with the failed run's
 * facts as its item; Stop and Error fails the run on purpose.
 */

export const errorTrigger = defineNode({
  type: 'errorTrigger',
  version: 1,
  label: 'Error Trigger',
  description:
    'Starts the workflow when a workflow that names this one as its error workflow fails. Run by hand, it hands on an example.',
  category: 'trigger',
  icon: 'triangle-alert',
  color: '#dc2626',
  trigger: true,
  inputs: [],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [],
  keywords: ['error', 'failure', 'failed', 'alert', 'catch'],
});

export const stopAndError = defineNode({
  type: 'stopAndError',
  version: 1,
  label: 'Stop and Error',
  description: 'Fails the workflow with a message of your own.',
  category: 'flow',
  icon: 'octagon-x',
  color: '#dc2626',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [],
  params: [
    {
      name: 'errorType',
      label: 'Error type',
      kind: 'options',
      default: 'errorMessage',
      options: [
        { value: 'errorMessage', label: 'Error message' },
        { value: 'errorObject', label: 'Error object', description: 'JSON; its "message" becomes the message.' },
      ],
    },
    {
      name: 'errorMessage',
      label: 'Error message',
      kind: 'string',
      default: '',
      placeholder: 'An error occurred!',
      showWhen: { errorType: ['errorMessage'] },
    },
    {
      name: 'errorObject',
      label: 'Error object',
      kind: 'json',
      default: '',
      description:
        'The message is its "message" (else "description", else "error"); the object is kept with the error.',
      showWhen: { errorType: ['errorObject'] },
    },
  ],
  keywords: ['throw', 'fail', 'error', 'stop', 'raise'],
});
