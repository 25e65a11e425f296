import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import type { Extension, Range } from '@codemirror/state';
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import { expressionBefore, offersAt, type CompletionData } from './completions.ts';

/**
 * What a parameter field gains for n8n expressions (values starting with
 * "="): each `{{ … }}` marked, and completions inside it from what the node
 * can read (completions.ts). Plain values are left alone.
 */

const resolvable = Decoration.mark({ class: 'cm-resolvable' });
const brace = Decoration.mark({ class: 'cm-resolvable-brace' });
const TEMPLATE = /\{\{[\s\S]*?(\}\}|$)/g;

const marks = (view: EditorView): DecorationSet => {
  const doc = view.state.doc.toString();
  if (!doc.startsWith('=')) return Decoration.none;
  const ranges: Range<Decoration>[] = [];
  // A mark may not be empty (CodeMirror drops the whole plugin if one is): `{{` typed alone has no inside yet.
  const mark = (decoration: Decoration, from: number, to: number) => {
    if (from < to) ranges.push(decoration.range(from, to));
  };
  for (const m of doc.matchAll(TEMPLATE)) {
    const from = m.index;
    const to = from + m[0].length;
    const closed = m[1] === '}}';
    mark(brace, from, from + 2);
    mark(resolvable, from + 2, closed ? to - 2 : to);
    if (closed) mark(brace, to - 2, to);
  }
  return Decoration.set(ranges);
};

const highlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = marks(view);
    }
    update(update: ViewUpdate) {
      if (update.docChanged) this.decorations = marks(update.view);
    }
  },
  { decorations: (v) => v.decorations },
);

export const expressionSupport = (data: () => CompletionData): Extension => {
  const source = (context: CompletionContext): CompletionResult | null => {
    const at = expressionBefore(context.state.doc.toString(), context.pos);
    if (!at) return null;
    const offers = offersAt(at.text, data());
    if (!offers || (offers.options.length === 0 && !context.explicit)) return null;
    return {
      from: at.start + offers.from,
      // CodeMirror sorts by name; the offers' own order (nearest node first) is the better one.
      options: offers.options.map((o, i) => ({
        label: o.label,
        apply: o.apply ?? o.label,
        type: o.type,
        boost: Math.max(-99, 99 - i),
        ...(o.detail !== undefined ? { detail: o.detail } : {}),
      })),
    };
  };
  return [highlight, autocompletion({ override: [source], icons: false })];
};
