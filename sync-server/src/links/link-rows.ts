import { sql, type Column, type SQL } from 'drizzle-orm';
import { decryptSecret, encryptSecret } from '../credentials/cipher.ts';
import type { LinkRow } from './link-store.ts';

/** What both adapters share beside the port: the token's seal and the row's answer. */

export const sealToken = (key: Buffer, token: string): Buffer => encryptSecret(key, { token });

/** Undefined when the seal does not open with this key (the key changed, or the row is damaged). */
export const unsealToken = (key: Buffer, sealed: Buffer): string | undefined => {
  try {
    const { token } = decryptSecret(key, sealed);
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
};

export const linkRowOf = (row: LinkRow): LinkRow => ({
  id: row.id,
  workflowId: row.workflowId,
  role: row.role,
  label: row.label,
  expiresAt: row.expiresAt,
  maxUses: row.maxUses,
  uses: row.uses,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  revokedAt: row.revokedAt,
});

/** A role's rank in SQL (owner > editor > commenter > viewer), the same in both dialects. */
export const roleRankSql = (role: SQL | Column): SQL =>
  sql`(case ${role} when 'owner' then 3 when 'editor' then 2 when 'commenter' then 1 else 0 end)`;
