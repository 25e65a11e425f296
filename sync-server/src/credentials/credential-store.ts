import type { CredentialGrantDto, WorkflowCredentialDto } from '#shared/api/access.ts';
import type { CreateCredentialRequest, CredentialDto } from '#shared/api/credentials.ts';
import type { JobCredential } from '#shared/protocol/engine.ts';

/** Credentials, encrypted at rest; secrets leave the store only for a job of a workflow they were granted to. */

/** A decrypted secret: what a job carries for it. */
export type CredentialSecret = JobCredential;

/**
 * What a job may carry for one credential id in one workflow: its secret only
 * when its owner granted it to that workflow (`grantedSecret`).
 */
export type GrantedSecret =
  | { status: 'ok'; secret: CredentialSecret }
  | { status: 'missing' }
  | { status: 'notGranted' }
  /** Stored, granted, but its ciphertext does not open with this key (the key changed, or the row is damaged). */
  | { status: 'unreadable' };

/**
 * What a database holding no credentials does with a recorded key check that
 * differs: `record` takes this key (one SQLite server whose key file was
 * replaced loses nothing); `refuse` does not (instances of a cluster must
 * share one key, and the next credential would be unreadable to the others).
 */
export type KeyCheckRule = 'record' | 'refuse';

export interface CredentialStore {
  /**
   * Compares this store's key with the one the database's credentials were
   * written with (recorded the first time): rejects with
   * EncryptionKeyMismatchError when they differ and credentials exist, or
   * always when `whenEmpty` is `refuse`.
   */
  checkKey(whenEmpty: KeyCheckRule): Promise<'recorded' | 'matches'>;
  create(ownerId: string, request: CreateCredentialRequest, now: number): Promise<CredentialDto>;
  /** The owner's credentials by name; never secrets. */
  list(ownerId: string): Promise<CredentialDto[]>;
  owner(id: string): Promise<string | undefined>;
  /**
   * Each existing credential's `updated_at` as text, by id (ids that do not exist are left out): partial runs
   * put it in node fingerprints, so a rotated key makes its nodes run again (shared/src/runs/fingerprint.ts).
   */
  stamps(ids: readonly string[]): Promise<Record<string, string>>;
  /** Deletes only the owner's own credential; false otherwise (or when there is none). */
  delete(ownerId: string, id: string): Promise<boolean>;
  /**
   * The decrypted secret for a job of `workflowId`, only if the credential's
   * owner granted it to that workflow. Being a member of the workflow, even
   * its owner, grants nothing. Never rejects for a secret that does not
   * decrypt: that is answered as `unreadable`, for the run to fail with.
   */
  grantedSecret(id: string, workflowId: string): Promise<GrantedSecret>;
  /** The workflows the owner granted this credential to; undefined when it is not theirs (or does not exist). */
  grants(ownerId: string, id: string): Promise<CredentialGrantDto[] | undefined>;
  /**
   * Grants a credential to a workflow (the caller checked ownership and
   * access); an existing grant stays as it is. With `whileMember`, only if
   * that user is a member of the workflow when the grant is written, in one
   * step with it: a removal of that member, which revokes their grants,
   * cannot slip in between and leave this one behind (undefined then).
   */
  grant(
    id: string,
    workflowId: string,
    now: number,
    whileMember?: string,
  ): Promise<{ grant: CredentialGrantDto; created: boolean } | undefined>;
  revoke(id: string, workflowId: string): Promise<boolean>;
  /**
   * The credentials granted to a workflow, by whom: what its members may pick
   * in a node and what its runs may use. Names and owners, never secrets.
   */
  grantedTo(workflowId: string): Promise<WorkflowCredentialDto[]>;
}
