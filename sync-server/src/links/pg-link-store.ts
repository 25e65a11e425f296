import { and, desc, eq, sql } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import type { PgDb } from '../db/open-postgres.ts';
import { byteOrder } from '../db/pg-byte-order.ts';
import { users, workflowLinkJoins, workflowLinks, workflowMembers, workflows } from '../db/schema/pg.ts';
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

/**
 * Share links in PostgreSQL, by the rules SqliteLinkStore keeps (one contract). A join locks its
 * link's row first (FOR UPDATE): joins through one link, from any instance, check and count one
 * at a time, so the last use goes to one person only.
 */
export class PgLinkStore implements LinkStore {
  constructor(
    private readonly db: PgDb,
    private readonly key: Buffer,
  ) {}

  async create(link: NewLink): Promise<LinkRow> {
    const [row] = await this.db
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
      .returning();
    if (!row) throw new Error('insert … returning answered no row');
    return linkRowOf(row);
  }

  async list(workflowId: string): Promise<ListedLink[]> {
    const links = await this.db
      .select()
      .from(workflowLinks)
      .where(eq(workflowLinks.workflowId, workflowId))
      .orderBy(desc(workflowLinks.createdAt), desc(byteOrder(workflowLinks.id)));
    const ranked = this.db
      .select({
        linkId: workflowLinkJoins.linkId,
        userId: workflowLinkJoins.userId,
        name: users.name,
        email: users.email,
        joinedAt: workflowLinkJoins.joinedAt,
        n: sql<number>`row_number() over (partition by ${workflowLinkJoins.linkId} order by ${workflowLinkJoins.joinedAt} desc, ${byteOrder(workflowLinkJoins.userId)})`.as(
          'n',
        ),
      })
      .from(workflowLinkJoins)
      .innerJoin(workflowLinks, eq(workflowLinks.id, workflowLinkJoins.linkId))
      .innerJoin(users, eq(users.id, workflowLinkJoins.userId))
      .where(eq(workflowLinks.workflowId, workflowId))
      .as('ranked');
    const joins = await this.db
      .select()
      .from(ranked)
      .where(sql`${ranked.n} <= ${MAX_LISTED_JOINS}`)
      .orderBy(ranked.linkId, sql`${ranked.n}`);
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
    // One statement: the first revocation's time and author stay, a second one only finds the row.
    const found = await this.db
      .update(workflowLinks)
      .set({
        revokedAt: sql`coalesce(${workflowLinks.revokedAt}, ${now}::bigint)`,
        revokedBy: sql`case when ${workflowLinks.revokedAt} is null then ${by} else ${workflowLinks.revokedBy} end`,
      })
      .where(and(eq(workflowLinks.id, linkId), eq(workflowLinks.workflowId, workflowId)))
      .returning({ id: workflowLinks.id });
    return found.length > 0;
  }

  async unseal(linkId: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ sealed: workflowLinks.tokenSealed })
      .from(workflowLinks)
      .where(eq(workflowLinks.id, linkId));
    return row ? unsealToken(this.key, row.sealed) : undefined;
  }

  async peek(tokenHash: string, now: number): Promise<LinkPeek | { gone: LinkGone } | undefined> {
    const [row] = await this.db
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
      .where(eq(workflowLinks.tokenHash, tokenHash));
    if (!row) return undefined;
    const gone = goneOf(row, now);
    if (gone) return { gone };
    const { workflowId, workflowName, role, invitedBy, expiresAt } = row;
    return { workflowId, workflowName, role, invitedBy, expiresAt };
  }

  async joinByLink(tokenHash: string, user: { id: string }, now: number): Promise<JoinResult | undefined> {
    return this.db.transaction(async (tx) => {
      const [link] = await tx.select().from(workflowLinks).where(eq(workflowLinks.tokenHash, tokenHash)).for('update');
      if (!link) return undefined;
      // The membership row, if any, locked too: a role change by an owner waits, or went first.
      const [member] = await tx
        .select({ role: workflowMembers.role })
        .from(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, link.workflowId), eq(workflowMembers.userId, user.id)))
        .for('update');
      const [joined] = await tx
        .select({ userId: workflowLinkJoins.userId })
        .from(workflowLinkJoins)
        .where(and(eq(workflowLinkJoins.linkId, link.id), eq(workflowLinkJoins.userId, user.id)));
      const decision = decideJoin(link, { role: member?.role, joinedBefore: joined !== undefined }, now);
      if (decision.action === 'gone') return { status: 'gone' as const, ...decision.gone };
      if (decision.action === 'none') {
        return { status: 'alreadyMember' as const, workflowId: link.workflowId, role: decision.role, raised: false };
      }
      await tx
        .insert(workflowLinkJoins)
        .values({ linkId: link.id, userId: user.id, joinedAt: now, roleGranted: link.role })
        .onConflictDoUpdate({
          target: [workflowLinkJoins.linkId, workflowLinkJoins.userId],
          set: { joinedAt: now, roleGranted: link.role },
        });
      // Raise only: never lower a role, even one another link gave at the same moment.
      await tx
        .insert(workflowMembers)
        .values({ workflowId: link.workflowId, userId: user.id, role: link.role, addedAt: now })
        .onConflictDoUpdate({
          target: [workflowMembers.workflowId, workflowMembers.userId],
          set: { role: link.role },
          setWhere: sql`${roleRankSql(workflowMembers.role)} < ${roleRankSql(sql`excluded.role`)}`,
        });
      if (decision.countsUse) {
        await tx
          .update(workflowLinks)
          .set({ uses: sql`${workflowLinks.uses} + 1` })
          .where(eq(workflowLinks.id, link.id));
      }
      return { status: 'joined' as const, workflowId: link.workflowId, role: link.role, raised: decision.raised };
    });
  }
}
