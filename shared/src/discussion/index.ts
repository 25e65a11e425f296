export * from './roots.ts';
export * from './records.ts';
export * from './mentions.ts';
export * from './write.ts';
export * from './read.ts';
export * from './rules.ts';
export * from './shadow.ts';
export * from './facts.ts';
