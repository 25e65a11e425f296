import type * as Y from 'yjs';
import {
  deleteComment,
  editComment,
  openThread,
  parseMentions,
  readThreads,
  reopenThread,
  reply,
  resolveThread,
  threadsByAnchor,
  type Anchor,
  type AnchorCounts,
  type ThreadView,
} from '#shared/discussion/index.ts';
import { origins } from '#shared/origins.ts';

const NO_COUNTS: AnchorCounts = { workflow: 0, nodes: new Map(), edges: new Map() };

/**
 * The workflow's discussion document seen by the editor: its threads, read
 * again once per change of the document (not per render), and the counts of
 * open threads per node and edge that the canvas markers show. Markers read a
 * number, so a change re-renders only the markers whose count moved. Writes
 * go through the shared ops, which check their input the way the server's
 * rules do, so a legitimate client never meets 4422.
 */
export class DiscussionStore {
  private cached: ThreadView[] = [];
  private counts: AnchorCounts = NO_COUNTS;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly doc: Y.Doc,
    readonly userId: string,
    /** Someone else's new comment concerns this person (a mention, a reply in their thread): the inbox has news. */
    private readonly onNews: () => void = () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.refresh();
    doc.on('update', this.onUpdate);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  threads = (): ThreadView[] => this.cached;

  openOnNode = (nodeId: string): number => this.counts.nodes.get(nodeId) ?? 0;

  openOnEdge = (edgeId: string): number => this.counts.edges.get(edgeId) ?? 0;

  open(anchor: Anchor, body: string): string {
    return openThread(this.doc, { anchor, author: this.userId, body, now: this.now() }, origins.ui).threadId;
  }

  reply(threadId: string, body: string): void {
    reply(this.doc, { threadId, author: this.userId, body, now: this.now() }, origins.ui);
  }

  edit(commentId: string, body: string): void {
    editComment(this.doc, { commentId, author: this.userId, body, now: this.now() }, origins.ui);
  }

  remove(commentId: string): void {
    deleteComment(this.doc, { commentId, by: this.userId, now: this.now() }, origins.ui);
  }

  setResolved(threadId: string, resolved: boolean): void {
    const input = { threadId, by: this.userId, now: this.now() };
    if (resolved) resolveThread(this.doc, input, origins.ui);
    else reopenThread(this.doc, input, origins.ui);
  }

  destroy(): void {
    this.doc.off('update', this.onUpdate);
    this.listeners.clear();
  }

  private readonly onUpdate = (): void => {
    const known = new Set(this.cached.flatMap((t) => t.comments.map((c) => c.id)));
    this.refresh();
    const news = this.cached.some((t) =>
      t.comments.some(
        (c) =>
          !known.has(c.id) &&
          c.author !== this.userId &&
          (parseMentions(c.body).includes(this.userId) || t.comments.some((o) => o.author === this.userId)),
      ),
    );
    if (news) this.onNews();
    for (const listener of this.listeners) listener();
  };

  private refresh(): void {
    this.cached = readThreads(this.doc);
    this.counts = threadsByAnchor(this.cached);
  }
}
