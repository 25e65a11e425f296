import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { CredentialGrantDto, WorkflowCredentialDto } from '#shared/api/access.ts';
import type { CreateCredentialRequest, CredentialDto } from '#shared/api/credentials.ts';
import { createId } from '#shared/ids.ts';
import type { Db } from '../db/open.ts';
import { credentialGrants, credentials, instanceSettings, users, workflowMembers, workflows } from '../db/schema.ts';

import type { CredentialSecret, CredentialStore, GrantedSecret, KeyCheckRule } from './credential-store.ts';
import { decryptSecret, encryptSecret, EncryptionKeyMismatchError, KEY_CHECK_SETTING, keyCheckOf } from './cipher.ts';

/** Credentials in SQLite, encrypted with AES-256-GCM: a fresh 12-byte IV per write, the tag checked on read. */

export class SqliteCredentialStore implements CredentialStore {
  // Every job reads one row per credential its nodes name: prepared once.
  private readonly grantedLookup;

  constructor(
    private readonly db: Db,
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
      .prepare();
  }

  private encrypt(plain: object): Buffer {
    return encryptSecret(this.key, plain);
  }

  private decrypt(data: Buffer): Record<string, string> {
    return decryptSecret(this.key, data);
  }

  async checkKey(whenEmpty: KeyCheckRule): Promise<'recorded' | 'matches'> {
    const check = keyCheckOf(this.key);
    return this.db.transaction((tx) => {
      const recorded = tx
        .select({ value: instanceSettings.value })
        .from(instanceSettings)
        .where(eq(instanceSettings.key, KEY_CHECK_SETTING))
        .get();
      if (recorded?.value === check) return 'matches' as const;
      if (recorded) {
        const stored = tx.select({ n: count() }).from(credentials).get()?.n ?? 0;
        if (stored > 0 || whenEmpty === 'refuse') throw new EncryptionKeyMismatchError();
      }
      tx.insert(instanceSettings)
        .values({ key: KEY_CHECK_SETTING, value: check })
        .onConflictDoUpdate({ target: instanceSettings.key, set: { value: check } })
        .run();
      return 'recorded' as const;
    });
  }

  async create(ownerId: string, request: CreateCredentialRequest, now: number): Promise<CredentialDto> {
    const id = createId();
    this.db
      .insert(credentials)
      .values({
        id,
        ownerId,
        name: request.name,
        type: request.type,
        data: this.encrypt(request.data),
        createdAt: now,
        updatedAt: now,
      })
      .run();
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
      .orderBy(credentials.name, credentials.id)
      .all();
  }

  async stamps(ids: readonly string[]): Promise<Record<string, string>> {
    const out = Object.create(null) as Record<string, string>;
    if (ids.length === 0) return out;
    const rows = this.db
      .select({ id: credentials.id, updatedAt: credentials.updatedAt })
      .from(credentials)
      .where(inArray(credentials.id, [...new Set(ids)]))
      .all();
    for (const r of rows) out[r.id] = String(r.updatedAt);
    return out;
  }

  async owner(id: string): Promise<string | undefined> {
    return this.ownerOf(id);
  }

  private ownerOf(id: string): string | undefined {
    return this.db.select({ ownerId: credentials.ownerId }).from(credentials).where(eq(credentials.id, id)).get()
      ?.ownerId;
  }

  async delete(ownerId: string, id: string): Promise<boolean> {
    return (
      this.db
        .delete(credentials)
        .where(and(eq(credentials.id, id), eq(credentials.ownerId, ownerId)))
        .run().changes > 0
    );
  }

  /**
   * The decrypted secret for a job of `workflowId`, only if the credential's
   * owner granted it to that workflow. Being a member of the workflow, even
   * its owner, grants nothing. Never throws: a secret that does not decrypt
   * is answered as `unreadable`, for the run to fail with.
   */
  async grantedSecret(id: string, workflowId: string): Promise<GrantedSecret> {
    const row = this.grantedLookup.get({ id, workflowId });
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
    if (this.ownerOf(id) !== ownerId) return undefined;
    return this.selectGrants().where(eq(credentialGrants.credentialId, id)).orderBy(workflows.name, workflows.id).all();
  }

  /** Grants a credential to a workflow (the caller checked ownership and access); an existing grant stays as it is. */
  async grant(
    id: string,
    workflowId: string,
    now: number,
    whileMember?: string,
  ): Promise<{ grant: CredentialGrantDto; created: boolean } | undefined> {
    // One statement: the membership check and the insert cannot be split by another writer.
    const member =
      whileMember === undefined
        ? sql`1`
        : sql`exists (select 1 from ${workflowMembers} where ${workflowMembers.workflowId} = ${workflowId} and ${workflowMembers.userId} = ${whileMember})`;
    const created =
      this.db.run(
        sql`insert into ${credentialGrants} (credential_id, workflow_id, granted_at)
          select ${id}, ${workflowId}, ${now} where ${member}
          on conflict do nothing`,
      ).changes > 0;
    if (!created && whileMember !== undefined && !(await this.isMember(workflowId, whileMember))) return undefined;
    const grant = this.selectGrants()
      .where(and(eq(credentialGrants.credentialId, id), eq(credentialGrants.workflowId, workflowId)))
      .get();
    if (!grant) throw new Error(`grant of ${id} to ${workflowId} was not stored`);
    return { grant, created };
  }

  private isMember(workflowId: string, userId: string): Promise<boolean> {
    const row = this.db
      .select({ userId: workflowMembers.userId })
      .from(workflowMembers)
      .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, userId)))
      .get();
    return Promise.resolve(row !== undefined);
  }

  async revoke(id: string, workflowId: string): Promise<boolean> {
    return (
      this.db
        .delete(credentialGrants)
        .where(and(eq(credentialGrants.credentialId, id), eq(credentialGrants.workflowId, workflowId)))
        .run().changes > 0
    );
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
      .orderBy(credentials.name, credentials.id)
      .all();
  }
}
