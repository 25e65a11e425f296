import { parentToEngineChildSchema, type EngineChildToParent } from '#shared/protocol/engine-child.ts';

/**
 * An engine the server started as its child is tied to it by the IPC channel
 * the server opened. The kernel closes that channel however the server ended
 * (kill -9, or still a zombie nobody has reaped, which polling its pid would
 * take for alive), so the engine leaves as soon as it closes instead of
 * retrying a server that is gone. The channel also carries the engine token.
 * An engine started on its own (`npm run engine`) has no channel and keeps
 * reconnecting to its server. Which of the two this is, config.ts tells
 * (the server sets ENGINE_PARENT_ENV on its child).
 */

/** Calls `onGone` once, when the channel to the server closes (at once if it never opened or already closed). */
export const onParentGone = (onGone: () => void): void => {
  if (typeof process.send !== 'function' || !process.connected) {
    setImmediate(onGone);
    return;
  }
  process.once('disconnect', onGone);
};

/** The engine token, asked of the server over the channel. */
export const tokenFromParent = (timeoutMs = 10_000): Promise<string> =>
  new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the server sent no token within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onMessage = (raw: unknown) => {
      const message = parentToEngineChildSchema.safeParse(raw);
      if (!message.success) return;
      done();
      resolve(message.data.token);
    };
    process.on('message', onMessage);
    const request: EngineChildToParent = { type: 'token-request' };
    if (!process.send) {
      done();
      reject(new Error('no channel to the server'));
      return;
    }
    process.send(request, undefined, {}, (error: Error | null) => {
      if (!error) return;
      done();
      reject(error);
    });
  });
