import { combinatorParam, conditionFields, conditionsParam, ignoreCaseParam } from './conditions.ts';
import { defineNode, MAIN } from './types.ts';

const mainIn = [{ name: MAIN, label: 'Input' }] as const;
const mainOut = [{ name: MAIN, label: 'Output' }] as const;

export const ifNode = defineNode({
  type: 'if',
  version: 1,
  label: 'IF',
  description: 'Routes each item to "true" or "false" by conditions.',
  category: 'flow',
  icon: 'split',
  color: '#059669',
  inputs: mainIn,
  outputs: [
    { name: 'true', label: 'True' },
    { name: 'false', label: 'False' },
  ],
  params: [conditionsParam('An item goes to "true" when the conditions hold.'), combinatorParam, ignoreCaseParam],
  keywords: ['condition', 'branch', 'if else'],
});

export const switchNode = defineNode({
  type: 'switch',
  version: 1,
  label: 'Switch',
  description: 'Routes each item to the output of the first rule it matches.',
  category: 'flow',
  icon: 'route',
  color: '#059669',
  inputs: mainIn,
  outputs: [],
  dynamicOutputs: { listParam: 'rules', prefix: 'output', max: 32 },
  params: [
    {
      name: 'mode',
      label: 'Mode',
      kind: 'options',
      default: 'rules',
      options: [
        { value: 'rules', label: 'Rules', description: 'One output per rule.' },
        { value: 'expression', label: 'Expression', description: 'An expression returns the output index.' },
      ],
    },
    {
      name: 'rules',
      label: 'Routing rules',
      kind: 'list',
      showWhen: { mode: ['rules'] },
      default: [{ leftValue: '', operator: 'string:equals', rightValue: '', outputKey: '' }],
      fields: [...conditionFields, { name: 'outputKey', label: 'Output name', kind: 'string', default: '' }],
      addLabel: 'Add rule',
    },
    {
      name: 'numberOutputs',
      label: 'Number of outputs',
      kind: 'number',
      default: 4,
      min: 1,
      max: 32,
      integer: true,
      showWhen: { mode: ['expression'] },
    },
    {
      name: 'output',
      label: 'Output index',
      kind: 'string',
      default: '={{ 0 }}',
      showWhen: { mode: ['expression'] },
    },
    {
      name: 'fallbackOutput',
      label: 'Items matching no rule',
      kind: 'options',
      default: 'none',
      showWhen: { mode: ['rules'] },
      options: [
        { value: 'none', label: 'Drop them' },
        { value: 'extra', label: 'Send to a "fallback" output' },
        { value: 'output', label: "Send to one rule's output" },
      ],
    },
    {
      name: 'fallbackOutputIndex',
      label: 'Rule output (0 is the first)',
      kind: 'number',
      default: 0,
      min: 0,
      max: 31,
      integer: true,
      showWhen: { mode: ['rules'], fallbackOutput: ['output'] },
    },
    ignoreCaseParam,
  ],
  keywords: ['route', 'case', 'branch'],
});

export const merge = defineNode({
  type: 'merge',
  version: 1,
  label: 'Merge',
  description: 'Waits for both inputs, then appends, combines or picks their items.',
  category: 'flow',
  icon: 'merge',
  color: '#059669',
  inputs: [
    { name: 'input1', label: 'Input 1' },
    { name: 'input2', label: 'Input 2' },
  ],
  outputs: mainOut,
  params: [
    {
      name: 'mode',
      label: 'Mode',
      kind: 'options',
      default: 'append',
      options: [
        { value: 'append', label: 'Append', description: 'Items of input 1, then items of input 2.' },
        { value: 'combineByFields', label: 'Combine by matching fields' },
        { value: 'combineByPosition', label: 'Combine by position' },
        { value: 'chooseBranch', label: 'Choose branch', description: 'Output the items of one input.' },
      ],
    },
    {
      name: 'fieldsToMatch',
      label: 'Fields to match',
      kind: 'list',
      showWhen: { mode: ['combineByFields'] },
      default: [{ field1: '', field2: '' }],
      fields: [
        { name: 'field1', label: 'Input 1 field', kind: 'string', default: '' },
        { name: 'field2', label: 'Input 2 field', kind: 'string', default: '' },
      ],
      addLabel: 'Add fields to match',
    },
    {
      name: 'joinMode',
      label: 'Output type',
      kind: 'options',
      default: 'keepMatches',
      showWhen: { mode: ['combineByFields'] },
      options: [
        { value: 'keepMatches', label: 'Keep matches' },
        { value: 'keepNonMatches', label: 'Keep non-matches' },
        { value: 'keepEverything', label: 'Keep everything' },
        { value: 'enrichInput1', label: 'Enrich input 1' },
        { value: 'enrichInput2', label: 'Enrich input 2' },
      ],
    },
    {
      name: 'useDataOfInput',
      label: 'Output data of',
      kind: 'options',
      default: 'input1',
      showWhen: { mode: ['chooseBranch'] },
      options: [
        { value: 'input1', label: 'Input 1' },
        { value: 'input2', label: 'Input 2' },
        { value: 'empty', label: 'A single empty item' },
      ],
    },
  ],
  keywords: ['join', 'combine', 'wait'],
});

export const wait = defineNode({
  type: 'wait',
  version: 1,
  label: 'Wait',
  description: 'Pauses the run for a time or until a moment.',
  category: 'flow',
  icon: 'hourglass',
  color: '#7c3aed',
  inputs: mainIn,
  outputs: mainOut,
  params: [
    {
      name: 'resume',
      label: 'Resume',
      kind: 'options',
      default: 'timeInterval',
      options: [
        { value: 'timeInterval', label: 'After a time interval' },
        { value: 'specificTime', label: 'At a specified time' },
      ],
    },
    { name: 'amount', label: 'Amount', kind: 'number', default: 1, min: 0, showWhen: { resume: ['timeInterval'] } },
    {
      name: 'unit',
      label: 'Unit',
      kind: 'options',
      default: 'seconds',
      showWhen: { resume: ['timeInterval'] },
      options: ['seconds', 'minutes', 'hours', 'days'].map((u) => ({ value: u, label: u })),
    },
    {
      name: 'dateTime',
      label: 'Date and time',
      kind: 'string',
      default: '',
      placeholder: '2026-12-24T18:00:00Z',
      showWhen: { resume: ['specificTime'] },
    },
  ],
  keywords: ['delay', 'sleep', 'pause'],
});

export const filter = defineNode({
  type: 'filter',
  version: 1,
  label: 'Filter',
  description: 'Keeps only the items that match the conditions.',
  category: 'flow',
  icon: 'filter',
  color: '#059669',
  inputs: mainIn,
  outputs: mainOut,
  params: [conditionsParam('Items that match are kept; the rest are dropped.'), combinatorParam, ignoreCaseParam],
  keywords: ['where', 'keep', 'drop'],
});

export const noOp = defineNode({
  type: 'noOp',
  version: 1,
  label: 'No Operation',
  description: 'Passes its items through unchanged.',
  category: 'utility',
  icon: 'arrow-right',
  color: '#6b7280',
  inputs: mainIn,
  outputs: mainOut,
  params: [],
  keywords: ['nothing', 'pass', 'noop'],
});

export const stickyNote = defineNode({
  type: 'stickyNote',
  version: 1,
  label: 'Sticky Note',
  description: 'A note on the canvas; never runs.',
  category: 'utility',
  icon: 'note',
  color: '#facc15',
  annotation: true,
  inputs: [],
  outputs: [],
  params: [
    { name: 'content', label: 'Content', kind: 'string', default: '', multiline: true },
    { name: 'width', label: 'Width', kind: 'number', default: 240, min: 80, max: 4000 },
    { name: 'height', label: 'Height', kind: 'number', default: 160, min: 60, max: 4000 },
    {
      name: 'color',
      label: 'Colour',
      kind: 'options',
      default: 'yellow',
      options: ['yellow', 'blue', 'green', 'pink', 'gray'].map((c) => ({ value: c, label: c })),
    },
  ],
  keywords: ['comment', 'annotation', 'note'],
});
