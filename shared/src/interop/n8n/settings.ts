import { isValidId } from '../../ids.ts';
import { onErrorValues, type DefinitionNode, type OnError, type WorkflowSettings } from '../../schema/definition.ts';
import type { N8nNode, N8nWorkflow } from './n8n-file.ts';

/**
 * n8n's node settings (the node's Settings tab) and workflow settings: each
 * is carried over to Weft's own, or named in a warning with what Weft does
 * instead. A setting left at n8n's default says nothing.
 */

export type Warn = (path: (string | number)[], message: string) => void;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));

const onErrorOf = (n: N8nNode): OnError | undefined => {
  if (n.onError !== undefined && (onErrorValues as readonly string[]).includes(n.onError)) return n.onError as OnError;
  // n8n 1.x and 2.x ignore the old `errorOutput` flag: without `onError`, continueOnFail continues on the regular output.
  if (n.continueOnFail) return 'continueRegularOutput';
  return undefined;
};

/** Node fields the import reads (here or in from-n8n.ts), and n8n's bookkeeping that does not change a run. */
const readNodeFields = new Set([
  'id',
  'name',
  'type',
  'typeVersion',
  'position',
  'parameters',
  'disabled',
  'notes',
  'notesInFlow',
  'continueOnFail',
  'errorOutput',
  'onError',
  'retryOnFail',
  'maxTries',
  'waitBetweenTries',
  'alwaysOutputData',
  'executeOnce',
  'credentials',
  'webhookId',
  // Which credential type a generic HTTP node's credential extends: named with the credentials.
  'extendsCredential',
]);

/** Carries `n`'s settings onto `node`; warns, for node `label`, about the ones Weft has not. */
export const carryNodeSettings = (n: N8nNode, node: DefinitionNode, at: (string | number)[], warn: Warn): void => {
  const label = `Node "${n.name}"`;
  if (n.disabled) node.disabled = true;
  if (n.notes) {
    node.notes = n.notes.slice(0, 100_000);
    if (n.notesInFlow)
      warn(
        [...at, 'notesInFlow'],
        `${label}: setting "Display Note in Flow" is not carried over: Weft shows a node's notes in its inspector, not on the canvas`,
      );
  }
  const onError = onErrorOf(n);
  if (onError && onError !== 'stopWorkflow') node.onError = onError;
  if (n.onError !== undefined && !(onErrorValues as readonly string[]).includes(n.onError))
    warn(
      [...at, 'onError'],
      `${label}: setting "On Error" = "${n.onError.slice(0, 40)}" is unknown; the node stops the workflow on an error`,
    );
  if (n.retryOnFail) {
    node.retryOnFail = true;
    if (n.maxTries !== undefined) {
      node.maxTries = clamp(n.maxTries, 1, 10);
      if (node.maxTries !== n.maxTries)
        warn(
          [...at, 'maxTries'],
          `${label}: setting "Max. Tries" = ${n.maxTries} is outside Weft's 1–10; it tries ${node.maxTries} times`,
        );
    }
    if (n.waitBetweenTries !== undefined) {
      node.waitBetweenTries = clamp(n.waitBetweenTries, 0, 3_600_000);
      if (node.waitBetweenTries !== n.waitBetweenTries)
        warn(
          [...at, 'waitBetweenTries'],
          `${label}: setting "Wait Between Tries (ms)" = ${n.waitBetweenTries} is outside Weft's 0–3,600,000; it waits ${node.waitBetweenTries} ms`,
        );
    }
  }
  const credentials = Object.entries(n.credentials ?? {});
  if (credentials.length > 0) {
    const names = credentials.map(([type, value]) => {
      const name = typeof value === 'object' && value !== null && 'name' in value ? String(value.name) : '';
      return name ? `${type} "${name.slice(0, 80)}"` : type;
    });
    warn(
      [...at, 'credentials'],
      `${label}: n8n credentials (${names.join(', ')}) are not imported: choose a Weft credential for the node`,
    );
  }
  if (n.alwaysOutputData) node.alwaysOutputData = true;
  if (n.executeOnce) node.executeOnce = true;
  for (const [key, value] of Object.entries(n)) {
    if (readNodeFields.has(key) || value === undefined || value === null || value === false || value === '') continue;
    const shown = JSON.stringify(value).slice(0, 80);
    warn([...at, key], `${label}: setting "${key}" = ${shown} is not carried over: Weft has no such node setting`);
  }
  // n8n serves a path with parameters (`users/:id`) only under the node's id (`/webhook/<id>/users/:id`):
  // the Webhook node keeps the id so that URL keeps answering in Weft (a plain path's URL is the path).
  const path = node.type === 'webhook' && typeof n.parameters?.path === 'string' ? n.parameters.path : '';
  if (n.webhookId && (path.startsWith(':') || path.includes('/:'))) {
    if (/^[A-Za-z0-9._~-]{1,128}$/.test(n.webhookId)) node.parameters.webhookId = n.webhookId;
    else
      warn(
        [...at, 'webhookId'],
        `${label}: its n8n URL began with the webhook id "${n.webhookId.slice(0, 64)}", which Weft does not serve (not a plain URL segment); it answers at /webhook/ and its path`,
      );
  }
};

/** n8n's workflow settings that Weft has no equivalent of, with n8n's defaults (which say nothing). */
const uncarriedSettings: Record<string, { label: string; defaults: readonly unknown[]; why: string }> = {
  errorWorkflow: {
    label: 'Error Workflow',
    defaults: ['', 'DEFAULT'],
    why: "that is n8n's id of a workflow, which means nothing in Weft: choose the error workflow in the workflow's settings",
  },
  saveManualExecutions: {
    label: 'Save Manual Executions',
    defaults: [true, 'DEFAULT'],
    why: 'Weft keeps executions by its own retention',
  },
  saveDataErrorExecution: {
    label: 'Save Failed Production Executions',
    defaults: ['all', 'DEFAULT'],
    why: 'Weft keeps executions by its own retention',
  },
  saveDataSuccessExecution: {
    label: 'Save Successful Production Executions',
    defaults: ['all', 'DEFAULT'],
    why: 'Weft keeps executions by its own retention',
  },
  saveExecutionProgress: {
    label: 'Save Execution Progress',
    defaults: [false, 'DEFAULT'],
    why: 'Weft keeps executions by its own retention',
  },
};

/** n8n's "This Workflow Can Be Called By" → Weft's callerPolicy (docs/plans/n8n-daily.md §6.1). */
const callerPolicies: Record<string, WorkflowSettings['callerPolicy']> = {
  workflowsFromSameOwner: 'members',
  any: 'any',
  none: 'none',
  workflowsFromAList: 'list',
};

/** Workflow fields the import reads, and n8n's bookkeeping (ids, sharing, versions, editor state). */
const readWorkflowFields = new Set([
  'name',
  'nodes',
  'connections',
  'settings',
  'pinData',
  'description',
  'id',
  'active',
  'activeVersionId',
  'versionId',
  'versionCounter',
  'meta',
  'tags',
  'hash',
  'createdAt',
  'updatedAt',
  'triggerCount',
  'shared',
  'isArchived',
  'parentFolder',
  'homeProject',
  'sharedWithProjects',
  'scopes',
  'usedCredentials',
]);

/** Bookkeeping of n8n's (statistics, sharing): no effect on what a run does. */
const ignoredSettings = new Set(['timeSavedMode', 'availableInMCP', 'binaryMode']);

/** Weft's workflow settings from n8n's, warning about the rest. */
export const carryWorkflowSettings = (workflow: N8nWorkflow, warn: Warn): WorkflowSettings => {
  // A workflow without the setting runs in n8n's legacy order (WorkflowExecute: anything but "v1" is v0).
  const settings: WorkflowSettings = { executionOrder: workflow.settings?.executionOrder === 'v1' ? 'v1' : 'v0' };
  for (const [key, value] of Object.entries(workflow.settings ?? {})) {
    if (value === undefined || value === null || ignoredSettings.has(key)) continue;
    if (key === 'timezone') {
      if (typeof value === 'string' && value !== 'DEFAULT' && value !== '') settings.timezone = value.slice(0, 64);
      continue;
    }
    if (key === 'executionOrder') {
      // n8n runs anything but "v1" in its legacy order; so does Weft.
      if (value !== 'v1' && value !== 'v0')
        warn(
          ['settings', key],
          `Workflow setting "Execution Order" = ${JSON.stringify(value).slice(0, 40)} is unknown: the workflow runs in n8n's legacy order ("v0"), as in n8n`,
        );
      continue;
    }
    if (key === 'executionTimeout') {
      if (typeof value === 'number' && value > 0) {
        settings.timeoutSeconds = clamp(value, 1, 86_400);
        if (settings.timeoutSeconds !== value)
          warn(
            ['settings', key],
            `Workflow setting "Timeout Workflow" = ${value} s is outside Weft's 1–86,400 s; it times out after ${settings.timeoutSeconds} s`,
          );
      }
      continue;
    }
    // n8n's "Estimated time saved" (minutes per production run) is Weft's minutesSavedPerRun (insights).
    if (key === 'timeSavedPerExecution') {
      // In n8n's "dynamic" mode nodes of the run report the time saved: Weft has no such node, so nothing is carried.
      const fixed = workflow.settings?.timeSavedMode !== 'dynamic';
      if (fixed && typeof value === 'number' && Number.isFinite(value) && value > 0)
        settings.minutesSavedPerRun = Math.min(value, 100_000);
      continue;
    }
    if (key === 'callerPolicy' && typeof value === 'string' && callerPolicies[value]) {
      settings.callerPolicy = callerPolicies[value];
      continue;
    }
    if (key === 'callerIds') {
      const ids = (typeof value === 'string' ? value.split(',') : [])
        .map((id) => id.trim())
        .filter((id) => isValidId(id))
        .slice(0, 1000);
      if (ids.length > 0) {
        settings.callerIds = ids;
        warn(
          ['settings', key],
          `Workflow setting "IDs of Workflows That Can Call This One" keeps n8n's workflow ids (${ids.length}); workflows imported into Weft get new ids, so list theirs in the workflow's settings`,
        );
      }
      continue;
    }
    const known = uncarriedSettings[key];
    if (known?.defaults.includes(value)) continue;
    const shown = JSON.stringify(value).slice(0, 80);
    warn(
      ['settings', key],
      known
        ? `Workflow setting "${known.label}" (settings.${key}) = ${shown} is not carried over: ${known.why}`
        : `Workflow setting "${key}" (settings.${key}) = ${shown} is not carried over: Weft has no such setting`,
    );
  }
  const staticData = workflow.staticData;
  if (typeof staticData === 'object' && staticData !== null && Object.keys(staticData).length > 0)
    warn(
      ['staticData'],
      "n8n's stored trigger state (staticData: polling positions, last ids) is not imported: Weft's triggers start afresh",
    );
  for (const [key, value] of Object.entries(workflow)) {
    if (readWorkflowFields.has(key) || key === 'staticData' || value === undefined || value === null) continue;
    warn(
      [key],
      `Workflow field "${key}" = ${JSON.stringify(value).slice(0, 80)} is not carried over: Weft has no such field`,
    );
  }
  // pinData is imported as pins (pins.ts): it warns there, about a pin that names no node or breaks a limit.
  return settings;
};
