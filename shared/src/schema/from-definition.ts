import * as Y from 'yjs';
import { ErrorCodes, UserError, type Issue } from '../errors.ts';
import type { Origin } from '../origins.ts';
import { pinsMap, type PinRecord } from './pins.ts';
import { edgeId, edgesMap, nodesMap } from './roots.ts';
import { validateDefinition } from './validate.ts';
import { buildNodeMap, initWorkflowDoc, setWorkflowSetting } from './write.ts';

export interface FromDefinitionResult {
  doc: Y.Doc;
  /** Non-fatal findings, e.g. node types kept as unsupported placeholders. */
  warnings: Issue[];
}

/**
 * Builds a new workflow document from a definition, in one transaction.
 * Throws a UserError (`validation_failed`) listing every problem when the
 * definition is invalid; nothing is written then.
 */
export const fromDefinition = (
  input: unknown,
  options: { doc?: Y.Doc; origin?: Origin; pinnedBy?: string; now?: number } = {},
): FromDefinitionResult => {
  const result = validateDefinition(input);
  if (!result.ok) {
    const errors = result.issues.filter((i) => i.severity === 'error');
    throw new UserError(
      ErrorCodes.validationFailed,
      `The workflow definition has ${errors.length} problem${errors.length === 1 ? '' : 's'}`,
      { issues: result.issues },
    );
  }
  const def = result.definition;
  const doc = options.doc ?? new Y.Doc();
  doc.transact(() => {
    initWorkflowDoc(doc, { name: def.name, ...(def.description ? { description: def.description } : {}) });
    if (def.settings.timezone !== undefined) setWorkflowSetting(doc, 'timezone', def.settings.timezone);
    if (def.settings.timeoutSeconds !== undefined)
      setWorkflowSetting(doc, 'timeoutSeconds', def.settings.timeoutSeconds);
    if (def.settings.executionOrder !== undefined)
      setWorkflowSetting(doc, 'executionOrder', def.settings.executionOrder);
    if (def.settings.onEngineLoss !== undefined) setWorkflowSetting(doc, 'onEngineLoss', def.settings.onEngineLoss);
    if (def.settings.errorWorkflow !== undefined) setWorkflowSetting(doc, 'errorWorkflow', def.settings.errorWorkflow);
    if (def.settings.errorWorkflowOnManual !== undefined)
      setWorkflowSetting(doc, 'errorWorkflowOnManual', def.settings.errorWorkflowOnManual);
    if (def.settings.callerPolicy !== undefined) setWorkflowSetting(doc, 'callerPolicy', def.settings.callerPolicy);
    if (def.settings.callerIds !== undefined) setWorkflowSetting(doc, 'callerIds', def.settings.callerIds);
    if (def.settings.minutesSavedPerRun !== undefined)
      setWorkflowSetting(doc, 'minutesSavedPerRun', def.settings.minutesSavedPerRun);
    const nodes = nodesMap(doc);
    for (const node of def.nodes) nodes.set(node.id, buildNodeMap(node));
    const edges = edgesMap(doc);
    // The definition's edge order is kept (an n8n import's connection order, which v0 runs by).
    def.edges.forEach((e, order) => {
      const value = { source: e.source, sourceHandle: e.sourceHandle, target: e.target, targetHandle: e.targetHandle };
      const id = edgeId(value);
      if (!edges.has(id)) edges.set(id, { ...value, order });
    });
    const pins = pinsMap(doc);
    const at = options.now ?? Date.now();
    for (const [id, items] of Object.entries(def.pins ?? {})) {
      // Checked by validateDefinition; written whole, one atomic value a node.
      pins.set(id, { items, by: options.pinnedBy ?? '', at, source: 'import' } satisfies PinRecord);
    }
  }, options.origin);
  return { doc, warnings: result.warnings };
};
