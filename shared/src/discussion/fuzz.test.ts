import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { origins } from '../origins.ts';
import { discussionFacts } from './facts.ts';
import { mentionToken } from './mentions.ts';
import { discussionState, readThreads, type ThreadView } from './read.ts';
import type { Anchor } from './records.ts';
import { discussionRoots, initDiscussionDoc } from './roots.ts';
import type { DiscussionContext } from './rules.ts';
import { checkUpdateOnShadow, createShadowDoc } from './shadow.ts';
import { deleteComment, deleteThread, editComment, openThread, reopenThread, reply, resolveThread } from './write.ts';

/**
 * Five clients write comments offline and sync with a hub in random order;
 * the hub is the server's validating replica, so every update a legitimate
 * client sends must pass the rules, whatever it raced with. At the end every
 * replica holds the same discussion, and so does any merge of their states in
 * any order. Short here; for a long run:
 *   WEFT_FUZZ_RUNS=300 WEFT_FUZZ_STEPS=2000 npx vitest run shared/src/discussion/fuzz.test.ts
 * Reproduce a failure with WEFT_FUZZ_SEED=<seed printed in the failure>.
 */
const runs = Number(process.env.WEFT_FUZZ_RUNS ?? 12);
const steps = Number(process.env.WEFT_FUZZ_STEPS ?? 300);
const fixedSeed = process.env.WEFT_FUZZ_SEED ? Number(process.env.WEFT_FUZZ_SEED) : undefined;
const baseSeed = fixedSeed ?? Date.now() % 1_000_000_000;
const seeds = fixedSeed !== undefined ? [fixedSeed] : Array.from({ length: runs }, (_, i) => baseSeed + i);

const T0 = 1_800_000_000_000;
/** The owner has two devices (clients 0 and 4), so one author's edits race each other too. */
const people: DiscussionContext[] = [
  { userId: 'olga', role: 'owner' },
  { userId: 'ed', role: 'editor' },
  { userId: 'alice', role: 'commenter' },
  { userId: 'bob', role: 'commenter' },
  { userId: 'olga', role: 'owner' },
];

interface Client {
  index: number;
  ctx: DiscussionContext;
  doc: Y.Doc;
  /** This client's clock against the server's: from two hours behind to four minutes ahead. */
  skew: number;
  outbox: Uint8Array[];
}

const content = (doc: Y.Doc): string => {
  const roots = discussionRoots(doc);
  const sorted = (m: Y.Map<unknown>): [string, unknown][] =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({
    meta: sorted(roots.meta),
    threads: sorted(roots.threads),
    status: sorted(roots.status),
    comments: sorted(roots.comments),
  });
};

const runSeed = (seed: number): { ops: number; syncs: number } => {
  const rng = prng.create(seed);
  const log: string[] = [];
  let time = T0;
  const hub = createShadowDoc();
  initDiscussionDoc(hub, origins.server(null));
  const clients: Client[] = people.map((ctx, index) => {
    const doc = new Y.Doc();
    doc.clientID = 100 + index;
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(hub), origins.remote);
    const client: Client = { index, ctx, doc, skew: prng.int32(rng, -7_200_000, 240_000), outbox: [] };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== origins.remote) client.outbox.push(update);
    });
    return client;
  });
  const stats = { ops: 0, syncs: 0 };

  const randomAnchor = (): Anchor => {
    const n = prng.int32(rng, 1, 3);
    switch (prng.int32(rng, 0, 2)) {
      case 0:
        return { kind: 'workflow' };
      case 1:
        return { kind: 'node', nodeId: `n${n}`, label: `Node ${n}` };
      default:
        return { kind: 'edge', edgeId: `n${n}:main>n${n + 1}:main`, label: `Node ${n} → Node ${n + 1}` };
    }
  };
  const randomBody = (): string => {
    const words = [prng.word(rng, 1, 12)];
    if (prng.bool(rng)) words.push(mentionToken(prng.oneOf(rng, people).userId));
    return words.join(' ');
  };

  /** One thing a person may do, chosen from what their replica shows. */
  const randomOp = (c: Client): string => {
    const me = c.ctx.userId;
    const now = time + c.skew;
    const live = readThreads(c.doc);
    const comments = live.flatMap((t) => t.comments.filter((x) => x.deletedAt === undefined));
    const mine = comments.filter((x) => x.author === me);
    const deletable = c.ctx.role === 'owner' ? comments : mine;
    const pick = <T>(xs: T[]): T | undefined => (xs.length === 0 ? undefined : prng.oneOf(rng, xs));
    const thread: ThreadView | undefined = pick(live);
    const kind = prng.int32(rng, 0, 7);
    if (kind === 1 && thread) {
      reply(c.doc, { threadId: thread.id, author: me, body: randomBody(), now }, origins.ui);
      return `reply ${thread.id}`;
    }
    const own = pick(mine);
    if (kind === 2 && own) {
      editComment(c.doc, { commentId: own.id, author: me, body: randomBody(), now }, origins.ui);
      return `edit ${own.id}`;
    }
    const victim = pick(deletable);
    if (kind === 3 && victim) {
      deleteComment(c.doc, { commentId: victim.id, by: me, now }, origins.ui);
      return `delete comment ${victim.id} of ${victim.author}`;
    }
    if (kind === 4 && thread) {
      resolveThread(c.doc, { threadId: thread.id, by: me, now }, origins.ui);
      return `resolve ${thread.id}`;
    }
    if (kind === 5 && thread) {
      reopenThread(c.doc, { threadId: thread.id, by: me, now }, origins.ui);
      return `reopen ${thread.id}`;
    }
    const gone = pick(live.filter((t) => t.createdBy === me || c.ctx.role === 'owner'));
    if (kind === 6 && gone) {
      deleteThread(c.doc, { threadId: gone.id, by: me, now }, origins.ui);
      return `delete thread ${gone.id}`;
    }
    const { threadId } = openThread(c.doc, { anchor: randomAnchor(), author: me, body: randomBody(), now }, origins.ui);
    return `open ${threadId}`;
  };

  /** What the server does with one update from a client's socket. */
  const toHub = (c: Client, update: Uint8Array, how: string): void => {
    const verdict = checkUpdateOnShadow(hub, update, c.ctx, time, c);
    if (!verdict.ok) throw new Error(`client ${c.index} (${c.ctx.role}) was refused (${how}): ${verdict.reason}`);
    for (const fact of discussionFacts(verdict.changes, discussionState(hub)))
      if (fact.kind === 'comment.added' && fact.actor !== c.ctx.userId) throw new Error(`fact for another actor`);
  };

  /** A reconnect: the client's held updates reach the hub (one by one, merged, or as a state diff), then the hub's reach it. */
  const sync = (c: Client): void => {
    const mode = prng.int32(rng, 0, 2);
    if (mode === 0) for (const u of c.outbox) toHub(c, u, 'one by one');
    else if (mode === 1 && c.outbox.length > 0) toHub(c, Y.mergeUpdates(c.outbox), 'merged');
    else if (mode === 2) toHub(c, Y.encodeStateAsUpdate(c.doc, Y.encodeStateVector(hub)), 'state diff');
    c.outbox = [];
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(hub, Y.encodeStateVector(c.doc)), origins.remote);
    stats.syncs++;
    log.push(`client ${c.index} syncs (mode ${mode})`);
  };

  try {
    for (let i = 0; i < steps; i++) {
      time += prng.int32(rng, 0, 60_000);
      const c = prng.oneOf(rng, clients);
      if (prng.int32(rng, 0, 9) < 7) {
        log.push(`client ${c.index} ${randomOp(c)}`);
        stats.ops++;
      } else sync(c);
    }
    // Every replica's state merged in two random orders, before anyone syncs: the CRDT alone converges.
    const states = clients.map((c) => Y.encodeStateAsUpdate(c.doc)).concat(Y.encodeStateAsUpdate(hub));
    const mergedIn = (order: Uint8Array[]): string => {
      const doc = new Y.Doc();
      for (const s of order) Y.applyUpdate(doc, s);
      return content(doc);
    };
    const shuffled = <T>(items: T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = prng.int32(rng, 0, i);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    };
    const merged = mergedIn(shuffled(states));
    expect(mergedIn(shuffled(states))).toBe(merged);
    // Then everyone reconnects, in random order, through the rules.
    for (const c of shuffled(clients)) sync(c);
    for (const c of clients) sync(c);
    for (const c of clients)
      if (content(c.doc) !== content(hub)) throw new Error(`client ${c.index} differs from the hub`);
    if (content(hub) !== merged) throw new Error('the hub differs from the offline merge');
    const threads = readThreads(hub, { includeDeleted: true });
    for (const t of threads) if (t.comments.length === 0) throw new Error(`thread ${t.id} has no comment`);
    return stats;
  } catch (error) {
    throw new Error(
      `Discussion fuzz seed ${seed} failed (replay: WEFT_FUZZ_SEED=${seed}): ${(error as Error).message}\n  last ops:\n  ${log.slice(-20).join('\n  ')}`,
      { cause: error },
    );
  }
};

describe(`discussion fuzz (5 clients, ${steps} steps, seeds ${seeds[0]}…${seeds.at(-1)})`, () => {
  it.each(seeds)('seed %i: legitimate clients are never refused, and every replica converges', (seed) => {
    const stats = runSeed(seed);
    expect(stats.ops).toBeGreaterThan(0);
  });
});
