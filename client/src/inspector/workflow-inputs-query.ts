/**
 * The query of GET /api/workflows/{id}/inputs for an Execute Workflow node's parameters: the version it will
 * call (published by default, the draft, or a named version by its trimmed name, as the engine reads it), or
 * why none can be asked for yet.
 */
export const workflowInputsQuery = (parameters: Record<string, unknown>): { query: string } | { problem: string } => {
  const version = parameters.version;
  if (version === 'draft') return { query: 'version=draft' };
  if (version !== 'named') return { query: 'version=published' };
  const name = typeof parameters.versionName === 'string' ? parameters.versionName.trim() : '';
  if (name === '') return { problem: 'Name the version to call first.' };
  if (name.startsWith('='))
    return { problem: 'The version name is an expression: it is known only when the node runs.' };
  return { query: `version=named&name=${encodeURIComponent(name)}` };
};
