import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { CredentialGrantDto, WorkflowCredentialDto } from '#shared/api/access.ts';
import type { CreateCredentialRequest, CredentialDto } from '#shared/api/credentials.ts';
import { createId } from '#shared/ids.ts';
import type { PgDb } from '../db/open-postgres.ts';
import { byteOrder } from '../db/pg-byte-order.ts';
import { credentialGrants, credentials, instanceSettings, users, workflowMembers, workflows } from '../db/schema/pg.ts';

import type { CredentialSecret, CredentialStore, GrantedSecret, KeyCheckRule } from './credential-store.ts';
import { decryptSecret, encryptSecret, EncryptionKeyMismatchError, KEY_CHECK_SETTING, keyCheckOf } from './cipher.ts';

/**
 * Credentials in PostgreSQL, encrypted with AES-256-GCM as SqliteCredentialStore
 * does (a fresh 12-byte IV per write, the tag checked on read): one contract.
 */

export class PgCredentialStore implements CredentialStore {
  // Every job reads one row per credential its nodes name: prepared once.
  private readonly grantedLookup;

  constructor(
    private readonly db: PgDb,
    private readonly key: Buffer,
  ) {
    this.grantedLookup = db
      .select({ type: credentials.type, data: credentials.data, grantedAt: credentialGrants.grantedAt })
      .from(credentials)
      .leftJoin(
        credentialGrants,
        and(
          eq(credentialGrants.credentialId, credentials.id),
          eq(credentialGrants.workflowId, sql.placeholder('workflowId')),
        ),
      )
      .where(eq(credentials.id, sql.placeholder('id')))
      .prepare('weft_credential_granted');
  }

  private encrypt(plain: object): Buffer {
    return encryptSecret(this.key, plain);
  }

  private decrypt(data: Buffer): Record<string, string> {
    return decryptSecret(this.key, data);
  }

  async checkKey(whenEmpty: KeyCheckRule): Promise<'recorded' | 'matches'> {
    const check = keyCheckOf(this.key);
    return this.db.transaction(async (tx) => {
      // Instances starting at once check one at a time: the first records, the others compare.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${KEY_CHECK_SETTING}))`);
      const [recorded] = await tx
        .select({ value: instanceSettings.value })
        .from(instanceSettings)
        .where(eq(instanceSettings.key, KEY_CHECK_SETTING));
      if (recorded?.value === check) return 'matches' as const;
      if (recorded) {
        const stored = (await tx.select({ n: count() }).from(credentials))[0]?.n ?? 0;
        if (stored > 0 || whenEmpty === 'refuse') throw new EncryptionKeyMismatchError();
      }
      await tx
        .insert(instanceSettings)
        .values({ key: KEY_CHECK_SETTING, value: check })
        .onConflictDoUpdate({ target: instanceSettings.key, set: { value: check } });
      return 'recorded' as const;
    });
  }

  async create(ownerId: string, request: CreateCredentialRequest, now: number): Promise<CredentialDto> {
    const id = createId();
    await this.db.insert(credentials).values({
      id,
      ownerId,
      name: request.name,
      type: request.type,
      data: this.encrypt(request.data),
      createdAt: now,
      updatedAt: now,
    });
    return { id, name: request.name, type: request.type, createdAt: now, updatedAt: now };
  }

  async list(ownerId: string): Promise<CredentialDto[]> {
    return this.db
      .select({
        id: credentials.id,
        name: credentials.name,
        type: credentials.type,
        createdAt: credentials.createdAt,
        updatedAt: credentials.updatedAt,
      })
      .from(credentials)
      .where(eq(credentials.ownerId, ownerId))
      .orderBy(byteOrder(credentials.name), byteOrder(credentials.id));
  }

  async stamps(ids: readonly string[]): Promise<Record<string, string>> {
    const out = Object.create(null) as Record<string, string>;
    if (ids.length === 0) return out;
    const rows = await this.db
      .select({ id: credentials.id, updatedAt: credentials.updatedAt })
      .from(credentials)
      .where(inArray(credentials.id, [...new Set(ids)]));
    for (const r of rows) out[r.id] = String(r.updatedAt);
    return out;
  }

  async owner(id: string): Promise<string | undefined> {
    return this.ownerOf(id);
  }

  private async ownerOf(id: string): Promise<string | undefined> {
    return (await this.db.select({ ownerId: credentials.ownerId }).from(credentials).where(eq(credentials.id, id)))[0]
      ?.ownerId;
  }

  async delete(ownerId: string, id: string): Promise<boolean> {
    const gone = await this.db
      .delete(credentials)
      .where(and(eq(credentials.id, id), eq(credentials.ownerId, ownerId)))
      .returning({ id: credentials.id });
    return gone.length > 0;
  }

  /**
   * The decrypted secret for a job of `workflowId`, only if the credential's
   * owner granted it to that workflow. Being a member of the workflow, even
   * its owner, grants nothing. Never throws: a secret that does not decrypt
   * is answered as `unreadable`, for the run to fail with.
   */
  async grantedSecret(id: string, workflowId: string): Promise<GrantedSecret> {
    const [row] = await this.grantedLookup.execute({ id, workflowId });
    if (!row) return { status: 'missing' };
    if (row.grantedAt === null) return { status: 'notGranted' };
    try {
      return { status: 'ok', secret: { type: row.type, ...this.decrypt(row.data) } as CredentialSecret };
    } catch {
      return { status: 'unreadable' };
    }
  }

  /** Grants with their workflow's name (the select both grant reads share). */
  private selectGrants() {
    return this.db
      .select({
        workflowId: credentialGrants.workflowId,
        workflowName: workflows.name,
        grantedAt: credentialGrants.grantedAt,
      })
      .from(credentialGrants)
      .innerJoin(workflows, eq(workflows.id, credentialGrants.workflowId));
  }

  /** The workflows the owner granted this credential to; undefined when it is not theirs (or does not exist). */
  async grants(ownerId: string, id: string): Promise<CredentialGrantDto[] | undefined> {
    if ((await this.ownerOf(id)) !== ownerId) return undefined;
    return this.selectGrants()
      .where(eq(credentialGrants.credentialId, id))
      .orderBy(byteOrder(workflows.name), byteOrder(workflows.id));
  }

  /** Grants a credential to a workflow (the port says when `whileMember` holds it back). */
  async grant(
    id: string,
    workflowId: string,
    now: number,
    whileMember?: string,
  ): Promise<{ grant: CredentialGrantDto; created: boolean } | undefined> {
    // The member's row is share-locked by the insert: a removal (which deletes it, then their
    // grants) waits for this commit and then revokes this grant too, or has committed already
    // and the row is gone, so nothing is inserted.
    const member =
      whileMember === undefined
        ? sql`true`
        : sql`exists (select 1 from workflow_members where workflow_id = ${workflowId} and user_id = ${whileMember} for key share)`;
    const inserted = await this.db.execute(
      sql`insert into credential_grants (credential_id, workflow_id, granted_at)
        select ${id}, ${workflowId}, ${now}::bigint where ${member}
        on conflict do nothing returning granted_at`,
    );
    if (inserted.rows.length === 0 && whileMember !== undefined && !(await this.isMember(workflowId, whileMember))) {
      return undefined;
    }
    const [grant] = await this.selectGrants().where(
      and(eq(credentialGrants.credentialId, id), eq(credentialGrants.workflowId, workflowId)),
    );
    if (!grant) throw new Error(`grant of ${id} to ${workflowId} was not stored`);
    return { grant, created: inserted.rows.length > 0 };
  }

  private async isMember(workflowId: string, userId: string): Promise<boolean> {
    const rows = await this.db
      .select({ userId: workflowMembers.userId })
      .from(workflowMembers)
      .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, userId)));
    return rows.length > 0;
  }

  async revoke(id: string, workflowId: string): Promise<boolean> {
    const gone = await this.db
      .delete(credentialGrants)
      .where(and(eq(credentialGrants.credentialId, id), eq(credentialGrants.workflowId, workflowId)))
      .returning({ grantedAt: credentialGrants.grantedAt });
    return gone.length > 0;
  }

  /**
   * The credentials granted to a workflow, by whom: what its members may pick
   * in a node and what its runs may use. Names and owners, never secrets.
   */
  async grantedTo(workflowId: string): Promise<WorkflowCredentialDto[]> {
    return this.db
      .select({
        id: credentials.id,
        name: credentials.name,
        type: credentials.type,
        ownerId: credentials.ownerId,
        ownerName: users.name,
        grantedAt: credentialGrants.grantedAt,
      })
      .from(credentialGrants)
      .innerJoin(credentials, eq(credentials.id, credentialGrants.credentialId))
      .innerJoin(users, eq(users.id, credentials.ownerId))
      .where(eq(credentialGrants.workflowId, workflowId))
      .orderBy(byteOrder(credentials.name), byteOrder(credentials.id));
  }
}
