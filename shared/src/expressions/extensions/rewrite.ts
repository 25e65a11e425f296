import { parseExpressionAt, type Node } from 'acorn';
import { PARAMS } from '../../sandbox/function-source.ts';
import { childrenOf, guardFreeNames } from '../free-names.ts';
import { ALL_EXTENSION_NAMES } from './names.ts';

/**
 * n8n's extension functions work by rewriting the expression before it runs:
 * a call `value.name(args)` whose name is an extension function's becomes
 * `extend(value, "name", [args])`, and `extend` (extensions-source.ts, inside
 * the sandbox) picks the function for the value's type at run time, or the
 * value's own method of that name. So `[1, 2].first()` and `'a'.isEmpty()`
 * work while `$json.first` stays a plain field, and nothing is added to any
 * prototype.
 *
 * Like n8n, an expression is rewritten only when its text shows such a call
 * (`.name(`, its first quoted string left out of the test); then every call of
 * an extension name in it is. `value?.name(args)` gives undefined when value
 * is null or undefined, as n8n's rewrite of optional chains does. The source
 * is edited in place (acorn's node positions), so the rest of the text keeps
 * its spelling. Text that does not parse is left as it is: the compiler
 * reports its syntax error.
 */

const names = new Set(ALL_EXTENSION_NAMES);
const CALL_OF_EXTENSION = new RegExp(`(\\$if|\\.(${ALL_EXTENSION_NAMES.join('|')})\\s*(\\?\\.)?)\\s*\\(`);

const MAKES_DATES =
  /\.\s*(toDateTime|toDate|format|plus|minus|beginningOf|endOfMonth|extract|isBetween|isDst|isInLast|isWeekend|diffTo|diffToNow)\s*(\?\.)?\s*\(/;

/**
 * Whether the expression may call an extension that needs Luxon (dates), so
 * that the sandbox loads it when compiling rather than inside the first run.
 */
export const extensionsNeedTime = (code: string): boolean => MAKES_DATES.test(code);

/** Whether n8n would rewrite this expression (the text between `{{` and `}}`). */
export const mentionsExtension = (code: string): boolean =>
  CALL_OF_EXTENSION.test(code.replace(/("|').*?("|')/, '').trim());

interface Member extends Node {
  object: Node;
  property: Node & { name?: string };
  computed: boolean;
  optional: boolean;
}
interface Call extends Node {
  callee: Node;
  arguments: Node[];
}

const children = (node: Node): Node[] => childrenOf(node).sort((a, b) => a.start - b.start);

const extensionCall = (node: Node): { call: Call; member: Member; name: string } | undefined => {
  if (node.type !== 'CallExpression') return undefined;
  const call = node as Call;
  if (call.callee.type !== 'MemberExpression') return undefined;
  const member = call.callee as Member;
  const name = member.property.type === 'Identifier' ? member.property.name : undefined;
  if (member.computed || name === undefined || !names.has(name)) return undefined;
  return { call, member, name };
};

/** The member accesses and calls of a chain, from its top down to (not including) the value it starts from. */
const spineOf = (top: Node): Node[] => {
  const out: Node[] = [];
  for (let at = top; at.type === 'MemberExpression' || at.type === 'CallExpression';) {
    out.push(at);
    at = at.type === 'MemberExpression' ? (at as Member).object : (at as Call).callee;
  }
  return out;
};

const linkObject = (link: Node): Node =>
  link.type === 'MemberExpression' ? (link as Member).object : (link as Call).callee;

/** The last `?.` on the way down a chain of member accesses and calls (above `stop`), with the object it guards. */
const lastOptionalLink = (node: Node, stop?: Node): { link: Node; object: Node } | undefined => {
  let at: Node = node;
  for (;;) {
    if (at === stop) return undefined;
    if (at.type === 'MemberExpression') {
      const m = at as Member;
      if (m.optional) return { link: m, object: m.object };
      at = m.object;
    } else if (at.type === 'CallExpression') {
      const c = at as Call & { optional: boolean };
      if (c.optional) return { link: c, object: c.callee };
      at = c.callee;
    } else return undefined;
  }
};

/** The expression with its extension calls rewritten, or the same text when there is nothing to rewrite. */
export const rewriteExtensions = (code: string): string => (mentionsExtension(code) ? rewriteCalls(code) : code);

/** Every free name an expression may read (its function's parameters): see guardFreeNames. */
const PARAM_NAMES: ReadonlySet<string> = new Set(PARAMS.split(',').map((p) => p.trim()));

/**
 * An expression as it is compiled: its free names guarded as n8n's data
 * answers them (free-names.ts), then its extension calls rewritten — when
 * the text as written shows one, n8n's test.
 */
export const rewriteExpression = (code: string): string => {
  const guarded = guardFreeNames(code, PARAM_NAMES);
  return mentionsExtension(code) ? rewriteCalls(guarded) : guarded;
};

const rewriteCalls = (code: string): string => {
  let root: Node;
  try {
    root = parseExpressionAt(code, 0, { ecmaVersion: 'latest', sourceType: 'script', preserveParens: true });
  } catch {
    return code;
  }
  // Only a single expression (with trailing space or comments) is rewritten; anything else goes to the compiler as is.
  const rest = code.slice(root.end).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  if (rest.trim() !== '') return code;
  // While the object of an extension call after an optional link is being written: that link's object is the
  // arrow's parameter, and the link itself loses its "?.".
  let cut: { link: Node; object: Node } | undefined;
  /**
   * An optional chain with an extension call in it, as n8n's polyfill splits
   * it at each `?.`: every piece starts from the value before its `?.` and
   * gives undefined when that is null or undefined, so a `?.` anywhere below
   * cancels the rest of the chain, also past the call (`a?.b.ext().c`).
   */
  const emitChain = (top: Node): string | undefined => {
    const spine = spineOf(top);
    const links = spine.filter((n) => (n as Member | (Call & { optional: boolean })).optional).reverse();
    if (links.length === 0 || !spine.some((n) => extensionCall(n))) return undefined;
    const outer = cut;
    let value = emit(linkObject(links[0] as Node));
    links.forEach((link, i) => {
      const next = links[i + 1];
      cut = { link, object: linkObject(link) };
      const body = emit(next ? linkObject(next) : top);
      cut = outer;
      value = `((weft$p) => weft$p == null ? undefined : ${body})(${value})`;
    });
    return value;
  };
  const emit = (node: Node): string => {
    if (cut && node === cut.object) return 'weft$p';
    if (node.type === 'ChainExpression') {
      const chain = emitChain((node as Node & { expression: Node }).expression);
      if (chain !== undefined) return chain;
    }
    const ext = extensionCall(node);
    if (ext) {
      const args = ext.call.arguments.map(emit).join(', ');
      const name = JSON.stringify(ext.name);
      if (ext.member.optional) {
        const object = emit(ext.member.object);
        return `((weft$v) => weft$v == null ? undefined : extendOptional(weft$v, ${name})(${args}))(${object})`;
      }
      // n8n cancels the whole chain when a link before the call meets null or undefined: so does this.
      const link = lastOptionalLink(ext.member.object, cut?.object);
      if (link) {
        const outer = cut;
        cut = link;
        const inner = emit(ext.member.object);
        cut = outer;
        const object = emit(link.object);
        return `((weft$p) => weft$p == null ? undefined : extend(${inner}, ${name}, [${args}]))(${object})`;
      }
      return `extend(${emit(ext.member.object)}, ${name}, [${args}])`;
    }
    let out = '';
    let at = node.start;
    for (const child of children(node)) {
      // A shorthand property's key and value are one piece of text: written once.
      if (child.start < at) continue;
      let gap = code.slice(at, child.start);
      if (cut && node === cut.link && at === cut.object.end) {
        gap = gap.replace('?.', node.type === 'MemberExpression' && !(node as Member).computed ? '.' : '');
      }
      out += gap + emit(child);
      at = child.end;
    }
    return out + code.slice(at, node.end);
  };
  return code.slice(0, root.start) + emit(root) + code.slice(root.end);
};
