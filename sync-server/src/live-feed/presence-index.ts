/**
 * Who has each workflow open now: the signed-in people with a sync socket in
 * its room (not awareness states, which a client writes itself). This
 * instance's sockets are counted here; other instances' sets arrive through
 * the bus (live-feed.ts) and lapse when their instance stops refreshing them.
 */
export class PresenceIndex {
  /** workflow → user → open sockets on this instance. */
  private readonly local = new Map<string, Map<string, number>>();
  /** instance → when last heard, and its workflows' people. */
  private readonly remote = new Map<string, { heardAt: number; workflows: Map<string, readonly string[]> }>();

  /** `changed` hears each workflow whose set of people may have changed. */
  constructor(private readonly changed: (workflowId: string) => void) {}

  join(workflowId: string, userId: string): void {
    let users = this.local.get(workflowId);
    if (!users) this.local.set(workflowId, (users = new Map<string, number>()));
    const sockets = users.get(userId) ?? 0;
    users.set(userId, sockets + 1);
    if (sockets === 0) this.changed(workflowId);
  }

  leave(workflowId: string, userId: string): void {
    const users = this.local.get(workflowId);
    const sockets = users?.get(userId);
    if (!users || sockets === undefined) return;
    if (sockets > 1) {
      users.set(userId, sockets - 1);
      return;
    }
    users.delete(userId);
    if (users.size === 0) this.local.delete(workflowId);
    this.changed(workflowId);
  }

  /** Everyone in the workflow, on any instance, each once. */
  users(workflowId: string): string[] {
    const all = new Set(this.local.get(workflowId)?.keys());
    for (const { workflows } of this.remote.values()) for (const id of workflows.get(workflowId) ?? []) all.add(id);
    return [...all];
  }

  /** Workflows with anyone in them. */
  occupied(): string[] {
    const all = new Set(this.local.keys());
    for (const { workflows } of this.remote.values()) for (const id of workflows.keys()) all.add(id);
    return [...all];
  }

  /** This instance's people per workflow (`only`: just these workflows), as the bus carries them. */
  localSets(only?: Iterable<string>): Record<string, string[]> {
    const ids = only ? [...only] : [...this.local.keys()];
    return Object.fromEntries(ids.map((id) => [id, [...(this.local.get(id)?.keys() ?? [])]]));
  }

  /**
   * Another instance's news: `whole` replaces everything known of it, otherwise
   * each named workflow's set is replaced (an empty set: nobody there).
   */
  hear(instanceId: string, sets: Record<string, readonly string[]>, whole: boolean, now: number): void {
    let known = this.remote.get(instanceId);
    if (!known)
      this.remote.set(instanceId, (known = { heardAt: now, workflows: new Map<string, readonly string[]>() }));
    known.heardAt = now;
    const touched = new Set(whole ? known.workflows.keys() : []);
    if (whole) known.workflows.clear();
    for (const [workflowId, users] of Object.entries(sets)) {
      touched.add(workflowId);
      if (users.length > 0) known.workflows.set(workflowId, users);
      else known.workflows.delete(workflowId);
    }
    for (const id of touched) this.changed(id);
  }

  /** Forgets instances not heard from since `before` (stopped, or cut off from the bus). */
  expire(before: number): void {
    for (const [instanceId, known] of this.remote) {
      if (known.heardAt >= before) continue;
      this.remote.delete(instanceId);
      for (const id of known.workflows.keys()) this.changed(id);
    }
  }
}
