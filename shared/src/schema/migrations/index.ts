import type * as Y from 'yjs';
import { origins } from '../../origins.ts';
import { MetaKey, metaMap } from '../roots.ts';
import { CURRENT_SCHEMA_VERSION } from './versions.ts';

export interface DocMigration {
  /** The version this step produces (a value of workflowDocVersions). */
  id: number;
  name: string;
  /** Idempotent edit from version id-1 to id. */
  up(doc: Y.Doc): void;
}

/** The ordered steps after `Initial`. Empty while version 1 is the only layout. */
export const docMigrations: readonly DocMigration[] = [];

export type MigrationResult =
  | { status: 'current'; version: number }
  | { status: 'migrated'; from: number; to: number }
  | { status: 'uninitialized' }
  | { status: 'tooNew'; version: number; supported: number };

/** Checks that step ids run 2, 3, 4… with no gap and end at `current`. */
export const validateMigrations = (steps: readonly DocMigration[], current: number): void => {
  steps.forEach((step, i) => {
    if (step.id !== i + 2) throw new Error(`Migration ${step.name} has id ${step.id}, expected ${i + 2}`);
  });
  const last = steps.length === 0 ? 1 : (steps[steps.length - 1] as DocMigration).id;
  if (last !== current) throw new Error(`Migrations end at ${last} but the current version is ${current}`);
};

export const docSchemaVersion = (doc: Y.Doc): number | undefined => {
  const v = metaMap(doc).get(MetaKey.schemaVersion);
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
};

/**
 * Brings a document to the current layout in one transaction (origin
 * `migration`). A document without a version has never been initialised; one
 * with a newer version than this code knows is refused, never rewritten.
 */
export const migrateDoc = (
  doc: Y.Doc,
  steps: readonly DocMigration[] = docMigrations,
  current: number = CURRENT_SCHEMA_VERSION,
): MigrationResult => {
  const version = docSchemaVersion(doc);
  if (version === undefined) return { status: 'uninitialized' };
  if (version > current) return { status: 'tooNew', version, supported: current };
  if (version === current) return { status: 'current', version };
  doc.transact(() => {
    for (const step of steps) if (step.id > version && step.id <= current) step.up(doc);
    metaMap(doc).set(MetaKey.schemaVersion, current);
  }, origins.migration);
  return { status: 'migrated', from: version, to: current };
};
