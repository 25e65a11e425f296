import { ExpressionError } from '#shared/expressions/errors.ts';
import { ParameterResolver } from '#shared/expressions/resolve.ts';
import type { Item, PairedLookup } from '#shared/runs/items.ts';
import { pairedItemMissing, pairedItemNoPath } from '#shared/runs/paired-errors.ts';
import type { Sandbox } from '#shared/sandbox/sandbox.ts';
import type { PreviewRequest, PreviewResponse } from './preview-protocol.ts';
import { typeOfValue } from './preview-protocol.ts';

/**
 * One expression's value against one item of a run, worked out exactly as the
 * engine works out a parameter (the same resolver, the same sandbox code): the
 * preview cannot disagree with a run except where the platform does (ICU).
 */
export class PreviewEvaluator {
  private readonly resolver: ParameterResolver;

  constructor(sandbox: Sandbox) {
    this.resolver = new ParameterResolver(sandbox);
  }

  evaluate(request: PreviewRequest): PreviewResponse {
    const { id, expression, context } = request;
    const items: Item[] = context.items;
    const meta = {
      workflow: context.workflow,
      execution: context.execution,
      now: context.now,
      timezone: context.timezone,
    };
    try {
      const resolved = this.resolver.resolve(
        context.node,
        { value: expression },
        items,
        meta,
        (name) => context.outputs[name],
        (name): PairedLookup[] => {
          const answers = context.paired[name];
          if (!answers) return items.map(() => pairedItemNoPath(name));
          return answers.map((a) => {
            if ('error' in a) return a;
            if ('item' in a) return { item: a.item };
            const item = context.outputs[name]?.[a.index];
            return item ? { item } : pairedItemMissing(name);
          });
        },
      );
      const value = resolved[Math.min(context.itemIndex, resolved.length - 1)]?.value;
      return { id, ok: true, value, type: typeOfValue(value) };
    } catch (e) {
      const error = e instanceof ExpressionError ? e.detail : e instanceof Error ? e.message : String(e);
      return { id, ok: false, error };
    }
  }
}
