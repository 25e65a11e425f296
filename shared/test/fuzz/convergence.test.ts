import { describe, expect, it } from 'vitest';
import { findViolations, hasViolations, readPins, toDefinition, validateDefinition } from '../../src/schema/index.ts';
import { sameState } from '../replicas.ts';
import { FuzzNetwork } from './harness.ts';

/**
 * Randomized convergence (SPEC DOC6, DOC9). Short in CI; for a long run:
 *   WEFT_FUZZ_RUNS=500 WEFT_FUZZ_STEPS=3000 npx vitest run shared/test/fuzz
 * Reproduce a failure with WEFT_FUZZ_SEED=<seed printed in the failure>.
 */
const runs = Number(process.env.WEFT_FUZZ_RUNS ?? 24);
const steps = Number(process.env.WEFT_FUZZ_STEPS ?? 600);
const clients = Number(process.env.WEFT_FUZZ_CLIENTS ?? 12);
const fixedSeed = process.env.WEFT_FUZZ_SEED ? Number(process.env.WEFT_FUZZ_SEED) : undefined;
const baseSeed = fixedSeed ?? Date.now() % 1_000_000_000;
const seeds = fixedSeed !== undefined ? [fixedSeed] : Array.from({ length: runs }, (_, i) => baseSeed + i);

const checkDefinitionValid = (net: FuzzNetwork, when: string): void => {
  for (const doc of [net.hub, ...net.clients.map((c) => c.doc)]) {
    const definition = toDefinition(doc);
    const result = validateDefinition(definition);
    if (!result.ok) throw new Error(`${when}: invalid definition: ${JSON.stringify(result.issues.slice(0, 3))}`);
    const names = definition.nodes.map((n) => n.name);
    if (new Set(names).size !== names.length) throw new Error(`${when}: duplicate names ${names.join(', ')}`);
    const ids = new Set(definition.nodes.map((n) => n.id));
    for (const e of definition.edges) {
      if (!ids.has(e.source) || !ids.has(e.target)) throw new Error(`${when}: dangling edge ${e.id}`);
    }
  }
};

let totalRepairs = 0;
let pinOps = 0;

const runSeed = (seed: number): FuzzNetwork => {
  const net = new FuzzNetwork(seed, clients);
  try {
    for (let i = 0; i < steps; i++) {
      net.step();
      if (i % 25 === 0) checkDefinitionValid(net, `step ${i}`);
    }
    net.settle();
    checkDefinitionValid(net, 'after settling');
    for (const c of net.clients) {
      if (!sameState(c.doc, net.hub)) throw new Error(`client ${c.index} differs from the hub after settling`);
    }
    const violations = findViolations(net.hub);
    if (hasViolations(violations))
      throw new Error(
        `hub still has violations: ${JSON.stringify([...violations.renames])} pins ${violations.pinsToDelete.join(', ')}`,
      );
    // Pins converge too (sameState compares them), and every one left is of a node that exists.
    const ids = new Set(toDefinition(net.hub).nodes.map((n) => n.id));
    for (const id of Object.keys(readPins(net.hub))) if (!ids.has(id)) throw new Error(`pin of missing node ${id}`);
    return net;
  } catch (error) {
    const tail = net.log.slice(-25).join('\n  ');
    throw new Error(
      `Fuzz seed ${seed} failed (replay: WEFT_FUZZ_SEED=${seed}): ${(error as Error).message}\n  last ops:\n  ${tail}`,
      { cause: error },
    );
  }
};

describe(`convergence fuzz (${clients} clients, ${steps} steps, seeds ${seeds[0]}…${seeds.at(-1)})`, () => {
  it.each(seeds)('seed %i: every replica converges to a valid definition', (seed) => {
    const net = runSeed(seed);
    expect(net.stats.ops).toBeGreaterThan(steps / 4);
    expect(net.stats.reconnects).toBeGreaterThan(0);
    totalRepairs += net.stats.repairs;
    pinOps += net.log.filter((line) => / (pins \d+ items on|unpins) /.test(line)).length;
  });

  it('the runs exercised merges that needed repair (duplicate names, dangling edges), and pins', () => {
    expect(totalRepairs).toBeGreaterThan(0);
    expect(pinOps).toBeGreaterThan(0);
  });
});
