import { defineNode, MAIN } from './types.ts';

/**
 * Sub-workflows (docs/plans/n8n-daily.md §6): a workflow that starts with
 * Execute Workflow Trigger is called by another's Execute Workflow node, which
 * the server runs as a child execution linked to its parent.
 */

/** The types a workflow input may declare (n8n's workflowInputsResourceMapping TYPE_OPTIONS). */
export const workflowInputTypes = ['any', 'string', 'number', 'boolean', 'array', 'object'] as const;
export type WorkflowInputType = (typeof workflowInputTypes)[number];

const typeOptions = [
  { value: 'any', label: 'Allow any type' },
  { value: 'string', label: 'String' },
  { value: 'number', label: 'Number' },
  { value: 'boolean', label: 'Boolean' },
  { value: 'array', label: 'Array' },
  { value: 'object', label: 'Object' },
] as const;

/** n8n's example for "Define using JSON example". */
export const JSON_EXAMPLE_DEFAULT = JSON.stringify(
  { aField: 'a string', aNumber: 123, thisFieldAcceptsAnyType: null, anArray: [] },
  null,
  2,
);

export const executeWorkflowTrigger = defineNode({
  type: 'executeWorkflowTrigger',
  version: 1,
  label: 'Execute Workflow Trigger',
  description: 'Starts the workflow when another workflow calls it with Execute Workflow.',
  category: 'trigger',
  icon: 'workflow-trigger',
  color: '#374151',
  trigger: true,
  inputs: [],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'inputSource',
      label: 'Input data mode',
      kind: 'options',
      default: 'passthrough',
      options: [
        { value: 'workflowInputs', label: 'Define using fields below', description: 'Only the fields listed.' },
        { value: 'jsonExample', label: 'Define using JSON example', description: 'The fields of an example object.' },
        { value: 'passthrough', label: 'Accept all data', description: 'Everything the calling node passes.' },
      ],
    },
    {
      name: 'workflowInputs',
      label: 'Workflow input schema',
      kind: 'list',
      default: [],
      showWhen: { inputSource: ['workflowInputs'] },
      fields: [
        { name: 'name', label: 'Name', kind: 'string', default: '', placeholder: 'fieldName' },
        { name: 'type', label: 'Type', kind: 'options', default: 'string', options: typeOptions },
      ],
      addLabel: 'Add field',
    },
    {
      name: 'jsonExample',
      label: 'JSON example',
      kind: 'json',
      default: JSON_EXAMPLE_DEFAULT,
      showWhen: { inputSource: ['jsonExample'] },
      description: 'Its fields and their types are the inputs; a field set to null accepts any type.',
    },
  ],
  keywords: ['sub-workflow', 'subworkflow', 'called', 'execute workflow', 'input'],
});

export const executeWorkflow = defineNode({
  type: 'executeWorkflow',
  version: 1,
  label: 'Execute Workflow',
  description: 'Runs another workflow (it starts with Execute Workflow Trigger) and, by default, waits for its result.',
  category: 'flow',
  icon: 'workflow',
  color: '#374151',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'source',
      label: 'Source',
      kind: 'options',
      default: 'database',
      options: [{ value: 'database', label: 'A workflow of this server', description: 'Chosen by its id.' }],
    },
    {
      name: 'workflowId',
      label: 'Workflow id',
      kind: 'string',
      default: '',
      required: true,
      description: 'The id in the workflow’s address (/w/<id>). In "once" mode an expression reads the first item.',
    },
    {
      name: 'version',
      label: 'Version',
      kind: 'options',
      default: 'published',
      options: [
        { value: 'published', label: 'Published', description: 'The version its owner published.' },
        { value: 'named', label: 'A named version', description: 'A version saved in its history under a name.' },
        { value: 'draft', label: 'Draft', description: 'The document as it is now (manual and test runs only).' },
      ],
    },
    {
      name: 'versionName',
      label: 'Version name',
      kind: 'string',
      default: '',
      showWhen: { version: ['named'] },
    },
    {
      name: 'workflowInputs',
      label: 'Workflow inputs',
      kind: 'list',
      default: [],
      description: 'Each is set on every item passed (an expression reads the item); the trigger keeps its own fields.',
      fields: [
        { name: 'name', label: 'Input', kind: 'string', default: '' },
        { name: 'value', label: 'Value', kind: 'string', default: '' },
        { name: 'type', label: 'Type', kind: 'options', default: 'any', options: typeOptions },
        { name: 'removed', label: 'Removed', kind: 'boolean', default: false },
      ],
      addLabel: 'Add input',
    },
    {
      name: 'attemptToConvertTypes',
      label: 'Attempt to convert types',
      kind: 'boolean',
      // Weft's values are typed as text ("5"), so a new node converts; an import keeps n8n's setting.
      default: true,
      description: 'A value of another type is converted ("5" to 5) instead of failing the node.',
    },
    {
      name: 'convertFieldsToString',
      label: 'Convert to string',
      kind: 'boolean',
      default: true,
      description: 'A value given to a string input becomes text (n8n 1.4+ always does).',
    },
    {
      name: 'mode',
      label: 'Mode',
      kind: 'options',
      default: 'once',
      options: [
        { value: 'once', label: 'Run once with all items', description: 'One run of the workflow gets every item.' },
        { value: 'each', label: 'Run once for each item', description: 'One run per item.' },
      ],
    },
    {
      name: 'waitForSubWorkflow',
      label: 'Wait for the workflow to finish',
      kind: 'boolean',
      default: true,
      description: 'Off: the node passes its input on as soon as the run is started.',
    },
  ],
  keywords: ['sub-workflow', 'subworkflow', 'call', 'run workflow'],
});

export interface WorkflowInputField {
  name: string;
  type: WorkflowInputType;
}

/** The fields of n8n's JSON example (generate-schema's types; null accepts any type), or n8n's refusal. */
export const fieldsOfExample = (text: string): WorkflowInputField[] | { error: string } => {
  let example: unknown;
  try {
    example = JSON.parse(text);
  } catch (e) {
    return { error: `The JSON example is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof example !== 'object' || example === null || Array.isArray(example)) {
    const type = example === null ? 'null' : Array.isArray(example) ? 'array' : typeof example;
    return { error: `Invalid JSON schema type. Only object type is supported, but got ${type}` };
  }
  return Object.entries(example).map(([name, value]) => ({
    name,
    type:
      value === null
        ? 'any'
        : Array.isArray(value)
          ? 'array'
          : (typeof value as 'string' | 'number' | 'boolean' | 'object'),
  }));
};

const isInputType = (value: unknown): value is WorkflowInputType =>
  (workflowInputTypes as readonly unknown[]).includes(value);

/**
 * The fields an Execute Workflow Trigger declares (its parameters, defaults filled in); undefined in "accept all
 * data"; the refusal when its JSON example cannot be read.
 */
export const triggerFields = (
  params: Record<string, unknown>,
): WorkflowInputField[] | undefined | { error: string } => {
  const source = params.inputSource;
  if (source === 'jsonExample')
    return fieldsOfExample(typeof params.jsonExample === 'string' ? params.jsonExample : '');
  if (source !== 'workflowInputs') return undefined;
  const rows = Array.isArray(params.workflowInputs) ? (params.workflowInputs as unknown[]) : [];
  return rows.flatMap((row) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return [];
    const { name, type } = row as { name?: unknown; type?: unknown };
    return typeof name === 'string' ? [{ name, type: isInputType(type) ? type : 'string' }] : [];
  });
};
