import { CUSTOM_DATA_MAX_KEYS } from '../runs/custom-data.ts';
import { defineNode, MAIN } from './types.ts';

/** n8n's Execution Data (1, 1.1): saves key/value texts with the execution, which the executions list filters by. */
export const executionData = defineNode({
  type: 'executionData',
  version: 1,
  label: 'Execution Data',
  description: 'Saves a few values with the execution, to find it in the executions list. Items pass through.',
  category: 'utility',
  icon: 'bookmark',
  color: '#65a30d',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'dataToSave',
      label: 'Data to save',
      description: `At most ${CUSTOM_DATA_MAX_KEYS} keys per execution (more are dropped). A key is letters, numbers and underscores, cut to 50 characters; a value is cut to 512. Each item sets them again: the last one's values stay.`,
      kind: 'list',
      default: [],
      fields: [
        { name: 'key', label: 'Key', kind: 'string', default: '', placeholder: 'e.g. myKey' },
        { name: 'value', label: 'Value', kind: 'string', default: '', placeholder: 'e.g. myValue' },
      ],
      addLabel: 'Add saved field',
    },
    {
      name: 'n8nVersion',
      label: 'Behave as',
      description: 'Imported n8n Execution Data nodes keep their version’s rules.',
      kind: 'options',
      default: '1.1',
      options: [
        { value: '1.1', label: 'Execution Data (n8n 1.1)' },
        { value: '1', label: 'n8n 1', description: 'A value that is not text (false, null) fails a manual run' },
      ],
    },
  ],
  keywords: ['execution', 'custom data', 'metadata', 'highlight', 'search', 'save'],
});
