import { defineNode } from './types.ts';

export const compareDatasets = defineNode({
  type: 'compareDatasets',
  version: 1,
  label: 'Compare Datasets',
  description:
    'Pairs the items of two inputs by matching fields, and sorts them into A only, same, different and B only.',
  category: 'transform',
  icon: 'git-compare',
  color: '#059669',
  inputs: [
    { name: 'inputA', label: 'Input A' },
    { name: 'inputB', label: 'Input B' },
  ],
  outputs: [
    { name: 'inAOnly', label: 'In A only' },
    { name: 'same', label: 'Same' },
    { name: 'different', label: 'Different' },
    { name: 'inBOnly', label: 'In B only' },
  ],
  params: [
    {
      name: 'mergeByFields',
      label: 'Fields to match',
      kind: 'list',
      default: [{ field1: '', field2: '' }],
      fields: [
        { name: 'field1', label: 'Input A field', kind: 'string', default: '', placeholder: 'e.g. id' },
        { name: 'field2', label: 'Input B field', kind: 'string', default: '', placeholder: 'e.g. id' },
      ],
      addLabel: 'Add fields to match',
    },
    {
      name: 'resolve',
      label: 'When there are differences',
      kind: 'options',
      default: 'includeBoth',
      options: [
        { value: 'preferInput1', label: 'Use input A version' },
        { value: 'preferInput2', label: 'Use input B version' },
        { value: 'mix', label: 'Use a mix of versions', description: 'Different inputs for different fields' },
        { value: 'includeBoth', label: 'Include both versions', description: 'Every field that differs, from both' },
      ],
    },
    {
      name: 'fuzzyCompare',
      label: 'Fuzzy compare',
      description: 'Small type differences are tolerated: the number 3 and the text "3" are the same.',
      kind: 'boolean',
      default: false,
    },
    {
      name: 'preferWhenMix',
      label: 'Prefer',
      kind: 'options',
      default: 'input1',
      showWhen: { resolve: ['mix'] },
      options: [
        { value: 'input1', label: 'Input A version' },
        { value: 'input2', label: 'Input B version' },
      ],
    },
    {
      name: 'exceptWhenMix',
      label: 'For everything except',
      kind: 'string',
      default: '',
      placeholder: 'e.g. id, country',
      showWhen: { resolve: ['mix'] },
    },
    {
      name: 'skipFields',
      label: 'Fields to skip comparing',
      kind: 'string',
      default: '',
      placeholder: 'e.g. updated_at, updated_by',
    },
    {
      name: 'disableDotNotation',
      label: 'Disable dot notation',
      description: 'Field names are keys as written: "a.b" is not field b inside a.',
      kind: 'boolean',
      default: false,
    },
    {
      name: 'multipleMatches',
      label: 'Multiple matches',
      kind: 'options',
      default: 'first',
      options: [
        { value: 'first', label: 'Include first match only' },
        { value: 'all', label: 'Include all matches' },
      ],
    },
    {
      name: 'n8nVersion',
      label: 'Behave as',
      description: 'Imported n8n Compare Datasets nodes keep their version’s rules.',
      kind: 'options',
      default: '2.3',
      options: [
        { value: '2.3', label: 'Compare Datasets (n8n 2.2 and 2.3)' },
        { value: '2.1', label: 'n8n 2.1', description: 'A field to match that no item has is an error' },
        { value: '2', label: 'n8n 2', description: 'Fuzzy compare looks at the fields both items have' },
        { value: '1', label: 'n8n 1', description: 'Values that differ and are 0, "" or false read as null' },
      ],
    },
  ],
  keywords: ['diff', 'compare', 'sync', 'changes', 'datasets'],
});
