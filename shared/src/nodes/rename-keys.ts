import { defineNode, MAIN } from './types.ts';

export const renameKeys = defineNode({
  type: 'renameKeys',
  version: 1,
  label: 'Rename Keys',
  description: 'Renames fields of each item, by name or by regular expression.',
  category: 'transform',
  icon: 'replace',
  color: '#4f46e5',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'keys',
      label: 'Keys',
      description: 'Dotted names reach inside objects ("level1.level2"). Each row reads the item as it came in.',
      kind: 'list',
      default: [],
      fields: [
        { name: 'currentKey', label: 'Current key name', kind: 'string', default: '', placeholder: 'currentKey' },
        { name: 'newKey', label: 'New key name', kind: 'string', default: '', placeholder: 'newKey' },
      ],
      addLabel: 'Add key',
    },
    {
      name: 'regexReplacement',
      label: 'Regular expressions',
      description:
        'Every key matching the expression is renamed, after the keys above (which it may rename again). Each match may take up to 250 ms.',
      kind: 'list',
      default: [],
      fields: [
        { name: 'searchRegex', label: 'Regular expression', kind: 'string', default: '', placeholder: 'e.g. [N-n]ame' },
        { name: 'replaceRegex', label: 'Replace with', kind: 'string', default: '', placeholder: 'e.g. $1_name' },
        { name: 'caseInsensitive', label: 'Case insensitive', kind: 'boolean', default: false },
        {
          name: 'depth',
          label: 'Max depth',
          description: '-1 for unlimited, 0 for top-level keys only.',
          kind: 'number',
          default: -1,
          integer: true,
        },
      ],
      addLabel: 'Add regular expression',
    },
  ],
  keywords: ['rename', 'keys', 'fields', 'regex'],
});
