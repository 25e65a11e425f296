import { expect, it } from 'vitest';
import type { AuditDraft, AuditLog } from './audit-log.ts';
import { CredentialUseAudit } from './credential-use.ts';

/** What reaches the log: the write per run the LRU saves, and what it does once a pair is forgotten. */
const recording = () => {
  const drafts: AuditDraft[] = [];
  const log: AuditLog = {
    record: (_actor, d) => {
      drafts.push(...(Array.isArray(d) ? (d as AuditDraft[]) : [d as AuditDraft]));
      return Promise.resolve();
    },
    prepare: () => Promise.resolve([]),
  };
  return { log, keys: () => drafts.map((d) => d.dedupeKey) };
};

const use = (credentialId: string, versionHash: string) => ({
  credentialId,
  versionHash,
  workflowId: 'wf1',
  executionId: `e-${credentialId}-${versionHash}`,
  mode: 'webhook',
  startedBy: null,
});

it('writes a pair once while it is remembered; the least recently used pair is forgotten first', () => {
  const { log, keys } = recording();
  const uses = new CredentialUseAudit(log, 2);
  uses.used(use('a', 'v1'));
  uses.used(use('b', 'v1'));
  uses.used(use('a', 'v1'));
  expect(keys()).toEqual(['used:a:v1', 'used:b:v1']);
  // a was used last, so the third pair pushes b out, and b is written again (the dedupe key drops it).
  uses.used(use('c', 'v1'));
  uses.used(use('a', 'v1'));
  uses.used(use('b', 'v1'));
  expect(keys()).toEqual(['used:a:v1', 'used:b:v1', 'used:c:v1', 'used:b:v1']);
});
