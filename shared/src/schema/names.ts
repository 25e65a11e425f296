/**
 * Node names are unique within a workflow: expressions address nodes by name
 * (`$('HTTP Request')`). Two people may still create the same name at the same
 * time, offline or online; the rule below decides, the same way on every
 * replica, which node keeps the name and what the others are called.
 *
 * Rule (SPEC DOC5): nodes are visited in ascending id order; the first node
 * with a name keeps it; every later node with that name gets the lowest free
 * `${base}${n}` (n ≥ 1), where base is the name without trailing digits —
 * n8n's scheme, so "HTTP Request" becomes "HTTP Request1".
 */

export const nameBase = (name: string): string => {
  const stripped = name.replace(/\d+$/, '');
  return stripped.length > 0 ? stripped : name;
};

/** The lowest `${base}${n}` not in `taken`; `name` itself when it is free. */
export const uniqueName = (name: string, taken: ReadonlySet<string>): string => {
  if (!taken.has(name)) return name;
  const base = nameBase(name);
  for (let n = 1; ; n++) {
    const candidate = `${base}${n}`;
    if (!taken.has(candidate)) return candidate;
  }
};

/** Deterministic unique names for a set of nodes: id → resolved name. */
export const resolveNames = (nodes: readonly { id: string; name: string }[]): Map<string, string> => {
  const sorted = [...nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const original = new Set(sorted.map((n) => n.name));
  const assigned = new Set<string>();
  const result = new Map<string, string>();
  const duplicates: { id: string; name: string }[] = [];
  for (const node of sorted) {
    if (assigned.has(node.name)) duplicates.push(node);
    else {
      assigned.add(node.name);
      result.set(node.id, node.name);
    }
  }
  // A renamed duplicate must not take a name another node already has, even a later one.
  const taken = new Set([...original, ...assigned]);
  for (const node of duplicates) {
    const name = uniqueName(node.name, taken);
    taken.add(name);
    result.set(node.id, name);
  }
  return result;
};
