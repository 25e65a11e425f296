import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { CreateCredentialRequest, CredentialDto } from '#shared/api/credentials.ts';
import { createId } from '#shared/ids.ts';
import type { Db } from '../db/open.ts';
import { credentials } from '../db/schema.ts';

/** Credentials encrypted at rest with AES-256-GCM: a fresh 12-byte IV per write, the tag checked on read. */

export type CredentialSecret =
  | { type: 'apiKeyHeader'; name: string; value: string }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; user: string; password: string };

const IV = 12;
const TAG = 16;

export class CredentialStore {
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
  ) {}

  private encrypt(plain: object): Buffer {
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  private decrypt(data: Buffer): Record<string, string> {
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, IV));
    decipher.setAuthTag(data.subarray(IV, IV + TAG));
    const plain = Buffer.concat([decipher.update(data.subarray(IV + TAG)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as Record<string, string>;
  }

  create(ownerId: string, request: CreateCredentialRequest, now: number): CredentialDto {
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

  list(ownerId: string): CredentialDto[] {
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
      .orderBy(credentials.name)
      .all();
  }

  owner(id: string): string | undefined {
    return this.db.select({ ownerId: credentials.ownerId }).from(credentials).where(eq(credentials.id, id)).get()
      ?.ownerId;
  }

  delete(ownerId: string, id: string): boolean {
    return (
      this.db
        .delete(credentials)
        .where(and(eq(credentials.id, id), eq(credentials.ownerId, ownerId)))
        .run().changes > 0
    );
  }

  /** The decrypted secret, for a job; undefined when the credential is gone. */
  secret(id: string): CredentialSecret | undefined {
    const row = this.db.select().from(credentials).where(eq(credentials.id, id)).get();
    if (!row) return undefined;
    return { type: row.type, ...this.decrypt(row.data) } as CredentialSecret;
  }
}
