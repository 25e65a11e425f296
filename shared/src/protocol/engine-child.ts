import { z } from 'zod';

/**
 * The IPC channel between the server and the engine it starts as its child.
 * The channel ties the two together (the engine leaves when it closes, however
 * the server ended) and carries the engine token, so the token is on no
 * command line and in no environment: the engine asks for it once it listens,
 * the server answers. Everything else goes over the engine WebSocket, as for
 * any engine.
 */

/** Set (to `ipc`) in the environment of an engine started as a child: watch the channel, take the token from it. */
export const ENGINE_PARENT_ENV = 'WEFT_ENGINE_PARENT';

export const engineChildToParentSchema = z.object({ type: z.literal('token-request') });
export type EngineChildToParent = z.infer<typeof engineChildToParentSchema>;

export const parentToEngineChildSchema = z.object({ type: z.literal('token'), token: z.string().min(1).max(4096) });
export type ParentToEngineChild = z.infer<typeof parentToEngineChildSchema>;
