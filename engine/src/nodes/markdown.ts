import { NodeHtmlMarkdown } from 'node-html-markdown';
import showdown from 'showdown';
import { showdownOptions } from '#shared/nodes/markdown.ts';
import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type NodeExecutor } from '../runner/types.ts';
import { lodashSet } from './lodash-paths.ts';
import { deepClone } from './paths.ts';
import { str } from './values.ts';

/**
 * Markdown as n8n's (Markdown.node.ts; showdown 2.1.0 and node-html-markdown
 * 1.2.0 as n8n-nodes-base 2.41.1 pins them): the result goes into a copy of
 * the item at the destination path. HTML to Markdown hands node-html-markdown
 * only the options that are set (n8n drops falsy ones), patterns as text
 * (their first match, as written); Markdown to HTML sets on showdown each
 * option that differs from showdown's default.
 */

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const list = (value: unknown): string[] | undefined =>
  value
    ? str(value)
        .split(',')
        .map((s) => s.trim())
    : undefined;

const pairOf = (pattern: unknown, replacement: unknown): [string, string] | undefined =>
  str(pattern) === '' && str(replacement) === '' ? undefined : [str(pattern), str(replacement)];

const toMarkdown = (p: JsonObject): string => {
  const options: Record<string, unknown> = {
    bulletMarker: p.bulletMarker,
    codeFence: p.codeFence,
    emDelimiter: p.emDelimiter,
    strongDelimiter: p.strongDelimiter,
    codeBlockStyle: p.codeBlockStyle,
    maxConsecutiveNewlines: p.maxConsecutiveNewlines,
    keepDataImages: p.keepDataImages,
    useLinkReferenceDefinitions: p.useLinkReferenceDefinitions,
    ignore: list(p.ignore),
    blockElements: list(p.blockElements),
    lineStartEscape: pairOf(p.lineStartEscapePattern, p.lineStartEscapeReplacement),
    globalEscape: pairOf(p.globalEscapePattern, p.globalEscapeReplacement),
  };
  const rows = Array.isArray(p.textReplace) ? (p.textReplace as JsonObject[]) : [];
  if (rows.length > 0) options.textReplace = rows.map((row) => [str(row.pattern), str(row.replacement)]);
  const set = Object.fromEntries(Object.entries(options).filter(([, value]) => Boolean(value)));
  return NodeHtmlMarkdown.translate(p.html as string, set);
};

const toHtml = (p: JsonObject): string => {
  const converter = new showdown.Converter();
  for (const option of showdownOptions) {
    const value = p[option.name];
    if (value !== undefined && value !== option.default) converter.setOption(option.name, value);
  }
  return converter.makeHtml(p.markdown as string);
};

export const markdown: NodeExecutor = (ctx) => {
  const params = ctx.params();
  const mode = ctx.nodeParams().mode;
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const out: Item[] = [];
  const failed: { index: number; message: string }[] = [];
  for (const [index, item] of ctx.items.entries()) {
    const p = params[index] ?? {};
    try {
      if (mode !== 'htmlToMarkdown' && mode !== 'markdownToHtml') continue;
      const result = mode === 'htmlToMarkdown' ? toMarkdown(p) : toHtml(p);
      const json = deepClone(item.json);
      lodashSet(json, str(p.destinationKey), result);
      out.push(pairedWith({ json }, { item: index }));
    } catch (e) {
      if (!goOn) throw e instanceof NodeError ? e : new NodeError(messageOf(e));
      failed.push({ index, message: messageOf(e) });
    }
  }
  if (failed.length > 0) throw new ItemErrors({ [MAIN]: out }, failed);
  return { [MAIN]: out };
};
