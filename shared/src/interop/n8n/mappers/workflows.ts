import { JSON_EXAMPLE_DEFAULT, workflowInputTypes } from '../../../nodes/workflows.ts';
import { operand, text } from '../conditions.ts';
import { record, type Mapper, type Params } from '../param-reader.ts';

/**
 * Execute Workflow (1–1.4) and Execute Workflow Trigger (1–1.2). The workflow
 * id of 1.1+ is a resource locator `{ __rl, mode, value }`, read as its value;
 * the input mapping (a resource mapper `{ value, schema, … }`) becomes one row
 * per input. Sources other than the database are not carried.
 */

const inputType = (value: unknown): string =>
  (workflowInputTypes as readonly unknown[]).includes(value) ? text(value) : 'any';

/**
 * A mapped value as Weft's text field holds it, giving n8n's value back: null (not set) as empty, text as it
 * is (empty text as an expression, since empty means not set), any other literal as an expression of its JSON.
 */
const valueText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value === '') return '={{ "" }}';
  return operand(value);
};

const executeWorkflow: Mapper = (r) => {
  const out: Params = { source: 'database' };
  const source = r.get('source') ?? 'database';
  if (source !== 'database') {
    r.problem(`its source "${text(source)}" is not carried: Weft runs workflows of its own server, chosen by id`);
  }
  const id = r.get('workflowId');
  // The locator's mode and cached name are the editor's: only its value names the workflow.
  out.workflowId = typeof id === 'object' && id !== null ? text(record(r.carry(id)).value) : text(id);
  const mode = r.get('mode');
  if (mode !== undefined) out.mode = mode;
  const wait = r.get('options.waitForSubWorkflow');
  if (wait !== undefined) out.waitForSubWorkflow = wait;
  const mapping = r.get('workflowInputs');
  if (typeof mapping === 'object' && mapping !== null) {
    const values = record(r.get('workflowInputs.value'));
    const schema = Array.isArray(r.get('workflowInputs.schema')) ? (r.get('workflowInputs.schema') as unknown[]) : [];
    const rows: Params[] = [];
    const seen = new Set<string>();
    for (const entry of schema.map(record)) {
      const name = text(entry.id ?? entry.displayName);
      if (name === '' || seen.has(name)) continue;
      // A field the mapping does not set leaves the item's own value alone (unless it is removed).
      if (!Object.hasOwn(values, name) && entry.removed !== true) continue;
      seen.add(name);
      rows.push({
        name,
        value: valueText(values[name]),
        type: inputType(entry.type),
        removed: entry.removed === true,
      });
    }
    for (const [name, value] of Object.entries(values)) {
      if (!seen.has(name)) rows.push({ name, value: valueText(value), type: 'any', removed: false });
    }
    if (rows.length > 0) out.workflowInputs = rows;
    out.attemptToConvertTypes = r.get('workflowInputs.attemptToConvertTypes') === true;
    // 1.4+ always turns a string input's value into text; before, the mapping's own setting decides.
    out.convertFieldsToString = r.version >= 1.4 || r.get('workflowInputs.convertFieldsToString') === true;
    // The rest (the editor's mapping mode, each field's display flags) changes nothing in a run.
    r.carry(mapping);
  }
  return out;
};

const executeWorkflowTrigger: Mapper = (r) => {
  r.get('events');
  // Version 1 has no input mode: it passes everything through; 1.1+ defaults to the fields below.
  const source = r.version < 1.1 ? 'passthrough' : text(r.get('inputSource') ?? 'workflowInputs');
  const out: Params = { inputSource: source };
  if (source === 'workflowInputs') {
    out.workflowInputs = r
      .rows('workflowInputs.values')
      .map((row) => ({ name: text(row.name), type: row.type === undefined ? 'string' : inputType(row.type) }));
  }
  if (source === 'jsonExample') {
    const example = r.get('jsonExample');
    out.jsonExample = example === undefined ? JSON_EXAMPLE_DEFAULT : text(example);
  }
  return out;
};

export const workflowMappers: Record<string, Mapper> = { executeWorkflow, executeWorkflowTrigger };
