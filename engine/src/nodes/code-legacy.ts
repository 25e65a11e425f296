import type { SandboxErrorInfo } from '#shared/sandbox/sandbox.ts';

/**
 * n8n's legacy Function and Function Item nodes, as Weft's Code node runs
 * them (its `legacy` parameter, set by the importer). When they go on after a
 * failure, n8n puts the error's message as it is into the item (no error name,
 * no line: those only go into the error that stops the run), and that message
 * is what Node, which runs n8n's code, says: QuickJS words the same TypeErrors
 * differently, so the common ones are reworded as Node has them.
 */

export type LegacyKind = 'function' | 'functionItem';

export const legacyKind = (value: unknown): LegacyKind | undefined =>
  value === 'function' || value === 'functionItem' ? value : undefined;

const asNode: [RegExp, (...parts: string[]) => string][] = [
  [
    /^cannot read property '(.*)' of (undefined|null)$/,
    (key, of) => `Cannot read properties of ${of} (reading '${key}')`,
  ],
  [
    /^cannot set property '(.*)' of (undefined|null)$/,
    (key, of) => `Cannot set properties of ${of} (setting '${key}')`,
  ],
  [/^'(.*)' is not defined$/, (name) => `${name} is not defined`],
  [/^cannot convert to object$/, () => 'Cannot convert undefined or null to object'],
];

/** The message n8n's Function nodes put into the item of an error they went on after. */
export const legacyItemMessage = (info: SandboxErrorInfo): string => {
  for (const [pattern, reword] of asNode) {
    const m = pattern.exec(info.message);
    if (m) return reword(...m.slice(1));
  }
  return info.message;
};
