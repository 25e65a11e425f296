import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { git } from './budget.ts';
import { discoverFamilies, familyResult, sampleCoverage, type N8nType } from './coverage.ts';

/**
 * The compatibility doc's facts: what the generators cover is sampled from
 * them, and a recorded result is shown only for the code it ran on.
 */

const dir = mkdtempSync(join(tmpdir(), 'weft-n8n-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (family: string, stamp: Record<string, unknown>) =>
  writeFileSync(
    join(dir, `${family}.json`),
    JSON.stringify({ ...stamp, budget: 300, seed: 1, refused: 0, diverging: 0, reports: [] }),
  );

describe('n8n compatibility doc: recorded results', () => {
  const head = git(['rev-parse', 'HEAD']);

  it('shows a result produced on this commit with no uncommitted code', () => {
    write('fresh', { commit: head, uncommitted: [], at: '2026-12-03T10:00:00Z' });
    expect(familyResult('fresh', [], dir).state).toBe('current');
  });

  it('refuses results that do not say what code they ran on, or ran on uncommitted code', () => {
    write('unstamped', {});
    expect(familyResult('unstamped', [], dir)).toMatchObject({
      state: 'stale',
      why: 'no record of the code it ran on',
    });
    write('dirty', { commit: head, uncommitted: [' M engine/src/nodes/set.ts'] });
    expect(familyResult('dirty', [], dir)).toMatchObject({ state: 'stale' });
  });

  it('refuses results when the code changed since, or is uncommitted now', () => {
    // A commit git does not know cannot be shown to hold the same code.
    write('old', { commit: '0'.repeat(40), uncommitted: [] });
    expect(familyResult('old', [], dir)).toMatchObject({ state: 'stale' });
    write('now-dirty', { commit: head, uncommitted: [] });
    expect(familyResult('now-dirty', [' M shared/src/x.ts'], dir)).toMatchObject({ state: 'stale' });
    expect(familyResult('never-ran', [], dir)).toEqual({ state: 'none' });
  });
});

describe('n8n compatibility doc: coverage sampled from the generators', () => {
  it('finds the node families and sees the versions, choices, operators and item sets their cases use', async () => {
    const families = await discoverFamilies();
    expect(families.map((f) => f.name)).toEqual(expect.arrayContaining(['conditions', 'set', 'switch']));
    const ifType: N8nType = {
      type: 'if',
      label: 'If',
      versions: [2, 2.1, 2.2, 2.3],
      choices: new Map([['conditions.combinator', { label: 'Combinator', values: new Set(['and', 'or']) }]]),
      options: new Map([['options.ignoreCase', 'Ignore Case']]),
    };
    const conditions = families.filter((f) => f.name === 'conditions');
    const seen = (await sampleCoverage(conditions, [ifType])).get('if');
    expect(seen?.versions).toEqual(new Set([2, 2.1, 2.2, 2.3]));
    expect(seen?.choices.get('conditions.combinator')).toEqual(new Set(['and', 'or']));
    expect(seen?.options.has('options.ignoreCase')).toBe(true);
    expect(seen?.operators.has('string:notRegex')).toBe(true);
    expect(seen?.itemKinds.has('empty input')).toBe(true);
    expect(seen?.valueForms.has('expressions and plain values')).toBe(true);
  });

  it('credits the Sticky Note some cases put on the canvas to their family', async () => {
    const noOp = (await discoverFamilies()).filter((f) => f.name === 'noOp');
    const seen = await sampleCoverage(noOp, []);
    expect(seen.get('noOp')?.families).toEqual(new Set(['noOp']));
    expect(seen.get('stickyNote')?.families).toEqual(new Set(['noOp']));
  });

  it('credits the nodes of whole workflows to the family that runs them: children, the random workflows', async () => {
    const calls = (await discoverFamilies()).filter((f) => f.name === 'executeWorkflow');
    const seen = await sampleCoverage(calls, [], { graphs: true });
    // The child's Execute Workflow Trigger runs in every executeWorkflow case; Loop Over Items only in graphs.
    expect(seen.get('executeWorkflowTrigger')?.families).toEqual(new Set(['executeWorkflow']));
    expect([...(seen.get('executeWorkflowTrigger')?.versions ?? [])].sort()).toEqual([1, 1.1, 1.2]);
    expect(seen.get('splitInBatches')?.families).toEqual(new Set(['graphs']));
    expect(seen.get('splitInBatches')?.versions).toEqual(new Set([3]));
  });
});
