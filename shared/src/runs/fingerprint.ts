import { toHexString } from 'lib0/buffer';
import { digest } from 'lib0/hash/sha256';
import { encodeUtf8 } from 'lib0/string';
import { defaultSettings, type DefinitionNode, type WorkflowDefinition } from '../schema/definition.ts';
import { sortKeysDeep } from '../schema/diff/canonical-json.ts';

/**
 * A node's fingerprint: what its output depends on, hashed, so that a partial
 * run can tell which nodes changed since the run it builds on (the base).
 * Hashes are compared, not histories: an edit that is undone gives the same
 * fingerprint again, and name, position and notes are not part of it.
 *
 * The fingerprint is 64 hex characters made of three sha256 prefixes, so a
 * difference says which part changed (the reason the canvas shows):
 *
 * | chars  | part        | covers                                                                                   |
 * | ------ | ----------- | ---------------------------------------------------------------------------------------- |
 * | 0–23   | config      | n8n's `compute-node-config-hash.ts` fields, Weft's `timeoutSeconds`, the settings that change results |
 * | 24–39  | credentials | the `updated_at` stamp of each credential the node names (rotating a key makes it dirty) |
 * | 40–63  | inputs      | the node's incoming edges in definition order (`source`, `sourceHandle`, `targetHandle`)  |
 *
 * A pinned node does not run, so its fingerprint is the hash of its pin
 * items instead, marked with a leading `p` (no hex digit is a `p`).
 *
 * Every hashed value carries `FINGERPRINT_VERSION`: changing what is hashed
 * bumps it, and every node then reads as changed once, which is the safe way
 * to be wrong.
 */

export const FINGERPRINT_VERSION = 1;

const PARTS = { config: [0, 24], credentials: [24, 40], inputs: [40, 64] } as const;
export type FingerprintPart = keyof typeof PARTS;

export const PINNED_PREFIX = 'p';

export interface FingerprintStamps {
  /** Credential id → the credential's `updated_at` as the store keeps it. */
  credentials: Readonly<Record<string, string>>;
  /** Node id → the items pinned on it (only nodes with a pin). */
  pins?: Readonly<Record<string, readonly unknown[]>>;
}

/** Canonical JSON (keys sorted at every depth), without the file form's indentation: fewer bytes to hash. */
const sha256Hex = (value: unknown): string => toHexString(digest(encodeUtf8(JSON.stringify(sortKeysDeep(value)))));

/** Unset switches and set-to-false switches behave the same, so they hash the same. */
const flag = (value: boolean | undefined): boolean => value === true;

const configOf = (definition: WorkflowDefinition, node: DefinitionNode): unknown => ({
  v: FINGERPRINT_VERSION,
  type: node.type,
  typeVersion: node.typeVersion,
  parameters: node.parameters,
  credentials: node.credentials ?? {},
  disabled: flag(node.disabled),
  executeOnce: flag(node.executeOnce),
  retryOnFail: flag(node.retryOnFail),
  maxTries: node.maxTries ?? null,
  waitBetweenTries: node.waitBetweenTries ?? null,
  alwaysOutputData: flag(node.alwaysOutputData),
  onError: node.onError ?? null,
  timeoutSeconds: node.timeoutSeconds ?? null,
  // The defaults filled in: writing the default out explicitly changes nothing the node does.
  timezone: definition.settings.timezone ?? defaultSettings.timezone,
  executionOrder: definition.settings.executionOrder ?? defaultSettings.executionOrder,
});

/** Credential ids are sorted; a credential the store does not know is stamped `null` (and changes when it appears). */
const credentialsOf = (node: DefinitionNode, stamps: FingerprintStamps): unknown => ({
  v: FINGERPRINT_VERSION,
  stamps: [...new Set(Object.values(node.credentials ?? {}))]
    .sort()
    .map((id) => [id, Object.hasOwn(stamps.credentials, id) ? stamps.credentials[id] : null]),
});

/** Node id → its incoming edges in definition order, built once per definition. */
type IncomingIndex = ReadonlyMap<string, readonly WorkflowDefinition['edges'][number][]>;

const incomingIndex = (definition: WorkflowDefinition): IncomingIndex => {
  const index = new Map<string, WorkflowDefinition['edges'][number][]>();
  for (const e of definition.edges) {
    const list = index.get(e.target);
    if (list) list.push(e);
    else index.set(e.target, [e]);
  }
  return index;
};

const inputsOf = (incoming: IncomingIndex, nodeId: string): unknown => ({
  v: FINGERPRINT_VERSION,
  edges: (incoming.get(nodeId) ?? []).map((e) => [e.source, e.sourceHandle, e.targetHandle]),
});

const fingerprintOf = (
  definition: WorkflowDefinition,
  incoming: IncomingIndex,
  node: DefinitionNode,
  stamps: FingerprintStamps,
): string => {
  const pin = stamps.pins && Object.hasOwn(stamps.pins, node.id) ? stamps.pins[node.id] : undefined;
  if (pin) return PINNED_PREFIX + sha256Hex({ v: FINGERPRINT_VERSION, pin }).slice(1);
  const [c0, c1] = PARTS.config;
  const [k0, k1] = PARTS.credentials;
  const [i0, i1] = PARTS.inputs;
  return (
    sha256Hex(configOf(definition, node)).slice(0, c1 - c0) +
    sha256Hex(credentialsOf(node, stamps)).slice(0, k1 - k0) +
    sha256Hex(inputsOf(incoming, node.id)).slice(0, i1 - i0)
  );
};

/**
 * One node's fingerprint, or undefined when the definition has no such node.
 *
 * @example
 * nodeFingerprint(definition, 'set1', { credentials: { cred1: '2026-12-04T10:00:00.000Z' } });
 */
export const nodeFingerprint = (
  definition: WorkflowDefinition,
  nodeId: string,
  stamps: FingerprintStamps,
): string | undefined => {
  const node = definition.nodes.find((n) => n.id === nodeId);
  return node ? fingerprintOf(definition, incomingIndex(definition), node, stamps) : undefined;
};

/**
 * Every node's fingerprint (`executions.fingerprints`): node id → fingerprint.
 *
 * @example
 * const fingerprints = definitionFingerprints(definition, { credentials: stampsFromStore, pins });
 */
export const definitionFingerprints = (
  definition: WorkflowDefinition,
  stamps: FingerprintStamps,
): Record<string, string> => {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const incoming = incomingIndex(definition);
  for (const node of definition.nodes) out[node.id] = fingerprintOf(definition, incoming, node, stamps);
  return out;
};

export const isPinnedFingerprint = (fingerprint: string): boolean => fingerprint.startsWith(PINNED_PREFIX);

/**
 * Which parts differ between two fingerprints of the same node: the first is
 * what the reason names. A pin that appeared, changed or went away is `pin`.
 */
export type FingerprintChange = FingerprintPart | 'pin';

export const changedParts = (now: string, before: string): FingerprintChange[] => {
  if (now === before) return [];
  if (isPinnedFingerprint(now) || isPinnedFingerprint(before)) return ['pin'];
  return (Object.keys(PARTS) as FingerprintPart[]).filter((part) => {
    const [from, to] = PARTS[part];
    return now.slice(from, to) !== before.slice(from, to);
  });
};

/**
 * `now` with `before`'s credential part. A browser cannot see when a credential was last changed (its stamp), so
 * its preview of a plan takes the stamp as unchanged since the base run; which credential a node uses is in its
 * config part and still counts. The server, which knows the stamps, makes the plan the run follows.
 */
export const withCredentialPartOf = (now: string, before: string): string => {
  if (isPinnedFingerprint(now) || isPinnedFingerprint(before)) return now;
  const [from, to] = PARTS.credentials;
  return now.slice(0, from) + before.slice(from, to) + now.slice(to);
};
