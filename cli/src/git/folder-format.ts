import { join } from 'node:path';
import { ID_PATTERN } from '#shared/ids.ts';
import { getNodeDefinition, getParamSpec } from '#shared/nodes/catalog.ts';
import { isTextParam, type ParamSpec } from '#shared/nodes/types.ts';
import { edgeId } from '#shared/schema/roots.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import type { DefinitionNode, WorkflowDefinition } from '#shared/schema/definition.ts';
import { canonicalJson } from '#shared/schema/diff/canonical-json.ts';
import { fileError, GitFolderError } from './errors.ts';
import { claimName, isSafeName, slugify } from './file-names.ts';
import { readTextFile } from './fs-safe.ts';

/**
 * The folder format (docs/git-folders.md): one folder per workflow holding
 * `workflow.json` — the workflow definition plus its `id`, sorted keys, nodes
 * in id order, one node per block — and one file per long text: every code
 * parameter (`<node>.js`), and any other text parameter, node note or
 * description that spans lines. Such a value reads `{ "$file": "<name>" }` in
 * workflow.json; the file holds the text byte for byte (no newline added).
 */

export const WORKFLOW_FILE = 'workflow.json';
const DESCRIPTION_FILE = 'description.md';

/** workflow.json may be large (10,000 nodes); a text file is one parameter. */
export const MAX_WORKFLOW_FILE_BYTES = 50 * 1024 * 1024;
export const MAX_TEXT_FILE_BYTES = 5 * 1024 * 1024;

/** A workflow as files: file name → content. */
export type WorkflowFiles = Map<string, string>;

interface FileRef {
  $file: string;
}

const isFileRef = (value: unknown): value is FileRef =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  typeof (value as { $file?: unknown }).$file === 'string';

const textSpec = (type: string, name: string): ParamSpec | undefined => {
  const spec = getParamSpec(type, name);
  return spec && isTextParam(spec) ? spec : undefined;
};

const extensionOf = (spec: ParamSpec): string =>
  spec.kind === 'code' ? '.js' : spec.kind === 'json' ? '.json' : '.txt';

const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The files of one workflow. Deterministic: the same definition gives the same names and bytes. */
export const renderWorkflow = (id: string, definition: WorkflowDefinition): WorkflowFiles => {
  const files: WorkflowFiles = new Map();
  const taken = new Set([WORKFLOW_FILE, DESCRIPTION_FILE]);
  const external = (base: string, ext: string, content: string): FileRef => {
    const name = claimName(base, ext, taken);
    files.set(name, content);
    return { $file: name };
  };

  const renderNode = (node: DefinitionNode): Record<string, unknown> => {
    const slug = slugify(node.name, 'node');
    const codeParams = getNodeDefinition(node.type)?.params.filter((p) => p.kind === 'code').length ?? 0;
    const parameters = Object.entries(node.parameters)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]): [string, unknown] => {
        const spec = textSpec(node.type, name);
        if (!spec || typeof value !== 'string' || (spec.kind !== 'code' && !value.includes('\n'))) return [name, value];
        const base = spec.kind === 'code' && codeParams === 1 ? slug : `${slug}.${slugify(name, 'param')}`;
        return [name, external(base, extensionOf(spec), value)];
      });
    const out: Record<string, unknown> = { ...node, parameters: Object.fromEntries(parameters) };
    if (node.notes?.includes('\n')) out.notes = external(`${slug}.notes`, '.md', node.notes);
    return out;
  };

  const file: Record<string, unknown> = {
    id,
    weft: definition.weft,
    name: definition.name,
    settings: definition.settings,
    nodes: [...definition.nodes].sort(byId).map(renderNode),
    edges: definition.edges
      .map((e) => ({ source: e.source, sourceHandle: e.sourceHandle, target: e.target, targetHandle: e.targetHandle }))
      .sort((a, b) => (edgeId(a) < edgeId(b) ? -1 : edgeId(a) > edgeId(b) ? 1 : 0)),
  };
  // Pinned data rides in workflow.json (docs/plans/n8n-daily.md §2.1): push diffs it per node.
  if (definition.pins && Object.keys(definition.pins).length > 0) file.pins = definition.pins;
  if (definition.description !== undefined && definition.description.length > 0) {
    if (definition.description.includes('\n')) {
      files.set(DESCRIPTION_FILE, definition.description);
      file.description = { $file: DESCRIPTION_FILE };
    } else file.description = definition.description;
  }
  files.set(WORKFLOW_FILE, canonicalJson(file));
  return files;
};

export interface ParsedWorkflow {
  /** Absent in a new workflow's file: push creates it. */
  id: string | undefined;
  definition: WorkflowDefinition;
  /** Validation warnings (unsupported node types, unknown parameters): pushed anyway. */
  warnings: string[];
  /** The text files workflow.json refers to. */
  files: string[];
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

const nodeLabel = (node: Record<string, unknown>, index: number): string => {
  const name = typeof node.name === 'string' ? `"${node.name}"` : `#${index + 1}`;
  return typeof node.id === 'string' ? `node ${name} (${node.id})` : `node ${name}`;
};

/**
 * Reads one workflow folder back into a validated definition. Throws a
 * GitFolderError naming the file (`label`/workflow.json or the text file) and
 * listing every problem; nothing is pushed for such a folder.
 */
export const readWorkflowFolder = async (folderPath: string, label: string): Promise<ParsedWorkflow> => {
  const fileLabel = `${label}/${WORKFLOW_FILE}`;
  const text = await readTextFile(join(folderPath, WORKFLOW_FILE), fileLabel, MAX_WORKFLOW_FILE_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw fileError(fileLabel, [`is not valid JSON (${(error as Error).message})`]);
  }
  const root = asRecord(raw);
  if (!root) throw fileError(fileLabel, ['must hold one JSON object']);
  const { id, ...rest } = root;
  if (id !== undefined && (typeof id !== 'string' || !ID_PATTERN.test(id))) {
    throw fileError(fileLabel, [
      '"id" must be a workflow id (1–64 letters, digits, "_" or "-"), or absent for a new one',
    ]);
  }

  const problems: string[] = [];
  const files = new Set<string>();
  const readRef = async (ref: FileRef, where: string): Promise<string | undefined> => {
    if (!isSafeName(ref.$file)) {
      problems.push(`${where}: "${ref.$file}" must be a file name in the same folder`);
      return undefined;
    }
    files.add(ref.$file);
    try {
      return await readTextFile(join(folderPath, ref.$file), `${label}/${ref.$file}`, MAX_TEXT_FILE_BYTES);
    } catch (error) {
      if (error instanceof GitFolderError) problems.push(`${where}: ${error.message}`);
      else throw error;
      return undefined;
    }
  };

  if (isFileRef(rest.description)) rest.description = await readRef(rest.description, 'description');
  if (Array.isArray(rest.nodes)) {
    rest.nodes = await Promise.all(
      rest.nodes.map(async (entry: unknown, index) => {
        const node = asRecord(entry);
        if (!node) return entry;
        const copy: Record<string, unknown> = { ...node };
        const label = nodeLabel(node, index);
        if (isFileRef(node.notes)) copy.notes = await readRef(node.notes, `${label}, notes`);
        const params = asRecord(node.parameters);
        if (params && typeof node.type === 'string') {
          const type = node.type;
          // Entries, not assignment: a parameter named "__proto__" stays a parameter.
          const resolved: [string, unknown][] = [];
          for (const [name, value] of Object.entries(params)) {
            if (isFileRef(value) && textSpec(type, name)) {
              resolved.push([name, await readRef(value, `${label}, parameter "${name}"`)]);
            } else if (isFileRef(value) && getParamSpec(type, name)) {
              problems.push(`${label}, parameter "${name}": only text and code parameters can be kept in a file`);
            } else resolved.push([name, value]);
          }
          copy.parameters = Object.fromEntries(resolved);
        }
        return copy;
      }),
    );
  }
  if (problems.length > 0) throw fileError(fileLabel, problems);

  const result = validateDefinition(rest);
  if (!result.ok) {
    throw fileError(
      fileLabel,
      result.issues.filter((i) => i.severity === 'error').map((i) => i.message),
    );
  }
  return {
    id: typeof id === 'string' ? id : undefined,
    definition: result.definition,
    warnings: result.warnings.map((w) => w.message),
    files: [...files].sort(),
  };
};
