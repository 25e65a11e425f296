/**
 * What n8n expressions and Code can use that Weft's cannot, found in a
 * node's parameters so an import can say so up front rather than leave the
 * user to meet a TypeError at run time. Weft's expressions have `$json`,
 * `$input`, `$('Node')` with paired items (`.item`, `.itemMatching(i)`,
 * `.pairedItem()`), n8n's legacy `$node[…]` (with `.parameter` and
 * `.context`), `$items()` and `$item(i)`, `$runIndex`, `$binary` and an item's `.binary`,
 * `$if`, `$ifEmpty`, `$jmespath`, `$itemIndex`, `$now`/`$today` and Luxon's
 * `DateTime`, `Duration` and `Interval` (in the workflow's time zone, as in
 * n8n, with its locale formatting: `setLocale`, `toHuman`, presets), `Intl`
 * and `toLocaleString` (Node's ICU), `$workflow` and `$execution` (see the
 * README).
 */

const FEATURES: readonly [RegExp, string][] = [
  [/\$env\b/, '$env'],
  [/\$prevNode\b/, '$prevNode'],
  [/\$parameter\b/, '$parameter'],
  [/\$(secrets|vars)\b/, '$vars and $secrets'],
  [/\$(fromAI|evaluateExpression)\s*\(/, "n8n's helper functions"],
  // What n8n's Code and legacy Function nodes get from the node itself (Weft's sandbox reaches nothing outside).
  [
    /\b\$?(getNodeParameter|getWorkflowStaticData|[gs]etBinaryDataAsync|setBinaryData)\s*\(|\bhelpers\s*\.|\brequire\s*\(/,
    "n8n's node functions (getNodeParameter, getWorkflowStaticData, helpers, binary data, require)",
  ],
];

/** Text that runs as code: expressions (values starting with "=") and the Code node's JavaScript. */
const codeIn = (value: unknown, key: string | undefined, out: string[]): void => {
  if (typeof value === 'string') {
    if (value.startsWith('=') || key === 'jsCode') out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) codeIn(v, undefined, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) codeIn(v, k, out);
  }
};

/** The n8n-only features a node's parameters use, each named once. */
export const unsupportedExpressionFeatures = (parameters: Record<string, unknown>): string[] => {
  const sources: string[] = [];
  codeIn(parameters, undefined, sources);
  if (sources.length === 0) return [];
  return FEATURES.filter(([pattern]) => sources.some((s) => pattern.test(s))).map(([, name]) => name);
};
