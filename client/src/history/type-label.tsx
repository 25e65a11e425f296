import { getNodeDefinition } from '#shared/nodes/index.ts';

/** A node's type beside its name, unless the name says it already (a node never renamed). */
export const TypeLabel = ({ name, type }: { name: string; type: string }) => {
  const label = getNodeDefinition(type)?.label ?? type;
  return label === name || name.startsWith(`${label} `) ? null : <span className="muted">{label}</span>;
};
