/// <reference lib="webworker" />
import { mayUseTime, Sandbox } from '#shared/sandbox/sandbox.ts';
import { ALL_ASSETS, ASSET_NOT_LOADED, assetsFor, browserSandboxHost, loadAssetsFor } from './browser-host.ts';
import { PreviewEvaluator } from './preview-eval.ts';
import { isPreviewRequest, type PreviewRequest, type PreviewResponse } from './preview-protocol.ts';

/**
 * The expression preview's worker: collaborators' expressions run here, inside
 * QuickJS (no DOM, no fetch, no postMessage inside), off the page's thread.
 * Requests arrive faster than they are answered while someone types; only the
 * newest waiting one is evaluated, older ones are dropped unanswered.
 */

declare const self: DedicatedWorkerGlobalScope;

/** Smaller than the engine's: a preview evaluates one expression over one page of items. */
const LIMITS = { timeoutMs: 250, memoryBytes: 32 * 1024 * 1024 };

let evaluator: Promise<PreviewEvaluator> | undefined;
let waiting: PreviewRequest | undefined;
let busy = false;

const answer = (response: PreviewResponse) => self.postMessage(response);

const evaluate = async (request: PreviewRequest): Promise<PreviewResponse> => {
  evaluator ??= Sandbox.create(browserSandboxHost, LIMITS).then((s) => new PreviewEvaluator(s));
  const preview = await evaluator;
  await loadAssetsFor(assetsFor(request.expression, mayUseTime));
  const first = preview.evaluate(request);
  if (first.ok || !first.error.includes(ASSET_NOT_LOADED)) return first;
  // Code reached Luxon or jmespath without naming it (through eval, say): load everything and try once more.
  await loadAssetsFor(ALL_ASSETS);
  return preview.evaluate(request);
};

const drain = async (): Promise<void> => {
  if (busy) return;
  busy = true;
  try {
    while (waiting) {
      const request = waiting;
      waiting = undefined;
      try {
        answer(await evaluate(request));
      } catch (e) {
        // The sandbox itself failed to start (the wasm did not load): say so; the next request tries again.
        evaluator = undefined;
        answer({ id: request.id, ok: false, error: `The preview is unavailable: ${(e as Error).message}` });
      }
    }
  } finally {
    busy = false;
  }
};

self.onmessage = (event: MessageEvent<unknown>) => {
  if (!isPreviewRequest(event.data)) return;
  waiting = event.data;
  void drain();
};
