import { and, desc, eq, sql } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import type { Db } from '../db/open.ts';
import { users, workflowLinkJoins, workflowLinks, workflowMembers, workflows } from '../db/schema.ts';
import { linkRowOf, roleRankSql, sealToken, unsealToken } from './link-rows.ts';
import { hashLinkToken } from './link-token.ts';
import {
  decideJoin,
  goneOf,
  MAX_LISTED_JOINS,
  type JoinResult,
  type LinkGone,
  type LinkJoin,
  type LinkPeek,
  type LinkRow,
  type LinkStore,
  type ListedLink,
  type NewLink,
} from './link-store.ts';

/** Share links in SQLite: one writer, so a join's transaction needs no row lock. */
export class SqliteLinkStore implements LinkStore {
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
  ) {}

  async create(link: NewLink): Promise<LinkRow> {
    const row = this.db
      .insert(workflowLinks)
      .values({
        id: createId(),
        workflowId: link.workflowId,
        tokenHash: hashLinkToken(link.token),
        tokenSealed: sealToken(this.key, link.token),
        role: link.role,
        label: link.label,
        expiresAt: link.expiresAt,
        maxUses: link.maxUses,
        createdBy: link.createdBy,
        createdAt: link.now,
      })
      .returning()
      .get();
    return linkRowOf(row);
  }

  async list(workflowId: string): Promise<ListedLink[]> {
    const links = this.db
      .select()
      .from(workflowLinks)
      .where(eq(workflowLinks.workflowId, workflowId))
      .orderBy(desc(workflowLinks.createdAt), desc(workflowLinks.id))
      .all();
    const ranked = this.db
      .select({
        linkId: workflowLinkJoins.linkId,
        userId: workflowLinkJoins.userId,
        name: users.name,
        email: users.email,
        joinedAt: workflowLinkJoins.joinedAt,
        n: sql<number>`row_number() over (partition by ${workflowLinkJoins.linkId} order by ${workflowLinkJoins.joinedAt} desc, ${workflowLinkJoins.userId})`.as(
          'n',
        ),
      })
      .from(workflowLinkJoins)
      .innerJoin(workflowLinks, eq(workflowLinks.id, workflowLinkJoins.linkId))
      .innerJoin(users, eq(users.id, workflowLinkJoins.userId))
      .where(eq(workflowLinks.workflowId, workflowId))
      .as('ranked');
    const joins = this.db
      .select()
      .from(ranked)
      .where(sql`${ranked.n} <= ${MAX_LISTED_JOINS}`)
      .orderBy(ranked.linkId, sql`${ranked.n}`)
      .all();
    const byLink = new Map<string, LinkJoin[]>();
    for (const { linkId, userId, name, email, joinedAt } of joins) {
      const list = byLink.get(linkId) ?? [];
      list.push({ userId, name, email, joinedAt });
      byLink.set(linkId, list);
    }
    return links.map((l) => ({
      ...linkRowOf(l),
      token: unsealToken(this.key, l.tokenSealed),
      joined: byLink.get(l.id) ?? [],
    }));
  }

  async revoke(workflowId: string, linkId: string, by: string, now: number): Promise<boolean> {
    return this.db.transaction((tx) => {
      const link = tx
        .select({ revokedAt: workflowLinks.revokedAt })
        .from(workflowLinks)
        .where(and(eq(workflowLinks.id, linkId), eq(workflowLinks.workflowId, workflowId)))
        .get();
      if (!link) return false;
      if (link.revokedAt === null) {
        tx.update(workflowLinks).set({ revokedAt: now, revokedBy: by }).where(eq(workflowLinks.id, linkId)).run();
      }
      return true;
    });
  }

  async unseal(linkId: string): Promise<string | undefined> {
    const row = this.db
      .select({ sealed: workflowLinks.tokenSealed })
      .from(workflowLinks)
      .where(eq(workflowLinks.id, linkId))
      .get();
    return row ? unsealToken(this.key, row.sealed) : undefined;
  }

  async peek(tokenHash: string, now: number): Promise<LinkPeek | { gone: LinkGone } | undefined> {
    const row = this.db
      .select({
        workflowId: workflowLinks.workflowId,
        workflowName: workflows.name,
        role: workflowLinks.role,
        invitedBy: users.name,
        expiresAt: workflowLinks.expiresAt,
        maxUses: workflowLinks.maxUses,
        uses: workflowLinks.uses,
        revokedAt: workflowLinks.revokedAt,
      })
      .from(workflowLinks)
      .innerJoin(workflows, eq(workflows.id, workflowLinks.workflowId))
      .leftJoin(users, eq(users.id, workflowLinks.createdBy))
      .where(eq(workflowLinks.tokenHash, tokenHash))
      .get();
    if (!row) return undefined;
    const gone = goneOf(row, now);
    if (gone) return { gone };
    const { workflowId, workflowName, role, invitedBy, expiresAt } = row;
    return { workflowId, workflowName, role, invitedBy, expiresAt };
  }

  async joinByLink(tokenHash: string, user: { id: string }, now: number): Promise<JoinResult | undefined> {
    return this.db.transaction(
      (tx) => {
        const link = tx.select().from(workflowLinks).where(eq(workflowLinks.tokenHash, tokenHash)).get();
        if (!link) return undefined;
        const member = tx
          .select({ role: workflowMembers.role })
          .from(workflowMembers)
          .where(and(eq(workflowMembers.workflowId, link.workflowId), eq(workflowMembers.userId, user.id)))
          .get();
        const joinedBefore =
          tx
            .select({ userId: workflowLinkJoins.userId })
            .from(workflowLinkJoins)
            .where(and(eq(workflowLinkJoins.linkId, link.id), eq(workflowLinkJoins.userId, user.id)))
            .get() !== undefined;
        const decision = decideJoin(link, { role: member?.role, joinedBefore }, now);
        if (decision.action === 'gone') return { status: 'gone' as const, ...decision.gone };
        if (decision.action === 'none') {
          return { status: 'alreadyMember' as const, workflowId: link.workflowId, role: decision.role, raised: false };
        }
        tx.insert(workflowLinkJoins)
          .values({ linkId: link.id, userId: user.id, joinedAt: now, roleGranted: link.role })
          .onConflictDoUpdate({
            target: [workflowLinkJoins.linkId, workflowLinkJoins.userId],
            set: { joinedAt: now, roleGranted: link.role },
          })
          .run();
        // Raise only: never lower a role, whatever wrote the membership since it was read.
        tx.insert(workflowMembers)
          .values({ workflowId: link.workflowId, userId: user.id, role: link.role, addedAt: now })
          .onConflictDoUpdate({
            target: [workflowMembers.workflowId, workflowMembers.userId],
            set: { role: link.role },
            setWhere: sql`${roleRankSql(workflowMembers.role)} < ${roleRankSql(sql`excluded.role`)}`,
          })
          .run();
        if (decision.countsUse) {
          tx.update(workflowLinks)
            .set({ uses: sql`${workflowLinks.uses} + 1` })
            .where(eq(workflowLinks.id, link.id))
            .run();
        }
        return { status: 'joined' as const, workflowId: link.workflowId, role: link.role, raised: decision.raised };
      },
      { behavior: 'immediate' },
    );
  }
}
