import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../schema/definition.ts';
import { templateVariableSchema, templateVariablesSchema, type TemplateVariable } from './types.ts';
import { applyTemplateValues, checkTemplateVariables, withoutCredentials } from './variables.ts';

const definition = (): WorkflowDefinition => ({
  weft: 1,
  name: 'Uptime',
  settings: {},
  nodes: [
    {
      id: 'trigger',
      name: 'Every hour',
      type: 'scheduleTrigger',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      parameters: {},
    },
    {
      id: 'check',
      name: 'Check',
      type: 'httpRequest',
      typeVersion: 1,
      position: { x: 300, y: 0 },
      parameters: { url: 'https://example.com', headerParameters: [{ name: 'A', value: 'old' }] },
    },
    {
      id: 'alert',
      name: 'Alert',
      type: 'httpRequest',
      typeVersion: 1,
      position: { x: 600, y: 0 },
      parameters: { url: '', authentication: 'credential' },
      credentials: { httpAuth: 'secretOfOlga' },
    },
  ],
  edges: [],
});

const url: TemplateVariable = {
  key: 'url',
  label: 'URL to check',
  required: true,
  kind: 'string',
  targets: [{ nodeId: 'check', path: ['url'] }],
};
const auth: TemplateVariable = {
  key: 'alertAuth',
  label: 'Alert credential',
  required: true,
  kind: 'credential',
  credentialTypes: ['bearer'],
  targets: [{ nodeId: 'alert', credentialSlot: 'httpAuth' }],
};

describe('applyTemplateValues', () => {
  it('replaces each target whole and reports the credential ids used', () => {
    const result = applyTemplateValues(definition(), [url, auth], {
      url: 'http://127.0.0.1:1/{{ $json.x }}',
      alertAuth: 'cred1',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.nodes[1]?.parameters.url).toBe('http://127.0.0.1:1/{{ $json.x }}');
    expect(result.definition.nodes[2]?.credentials).toEqual({ httpAuth: 'cred1' });
    expect(result.credentialIds).toEqual(['cred1']);
  });

  it('leaves the template untouched', () => {
    const def = definition();
    applyTemplateValues(def, [url], { url: 'https://other.example' });
    expect(def.nodes[1]?.parameters.url).toBe('https://example.com');
  });

  it('sets inside lists by index and creates missing objects', () => {
    const header: TemplateVariable = {
      ...url,
      key: 'h',
      targets: [{ nodeId: 'check', path: ['headerParameters', '0', 'value'] }],
    };
    const deep: TemplateVariable = { ...url, key: 'd', targets: [{ nodeId: 'check', path: ['options', 'proxy'] }] };
    const result = applyTemplateValues(definition(), [header, deep], { h: 'new', d: 'p' });
    expect(result.ok && result.definition.nodes[1]?.parameters).toMatchObject({
      headerParameters: [{ name: 'A', value: 'new' }],
      options: { proxy: 'p' },
    });
  });

  it('refuses missing required values, wrong kinds, unknown keys and out-of-range rows', () => {
    const n: TemplateVariable = {
      key: 'n',
      label: 'Count',
      required: false,
      kind: 'number',
      targets: [{ nodeId: 'check', path: ['timeout'] }],
    };
    const row: TemplateVariable = {
      ...url,
      key: 'row',
      targets: [{ nodeId: 'check', path: ['headerParameters', '5', 'value'] }],
    };
    const result = applyTemplateValues(definition(), [url, auth, n, row], {
      n: '12',
      typo: 1,
      alertAuth: '../x',
      row: 'v',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.message).sort()).toEqual([
      '"typo" is not a variable of this template',
      'Alert credential must be an id',
      'Count must be a number',
      'URL to check is required',
      'URL to check: check headerParameters.5.value cannot be set',
    ]);
  });

  it('uses defaults and checks options', () => {
    const method: TemplateVariable = {
      key: 'method',
      label: 'Method',
      required: true,
      kind: 'options',
      options: ['GET', 'HEAD'],
      default: 'HEAD',
      targets: [{ nodeId: 'check', path: ['method'] }],
    };
    const ok = applyTemplateValues(definition(), [method], {});
    expect(ok.ok && ok.definition.nodes[1]?.parameters.method).toBe('HEAD');
    expect(applyTemplateValues(definition(), [method], { method: 'POST' }).ok).toBe(false);
  });
});

describe('template variable schema', () => {
  it('refuses prototype paths, duplicate keys, credential slots on plain variables', () => {
    expect(
      templateVariableSchema.safeParse({ ...url, targets: [{ nodeId: 'check', path: ['__proto__', 'x'] }] }).success,
    ).toBe(false);
    expect(
      templateVariableSchema.safeParse({ ...url, targets: [{ nodeId: 'alert', credentialSlot: 'httpAuth' }] }).success,
    ).toBe(false);
    expect(templateVariableSchema.safeParse({ ...auth, default: 'cred1' }).success).toBe(false);
    expect(templateVariablesSchema.safeParse([url, url]).success).toBe(false);
    expect(templateVariablesSchema.safeParse([url, auth]).success).toBe(true);
  });
});

describe('checkTemplateVariables', () => {
  it('names targets that point at nothing', () => {
    const bad: TemplateVariable[] = [
      { ...url, targets: [{ nodeId: 'nope', path: ['url'] }] },
      { ...url, key: 'p', targets: [{ nodeId: 'check', path: ['noSuchParam'] }] },
      { ...auth, targets: [{ nodeId: 'check', credentialSlot: 'other' }] },
    ];
    expect(checkTemplateVariables(definition(), bad).map((i) => i.message)).toEqual([
      'Variable "url": no node nope',
      'Variable "p": node Check has no parameter "noSuchParam"',
      'Variable "alertAuth": check credential "other" does not exist',
    ]);
    expect(checkTemplateVariables(definition(), [url, auth])).toEqual([]);
  });
});

describe('withoutCredentials', () => {
  it('drops every credential id and turns each slot into a credential variable', () => {
    const { definition: stripped, variables } = withoutCredentials(definition());
    expect(JSON.stringify(stripped)).not.toContain('secretOfOlga');
    expect(variables).toEqual([
      {
        key: 'Alert_httpAuth',
        label: 'Alert: Credential',
        required: true,
        kind: 'credential',
        credentialTypes: ['apiKeyHeader', 'bearer', 'basic'],
        targets: [{ nodeId: 'alert', credentialSlot: 'httpAuth' }],
      },
    ]);
    expect(templateVariablesSchema.safeParse(variables).success).toBe(true);
  });
});
