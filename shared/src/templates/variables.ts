import type { Issue } from '../errors.ts';
import { ID_PATTERN } from '../ids.ts';
import { getNodeDefinition } from '../nodes/catalog.ts';
import type { DefinitionNode, WorkflowDefinition } from '../schema/definition.ts';
import type { TemplateTarget, TemplateVariable } from './types.ts';

/**
 * Template variables: checking that they point at something, and applying the
 * values a person gave when using a template. A value replaces the whole
 * target, so a variable never looks inside text.
 */

export type TemplateValues = Readonly<Record<string, unknown>>;

const issue = (path: (string | number)[], message: string): Issue => ({ path, message, severity: 'error' });

/** Definitions and values are JSON; shared has neither DOM nor Node types, so no structuredClone. */
const cloneJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const targetLabel = (t: TemplateTarget): string =>
  'credentialSlot' in t ? `${t.nodeId} credential "${t.credentialSlot}"` : `${t.nodeId} ${t.path.join('.')}`;

/** Problems with variables against the definition they fill in: unknown nodes, slots and parameters. */
export const checkTemplateVariables = (
  definition: WorkflowDefinition,
  variables: readonly TemplateVariable[],
): Issue[] => {
  const nodes = new Map(definition.nodes.map((n) => [n.id, n]));
  const out: Issue[] = [];
  variables.forEach((variable, vi) => {
    variable.targets.forEach((target, ti) => {
      const at = ['variables', vi, 'targets', ti];
      const node = nodes.get(target.nodeId);
      if (!node) {
        out.push(issue(at, `Variable "${variable.key}": no node ${target.nodeId}`));
        return;
      }
      const def = getNodeDefinition(node.type);
      if ('credentialSlot' in target) {
        const slot = def?.credentials?.find((s) => s.name === target.credentialSlot);
        if (!slot) out.push(issue(at, `Variable "${variable.key}": ${targetLabel(target)} does not exist`));
      } else if (def && !def.params.some((p) => p.name === target.path[0])) {
        out.push(issue(at, `Variable "${variable.key}": node ${node.name} has no parameter "${target.path[0] ?? ''}"`));
      }
    });
    if (
      variable.kind === 'options' &&
      variable.default !== undefined &&
      !variable.options?.includes(String(variable.default))
    ) {
      out.push(
        issue(['variables', vi, 'default'], `Variable "${variable.key}": the default is not one of its options`),
      );
    }
  });
  return out;
};

/** The value a variable takes, or an issue saying why the given one does not fit. */
const valueOf = (variable: TemplateVariable, given: unknown): { value: unknown } | { problem: string } | undefined => {
  const raw = given === undefined || given === '' ? variable.default : given;
  if (raw === undefined || raw === '') return variable.required ? { problem: 'is required' } : undefined;
  switch (variable.kind) {
    case 'string':
      return typeof raw === 'string' && raw.length <= 100_000 ? { value: raw } : { problem: 'must be text' };
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? { value: raw } : { problem: 'must be a number' };
    case 'boolean':
      return typeof raw === 'boolean' ? { value: raw } : { problem: 'must be true or false' };
    case 'options':
      return typeof raw === 'string' && variable.options?.includes(raw)
        ? { value: raw }
        : { problem: `must be one of ${(variable.options ?? []).join(', ')}` };
    case 'credential':
    case 'workflow':
      return typeof raw === 'string' && ID_PATTERN.test(raw) ? { value: raw } : { problem: 'must be an id' };
  }
};

/** Sets `value` at `path` inside `root`, creating objects on the way; array rows are addressed by index. */
const setAt = (root: Record<string, unknown>, path: readonly string[], value: unknown): boolean => {
  let container: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    if (Array.isArray(container)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= container.length) return false;
      container = container[index];
    } else if (isRecord(container)) {
      if (!Object.hasOwn(container, key) || !(isRecord(container[key]) || Array.isArray(container[key]))) {
        container[key] = {};
      }
      container = container[key];
    } else {
      return false;
    }
  }
  const last = path[path.length - 1] as string;
  if (Array.isArray(container)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= container.length) return false;
    container[index] = value;
    return true;
  }
  if (!isRecord(container)) return false;
  container[last] = value;
  return true;
};

const setTarget = (node: DefinitionNode, target: TemplateTarget, value: unknown): boolean => {
  if ('credentialSlot' in target) {
    (node.credentials ??= {})[target.credentialSlot] = value as string;
    return true;
  }
  return setAt(node.parameters, target.path, cloneJson(value));
};

export type ApplyResult =
  { ok: true; definition: WorkflowDefinition; credentialIds: string[] } | { ok: false; issues: Issue[] };

/**
 * The template's definition with the values set: every required variable
 * must have one (or a default), and each must fit its kind. Keys that name
 * no variable are refused, so a typo is not silently dropped. Answers the
 * credential ids used, which the caller checks the person may use.
 */
export const applyTemplateValues = (
  definition: WorkflowDefinition,
  variables: readonly TemplateVariable[],
  values: TemplateValues,
): ApplyResult => {
  const issues: Issue[] = [];
  const known = new Set(variables.map((v) => v.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) issues.push(issue(['values', key], `"${key}" is not a variable of this template`));
  }
  const copy = cloneJson(definition);
  const nodes = new Map<string, DefinitionNode>(copy.nodes.map((n) => [n.id, n]));
  const credentialIds = new Set<string>();
  for (const variable of variables) {
    const result = valueOf(variable, Object.hasOwn(values, variable.key) ? values[variable.key] : undefined);
    if (!result) continue;
    if ('problem' in result) {
      issues.push(issue(['values', variable.key], `${variable.label} ${result.problem}`));
      continue;
    }
    if (variable.kind === 'credential') credentialIds.add(result.value as string);
    for (const target of variable.targets) {
      const node = nodes.get(target.nodeId);
      if (!node || !setTarget(node, target, result.value))
        issues.push(issue(['values', variable.key], `${variable.label}: ${targetLabel(target)} cannot be set`));
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, definition: copy, credentialIds: [...credentialIds] };
};

/**
 * The definition as a template keeps it: no credential ids (they name one
 * person's secrets), and one `credential` variable per slot that had one, so
 * whoever uses the template picks their own.
 */
export const withoutCredentials = (
  definition: WorkflowDefinition,
): { definition: WorkflowDefinition; variables: TemplateVariable[] } => {
  const copy = cloneJson(definition);
  const variables: TemplateVariable[] = [];
  const keys = new Set<string>();
  for (const node of copy.nodes) {
    const slots = node.credentials;
    if (!slots) continue;
    delete node.credentials;
    const def = getNodeDefinition(node.type);
    for (const slotName of Object.keys(slots)) {
      const slot = def?.credentials?.find((s) => s.name === slotName);
      if (!slot) continue;
      let key = `${node.name.replace(/[^A-Za-z0-9_]/g, '')}_${slotName}`.replace(/^[^A-Za-z]+/, '') || 'credential';
      key = key.slice(0, 60);
      for (let n = 2; keys.has(key); n++) key = `${key.slice(0, 58)}${n}`;
      keys.add(key);
      variables.push({
        key,
        label: `${node.name}: ${slot.label}`.slice(0, 100),
        required: true,
        kind: 'credential',
        credentialTypes: [...slot.types],
        targets: [{ nodeId: node.id, credentialSlot: slotName }],
      });
    }
  }
  return { definition: copy, variables };
};
