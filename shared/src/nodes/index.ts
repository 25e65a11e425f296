export * from './types.ts';
export * from './catalog.ts';
export { conditionOperators, unaryOperators, type ConditionOperator } from './conditions.ts';
export * from './ports.ts';
