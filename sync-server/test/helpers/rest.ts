import type { Hono } from 'hono';
import type { AppEnv } from '../../src/http/auth.ts';
import type { WorkflowRole } from '#shared/api/common.ts';

export interface Caller {
  cookie?: string;
  token?: string;
}

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * Calls the REST API either in-process (a hono app) or over HTTP (a base URL),
 * as a user identified by session cookie or API token.
 */
export const restClient = (target: Hono<AppEnv> | string) => {
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; as?: Caller; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<JsonResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
    if (options.as?.cookie) headers.cookie = options.as.cookie;
    if (options.as?.token) headers.authorization = `Bearer ${options.as.token}`;
    const init: RequestInit = { method, headers };
    if (options.raw !== undefined) init.body = options.raw;
    else if (options.body !== undefined) init.body = JSON.stringify(options.body);
    const res = typeof target === 'string' ? await fetch(`${target}${path}`, init) : await target.request(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  };

  /** Signs up and returns a caller holding the session cookie, plus an API token of the same user. */
  const signup = async (email: string, name = email.split('@')[0] ?? 'user', password = 'correct horse battery') => {
    const res = await call<{ user: { id: string; email: string; isAdmin: boolean } }>('POST', '/api/auth/signup', {
      body: { email, password, name },
    });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const token = await call<{ token: string }>('POST', '/api/tokens', { body: { name: 'test' }, as: { cookie } });
    return { user: res.body.user, cookie, token: token.body.token, as: { cookie } as Caller };
  };

  const createWorkflow = async (caller: Caller, name = 'Test workflow'): Promise<string> => {
    const res = await call<{ id: string }>('POST', '/api/workflows', { body: { name }, as: caller });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  };

  /**
   * Makes `invitee` a member with `role` the way people do: the owner invites
   * their address, they accept. A current member's role is changed directly.
   */
  const addMember = async (
    owner: Caller,
    workflowId: string,
    invitee: { user: { email: string }; as: Caller },
    role: WorkflowRole,
  ): Promise<void> => {
    const res = await call<{ invitation?: { id: string } }>('POST', `/api/workflows/${workflowId}/members`, {
      body: { email: invitee.user.email, role },
      as: owner,
    });
    if (res.status === 200) return;
    if (res.status !== 202 || !res.body.invitation) {
      throw new Error(`invite failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const accepted = await call('POST', `/api/me/invitations/${res.body.invitation.id}/accept`, { as: invitee.as });
    if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  };

  return { call, signup, createWorkflow, addMember };
};
