import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  CURRENT_SCHEMA_VERSION,
  docMigrations,
  docSchemaVersion,
  initWorkflowDoc,
  metaMap,
  migrateDoc,
  nodesMap,
  validateMigrations,
  workflowDocVersions,
  type DocMigration,
} from '../src/schema/index.ts';
import { replica, sameState, syncAll } from './replicas.ts';

describe('document schema versions (SPEC DOC8)', () => {
  it('the registered steps run 2, 3, … up to the current version', () => {
    expect(() => validateMigrations(docMigrations, CURRENT_SCHEMA_VERSION)).not.toThrow();
    expect(CURRENT_SCHEMA_VERSION).toBe(Math.max(...Object.values(workflowDocVersions)));
  });

  it('a new document carries the current version and needs no migration', () => {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'Now' });
    expect(docSchemaVersion(doc)).toBe(CURRENT_SCHEMA_VERSION);
    expect(migrateDoc(doc)).toEqual({ status: 'current', version: CURRENT_SCHEMA_VERSION });
  });

  it('refuses a document newer than this code and leaves it untouched', () => {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'Future' });
    metaMap(doc).set('schemaVersion', CURRENT_SCHEMA_VERSION + 1);
    const before = Y.encodeStateAsUpdate(doc);
    expect(migrateDoc(doc)).toEqual({
      status: 'tooNew',
      version: CURRENT_SCHEMA_VERSION + 1,
      supported: CURRENT_SCHEMA_VERSION,
    });
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('reports an empty document as uninitialized', () => {
    expect(migrateDoc(new Y.Doc())).toEqual({ status: 'uninitialized' });
  });

  // The mechanism, exercised with steps defined here: every step is called once, in order,
  // and two replicas migrating the same old document offline converge (idempotent steps).
  const called: string[] = [];
  const steps: DocMigration[] = [
    {
      id: 2,
      name: 'AddNodeColor',
      up: (doc) => {
        called.push('AddNodeColor');
        for (const node of nodesMap(doc).values()) if (!node.has('color')) node.set('color', 'gray');
      },
    },
    {
      id: 3,
      name: 'AddOwnerField',
      up: (doc) => {
        called.push('AddOwnerField');
        if (!metaMap(doc).has('owner')) metaMap(doc).set('owner', 'nobody');
      },
    },
  ];

  it('runs every step once, in order, and concurrent migrations converge', () => {
    expect(() => validateMigrations(steps, 3)).not.toThrow();
    expect(() => validateMigrations([steps[1] as DocMigration], 3)).toThrow(/expected 2/);
    const a = replica(1);
    initWorkflowDoc(a, { name: 'Old' });
    nodesMap(a).set('n1', new Y.Map([['type', 'noOp']]));
    metaMap(a).set('schemaVersion', 1);
    const b = replica(2, a);
    expect(migrateDoc(a, steps, 3)).toEqual({ status: 'migrated', from: 1, to: 3 });
    expect(migrateDoc(b, steps, 3)).toEqual({ status: 'migrated', from: 1, to: 3 });
    expect(called).toEqual(['AddNodeColor', 'AddOwnerField', 'AddNodeColor', 'AddOwnerField']);
    syncAll(a, b);
    expect(sameState(a, b)).toBe(true);
    expect(nodesMap(a).get('n1')?.get('color')).toBe('gray');
    expect(docSchemaVersion(b)).toBe(3);
  });
});
