/**
 * Declarative node definitions: what a node type is (ports, parameters,
 * credentials), never how it runs — executors live in engine/, forms in
 * client/. Definitions are plain data so the server can serve them as JSON
 * (`GET /api/nodes/:type`). Parameter names follow n8n's where n8n has the
 * node, so importing n8n JSON is a mapping.
 */

export type NodeCategory = 'trigger' | 'flow' | 'transform' | 'action' | 'utility';

interface ParamBase {
  name: string;
  label: string;
  description?: string;
  /** Must be non-empty before the workflow can run (not enforced while editing). */
  required?: boolean;
  /** Show the field only when every listed parameter has one of the listed values. */
  showWhen?: Record<string, readonly (string | number | boolean)[]>;
}

/** Free text; stored as Y.Text so two people typing in it both keep their characters. */
export interface StringParam extends ParamBase {
  kind: 'string';
  default: string;
  placeholder?: string;
  multiline?: boolean;
}

export interface NumberParam extends ParamBase {
  kind: 'number';
  default: number;
  min?: number;
  max?: number;
  integer?: boolean;
}

export interface BooleanParam extends ParamBase {
  kind: 'boolean';
  default: boolean;
}

export interface OptionsParam extends ParamBase {
  kind: 'options';
  default: string;
  options: readonly { value: string; label: string; description?: string }[];
}

/** JSON written as text (Y.Text); parsed when the node runs. */
export interface JsonParam extends ParamBase {
  kind: 'json';
  default: string;
}

/** Source code (Y.Text). */
export interface CodeParam extends ParamBase {
  kind: 'code';
  language: 'javascript';
  default: string;
}

/** Scalar fields allowed inside a list row. */
export type ListFieldParam = StringParam | NumberParam | BooleanParam | OptionsParam;

/**
 * A list of rows (headers, fields to set, conditions). Stored as one JSON
 * value: concurrent edits of the same list keep the last writer's list.
 */
export interface ListParam extends ParamBase {
  kind: 'list';
  default: readonly Record<string, unknown>[];
  fields: readonly ListFieldParam[];
  addLabel?: string;
}

export type ParamSpec = StringParam | NumberParam | BooleanParam | OptionsParam | JsonParam | CodeParam | ListParam;

export type ParamKind = ParamSpec['kind'];

export interface PortSpec {
  /** Handle name used by edges (`sourceHandle` / `targetHandle`). */
  name: string;
  label: string;
}

/**
 * Outputs whose number follows a list parameter (Switch: one output per rule).
 * Handles are `${prefix}${index}`, index < max.
 */
export interface DynamicOutputs {
  listParam: string;
  prefix: string;
  max: number;
}

export interface CredentialSlot {
  name: string;
  label: string;
  types: readonly string[];
  showWhen?: Record<string, readonly (string | number | boolean)[]>;
}

export interface NodeDefinition {
  type: string;
  version: number;
  label: string;
  description: string;
  category: NodeCategory;
  /** Icon key the client maps to a glyph. */
  icon: string;
  /** Accent colour (#rrggbb). */
  color: string;
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  dynamicOutputs?: DynamicOutputs;
  /** Outputs added after `outputs` while a boolean parameter is on (Respond to Webhook's "Response" branch). */
  optionalOutputs?: { parameter: string; outputs: readonly PortSpec[] };
  params: readonly ParamSpec[];
  credentials?: readonly CredentialSlot[];
  /** Triggers start executions; they have no inputs. */
  trigger?: boolean;
  /** Not executed at all (Sticky Note). */
  annotation?: boolean;
  /** Extra words the palette search matches. */
  keywords?: readonly string[];
}

/**
 * Every node with a main input also has an `error` output that carries the
 * items of a failed run when its `onError` setting is `continueErrorOutput`.
 */
export const ERROR_OUTPUT = 'error';
export const MAIN = 'main';

/** Identity helper that keeps the literal types of a definition. */
export const defineNode = <const T extends NodeDefinition>(definition: T): T => definition;

export const isTextParam = (spec: ParamSpec): spec is StringParam | JsonParam | CodeParam =>
  spec.kind === 'string' || spec.kind === 'json' || spec.kind === 'code';
