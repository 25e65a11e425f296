/**
 * The workflow document API: the only code that reads or writes the raw Yjs
 * maps of a workflow. See shared/SPEC.md for the rules (DOC1–DOC8) its tests cite.
 */
export * from './roots.ts';
export * from './definition.ts';
export * from './read.ts';
export * from './write.ts';
export * from './names.ts';
export * from './params.ts';
export * from './validate.ts';
export * from './to-definition.ts';
export * from './from-definition.ts';
export * from './repair.ts';
export * from './pins.ts';
export * from './exchange.ts';
export * from './changes.ts';
export * from './migrations/index.ts';
export * from './migrations/versions.ts';
export * from './fragment.ts';
