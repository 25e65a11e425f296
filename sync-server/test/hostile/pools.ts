import type { Rand } from './rand.ts';
import { encodePart, nastyString } from './corpus.ts';

/**
 * Ids the fuzzer has seen, by kind, so that path parameters and bodies name
 * real things (its own workflows, the protected one, executions an engine
 * answered for, other people's user ids) as well as made-up ones. Learned
 * from every JSON answer; bounded; the harness's own tokens are never learned.
 */

export type IdKind = 'workflow' | 'execution' | 'credential' | 'user' | 'token' | 'session' | 'invitation';

const MAX_PER_KIND = 400;

/** Keys of JSON answers and the kind of id they hold, per route prefix. */
const KEYED: Record<string, IdKind> = {
  workflowId: 'workflow',
  executionId: 'execution',
  userId: 'user',
  retryOf: 'execution',
};

const ROUTE_KIND: [RegExp, IdKind][] = [
  [/^\/api\/workflows/, 'workflow'],
  [/^\/api\/executions/, 'execution'],
  [/^\/api\/credentials/, 'credential'],
  [/^\/api\/tokens/, 'token'],
  [/^\/api\/auth\/sessions/, 'session'],
  [/^\/api\/me\/invitations/, 'invitation'],
  [/^\/api\/admin\/users/, 'user'],
  [/^\/api\/auth\/(me|signup|login)/, 'user'],
];

export class Pools {
  private readonly ids = new Map<IdKind, string[]>();
  /** The seeds (the protected workflow, the playground, the accounts): never pushed out by learned ids. */
  private readonly pinned = new Map<IdKind, string[]>();

  constructor(
    seeds: Partial<Record<IdKind, string[]>>,
    private readonly reserved: ReadonlySet<string>,
  ) {
    for (const [kind, values] of Object.entries(seeds) as [IdKind, string[]][]) this.pinned.set(kind, [...values]);
  }

  /** Swaps a pinned id for another (the old one stays known, as a deleted workflow's id). */
  repin(kind: IdKind, from: string, to: string): void {
    const pinned = this.pinned.get(kind) ?? [];
    this.pinned.set(kind, [...pinned.filter((id) => id !== from), to]);
    this.add(kind, from);
  }

  add(kind: IdKind, id: string): void {
    if (this.reserved.has(id) || id.length > 100 || this.pinned.get(kind)?.includes(id)) return;
    const list = this.ids.get(kind) ?? [];
    if (list.includes(id)) return;
    list.push(id);
    if (list.length > MAX_PER_KIND) list.splice(0, list.length - MAX_PER_KIND);
    this.ids.set(kind, list);
  }

  /** Learns the ids in a JSON answer of `path`: `id` fields by the route, `…Id` fields by their name. */
  learn(path: string, body: unknown): void {
    const routeKind = ROUTE_KIND.find(([re]) => re.test(path))?.[1];
    const walk = (value: unknown, depth: number, parentKey: string): void => {
      if (depth > 6 || typeof value !== 'object' || value === null) return;
      if (Array.isArray(value)) {
        for (const v of value.slice(0, 50)) walk(v, depth + 1, parentKey);
        return;
      }
      for (const [key, v] of Object.entries(value)) {
        if (typeof v === 'string') {
          const kind = key === 'id' ? (parentKey === 'invitation' ? 'invitation' : routeKind) : KEYED[key];
          if (kind) this.add(kind, v);
        } else walk(v, depth + 1, key);
      }
    };
    walk(body, 0, '');
  }

  /** A known id of this kind (most of the time), of another kind, or something made up. */
  pick(r: Rand, kind: IdKind): string {
    const list = this.ids.get(kind) ?? [];
    const pinned = this.pinned.get(kind) ?? [];
    return r.weighted<() => string>([
      [pinned.length > 0 ? 4 : 0, () => r.pick(pinned)],
      [list.length > 0 ? 6 : 0, () => r.pick(list)],
      [1, () => this.any(r)],
      [1, () => r.pick(['x', 'a'.repeat(64), 'a'.repeat(65), '0', '-', '_', 'null', 'undefined'])],
      [1, () => encodePart(nastyString(r).slice(0, 300)) || 'x'],
    ])();
  }

  private any(r: Rand): string {
    const all = [...this.pinned.values(), ...this.ids.values()].flat();
    return all.length > 0 ? r.pick(all) : 'nothing';
  }
}
