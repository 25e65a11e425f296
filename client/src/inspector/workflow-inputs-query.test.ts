import { describe, expect, it } from 'vitest';
import { workflowInputsQuery } from './workflow-inputs-query.ts';

describe('workflowInputsQuery', () => {
  it.each([
    [{}, { query: 'version=published' }],
    [{ version: 'published', versionName: 'ignored' }, { query: 'version=published' }],
    [{ version: 'draft' }, { query: 'version=draft' }],
    [{ version: 'named', versionName: 'Release 2' }, { query: 'version=named&name=Release%202' }],
    [{ version: 'named', versionName: '  v1 & more ' }, { query: 'version=named&name=v1%20%26%20more' }],
    [{ version: 'named', versionName: '' }, { problem: 'Name the version to call first.' }],
    [{ version: 'named' }, { problem: 'Name the version to call first.' }],
    [
      { version: 'named', versionName: '={{ $json.v }}' },
      { problem: 'The version name is an expression: it is known only when the node runs.' },
    ],
  ])('%j', (parameters, expected) => {
    expect(workflowInputsQuery(parameters)).toEqual(expected);
  });
});
