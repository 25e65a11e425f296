import { MAX_LOG_LINES, MAX_LOG_MESSAGE } from '../protocol/log-limits.ts';
import { LEGACY_FUNCTION_SOURCE } from './legacy-function-source.ts';

/**
 * The code that runs inside each QuickJS context before any user code: the
 * driver the host calls, then a lockdown that freezes every object reachable
 * from the global scope, so one workflow's expression or Code node cannot
 * change what another one sees (prototype pollution, replaced globals). The
 * driver is returned to the host and never made global: user code cannot
 * reach it.
 *
 * Values cross the boundary as JSON text only; no host object is ever visible
 * inside the sandbox.
 */
export const DRIVER_SOURCE = String.raw`((time, loadJmespath, renewTime, customDataHost) => {
  'use strict';
  const fns = [];
  const RENEW_EVERY = 16;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const apply = Reflect.apply;
  const sourceOf = Function.prototype.toString;

  // Evaluates text with nothing around it but the global scope (made by indirect eval, so it closes over none of
  // the driver). Its own eval is direct and strict: whatever the text declares stays inside that one evaluation.
  const quarantine = (0, eval)(
    "(function (text) { 'use strict'; try { eval(text); } catch (e) { return e; } return undefined; })",
  );

  // Out of time, memory or stack: the host must see these (it rebuilds the runtime), so they are never caught here.
  const fatal = (e) => e !== null && typeof e === 'object' && e.name === 'InternalError';

  // n8n's ExpressionError: what an expression throws on purpose (a node that has not run, paired items that cannot
  // be found, a helper called wrongly). Expressions let these through and swallow every other error (see evaluate).
  const expressionError = (message) => {
    const e = new Error(message);
    Object.defineProperty(e, 'name', { value: 'ExpressionError' });
    return e;
  };
  const passesThrough = (e) =>
    e !== null && typeof e === 'object' && (e.name === 'ExpressionError' || e.name === 'ExpressionExtensionError');

  const describe = (e) => {
    if (e !== null && typeof e === 'object') {
      return { name: String(e.name ?? 'Error'), message: String(e.message ?? e), stack: String(e.stack ?? '') };
    }
    return { name: 'Error', message: String(e), stack: '' };
  };

  // $('Name'): its output, and the item of it that the item being processed descends from (paired items, worked
  // out by the host: an index into the output, the item itself, or why there is none).
  const nodeAccessor = (refs, paired, params, runs, name, index) => {
    if (typeof name !== 'string') throw new TypeError('$() takes the name of a node, in quotes');
    if (!Object.prototype.hasOwnProperty.call(refs, name)) {
      // n8n's $() of a node that exists but has not run: its parameters and isExecuted answer, its data throws.
      const exists = runs !== undefined && Object.prototype.hasOwnProperty.call(runs, name) && runs[name] === -1;
      if (!exists) throw expressionError("Referenced node doesn't exist");
      const notRun = () => {
        throw expressionError("Node '" + name + "' hasn't been executed");
      };
      return {
        get item() {
          return notRun();
        },
        itemMatching: notRun,
        pairedItem: notRun,
        all: notRun,
        first: notRun,
        last: notRun,
        isExecuted: false,
        get params() {
          return parametersOf(params, name);
        },
        context: EMPTY_CONTEXT,
      };
    }
    const out = refs[name];
    const pairedAt = (i) => {
      const list = paired && Object.prototype.hasOwnProperty.call(paired, name) ? paired[name] : undefined;
      if (!list) return out[i] ?? out[0];
      const entry = list[i];
      if (entry === undefined) throw expressionError('Can’t get data for expression: no item ' + i + ' to pair');
      if (typeof entry === 'number') return out[entry];
      if (entry.e !== undefined) throw expressionError(entry.e);
      return entry.i;
    };
    return {
      get item() {
        return pairedAt(index);
      },
      itemMatching: (i) => {
        if (i === undefined) throw expressionError('Missing item index for .itemMatching()');
        return pairedAt(i);
      },
      pairedItem: (i) => pairedAt(i === undefined ? index : i),
      all: () => out,
      first: () => out[0],
      last: () => out[out.length - 1],
      isExecuted: true,
      // n8n's node parameters, as they are stored (expressions unresolved), and its context: empty for every node Weft has.
      get params() {
        return parametersOf(params, name);
      },
      context: EMPTY_CONTEXT,
    };
  };

  // n8n's $node["Name"].parameter: a top-level parameter written as an expression is worked out when it is read,
  // for the item being processed (args), its own errors passing through and others giving nothing as in any
  // expression; the object as a whole (toJSON) keeps the text. Templates: see parameter-expressions.ts.
  const nestedValue = (template, args) => {
    if (typeof template === 'object' && template !== null && !Array.isArray(template)) throw expressionError(template.e);
    const run = (id) => {
      try {
        return fns[id].apply(undefined, args);
      } catch (e) {
        if (fatal(e) || passesThrough(e)) throw e;
        return undefined;
      }
    };
    if (typeof template === 'number') return run(template);
    let out = '';
    for (const part of template) {
      if (typeof part === 'string') out += part;
      else {
        const v = run(~part);
        out += v || v === 0 || v === false ? String(v) : '';
      }
    }
    return out;
  };
  const withExpressions = (raw, nested, args) => {
    if (raw === undefined || nested === undefined || args === undefined) return raw;
    return new Proxy(raw, {
      get(target, key) {
        if (key === 'toJSON' && !Object.prototype.hasOwnProperty.call(target, 'toJSON')) return () => target;
        if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(nested, key)) {
          return nestedValue(nested[key], args);
        }
        return target[key];
      },
    });
  };

  // What n8n's NodeHelpers.getContext gives a node that keeps no context: an empty object.
  const EMPTY_CONTEXT = Object.freeze({});
  // A node's parameters (sent when the code reads them, see run-data.ts), a fresh copy each time: code may change it.
  const parametersOf = (params, name) =>
    params && Object.prototype.hasOwnProperty.call(params, name) ? parse(stringify(params[name])) : undefined;

  // $execution.customData: the run's custom data lives in the host (one context serves every run), asked each time.
  // Keys and values cross as text; a value n8n refuses (not a string or number) crosses as null.
  const customCall = (request) => {
    const answer = parse(customDataHost(stringify(request)));
    if (answer.e !== undefined) throw new Error(answer.e);
    return answer.v;
  };
  const customText = (v) =>
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
  const customData = Object.freeze({
    set: (key, value) => {
      customCall({ op: 'set', key: String(key), text: typeof key === 'string', value: customText(value) });
    },
    setAll: (obj) => {
      customCall({ op: 'setAll', entries: Object.entries(obj).map(([k, v]) => [k, customText(v)]) });
    },
    get: (key) => customCall({ op: 'get', key: String(key) }),
    getAll: () => customCall({ op: 'getAll' }),
  });

  // $workflow and $execution come as JSON text, the same for every call of a run: parsed once, frozen, shared.
  let metaText = '';
  let meta = {};
  const metaOf = (text) => {
    if (text !== metaText) {
      const parsed = parse(text);
      if (parsed.execution !== null && typeof parsed.execution === 'object') parsed.execution.customData = customData;
      meta = deepFreeze(parsed);
      metaText = text;
    }
    return meta;
  };
  const deepFreeze = (o) => {
    if (o !== null && typeof o === 'object') {
      for (const v of Object.values(o)) deepFreeze(v);
      Object.freeze(o);
    }
    return o;
  };

  // Which compiled functions may read $now or $today: those are Luxon DateTimes, which the others need not pay for
  // (0: neither, 1: $now, 2: $today too).
  const usesTime = [];
  // Which name $node, $items or $item (n8n's legacy names): their proxies are made only for calls that need them.
  const usesLegacy = [];
  const idLists = new Map();
  const idsOf = (text) => {
    let ids = idLists.get(text);
    if (!ids) {
      if (idLists.size >= 10000) idLists.clear();
      ids = text.split(',').map(Number);
      idLists.set(text, ids);
    }
    return ids;
  };

  // n8n's legacy names: $node["Name"] (its item at the same index), $items("Name") (its items; the input's without
  // a name), $item(i) (another item's $json and $node). Made once per call; \`at.index\` follows the item being processed.
  const legacyFor = (p, items) => {
    const refs = p.refs;
    const params = p.params;
    const runs = p.runs;
    const at = { index: 0, args: undefined };
    const nodeAt = (name, index) => {
      const ran = Object.prototype.hasOwnProperty.call(refs, name);
      // n8n answers a node's parameters (and runIndex -1) whether it has run or not; its data only once it has.
      const lastRun = runs !== undefined && Object.prototype.hasOwnProperty.call(runs, name) ? runs[name] : undefined;
      const known =
        lastRun !== undefined || (params !== undefined && Object.prototype.hasOwnProperty.call(params, name));
      const notRun = () => expressionError("Node '" + String(name) + "' hasn't been executed");
      if (!ran && !known) throw notRun();
      const out = ran ? refs[name] : [];
      const json = () => {
        if (!ran) throw notRun();
        if (out.length <= index) {
          throw expressionError('"' + name + '" node has ' + out.length + " item(s) but you're trying to access item " + index);
        }
        return out[index].json;
      };
      return {
        get json() {
          return json();
        },
        get data() {
          return json();
        },
        get binary() {
          if (!ran) throw notRun();
          return out.length > index && out[index].binary ? out[index].binary : {};
        },
        // n8n's parameters, an expression among them worked out when read ($('Name').params gives its text).
        get parameter() {
          const nested = p.pexpr && Object.prototype.hasOwnProperty.call(p.pexpr, name) ? p.pexpr[name] : undefined;
          return withExpressions(parametersOf(params, name), nested, at.args);
        },
        context: EMPTY_CONTEXT,
        // n8n: the index of the node's last run (its run count - 1), -1 before it has run.
        runIndex: lastRun !== undefined ? lastRun : ran ? 0 : -1,
      };
    };
    const nodesAt = (index) =>
      new Proxy(
        {},
        {
          get: (_, name) => (typeof name === 'string' ? nodeAt(name, index) : undefined),
          has: (_, name) => typeof name === 'string' && Object.prototype.hasOwnProperty.call(refs, name),
        },
      );
    const nodeProxy = new Proxy(
      {},
      {
        get: (_, name) => (typeof name === 'string' ? nodeAt(name, at.index) : undefined),
        has: (_, name) => typeof name === 'string' && Object.prototype.hasOwnProperty.call(refs, name),
      },
    );
    const $items = (name) => {
      if (name === undefined) return p.all ?? items;
      if (!Object.prototype.hasOwnProperty.call(refs, name)) {
        throw expressionError("Node '" + String(name) + "' hasn't been executed");
      }
      return refs[name];
    };
    const $item = (index) => ({ $json: items[index] ? items[index].json : undefined, $node: nodesAt(index) });
    return { at, $node: nodeProxy, $items, $item };
  };

  // $if and $ifEmpty (n8n's extended functions). Shared by every call, so frozen (below) like everything global.
  const $if = (...args) => {
    if (args.length < 2) {
      const e = new Error('$if requires at least 2 parameters: test, value_if_true[, and value_if_false]');
      Object.defineProperty(e, 'name', { value: 'ExpressionExtensionError' });
      throw e;
    }
    return args[0] ? args[1] : args.length > 2 ? args[2] : false;
  };
  const $ifEmpty = (...args) => {
    if (args.length !== 2) throw expressionError('expected two arguments (value, defaultValue) for this function');
    const [value, fallback] = args;
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value === 'object') {
      if (Array.isArray(value) && !value.length) return fallback;
      if (!Object.keys(value).length) return fallback;
    }
    return value;
  };

  // $jmespath: jmespath.js (n8n's), loaded the first time it is called and frozen before anyone gets it.
  let jmespathLib;
  const UNSAFE = /\b(?:__proto__|prototype|constructor|getPrototypeOf|setPrototypeOf|getOwnPropertyDescriptors?|defineProperty|defineProperties|mainModule|binding|_linkedBinding|_load|prepareStackTrace|__lookupGetter__|__lookupSetter__|__defineGetter__|__defineSetter__|caller|callee|arguments|getBuiltinModule|dlopen|execve|loadEnvFile)\b/;
  const $jmespath = (data, query) => {
    if (typeof data !== 'object' || typeof query !== 'string') {
      throw expressionError('expected two arguments (Object, string) for this function');
    }
    if (query.includes('\\') || UNSAFE.test(query)) {
      throw expressionError('Cannot access this property in a jmespath query due to security concerns');
    }
    if (!jmespathLib) {
      const lib = (0, eval)(loadJmespath())();
      freeze(lib);
      jmespathLib = lib;
    }
    return jmespathLib.search(data !== null && !Array.isArray(data) ? { ...data } : data, query);
  };

  Object.freeze($if);
  Object.freeze($ifEmpty);
  Object.freeze($jmespath);

  /** The arguments of an expression or Code function (see PARAMS in function-source.ts). */
  /** $input's functions, made once per call for all its items. */
  const inputOf = (items) => ({
    all: () => items,
    first: () => items[0],
    last: () => items[items.length - 1],
  });
  // own: what n8n's Function / Function Item hand their code as items / item instead of the Code node's.
  const contextFor = (p, m, clock, items, index, legacy, mode, input, own) => {
    const item = items[index];
    const args = [
      item ? item.json : {},
      { item, all: input.all, first: input.first, last: input.last },
      (name) => nodeAccessor(p.refs, p.paired, p.params, p.runs, name, index),
      clock ? clock.now : undefined,
      clock ? clock.today : undefined,
      m.workflow,
      m.execution,
      index,
      p.vars ?? {},
      legacy ? legacy.$node : undefined,
      legacy ? legacy.$items : undefined,
      legacy ? legacy.$item : undefined,
      $if,
      $ifEmpty,
      $jmespath,
      p.run ?? 0,
      // $binary: the item's files (n8n: {} for an item without).
      item && item.binary ? item.binary : {},
      // Code's legacy variables (only its shape names them): items once for all items, item once per item.
      mode === 'runOnceForAllItems' ? (own ? own.items : items) : undefined,
      mode === 'runOnceForEachItem' ? (own ? own.item : item) : undefined,
      own ? own.getBinaryData : undefined,
    ];
    if (legacy) {
      legacy.at.index = index;
      // $node["Name"].parameter works its expressions out with these (see withExpressions).
      legacy.at.args = args;
    }
    return args;
  };

  // What Code returns, checked and shaped as n8n's Code node does (result-validation and normalizeItems), with its
  // messages: once for all items a list of items or of plain objects (or one of either), once per item one object.
  const RESERVED = ['json', 'binary', 'pairedItem', 'error', 'index'];
  const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
  const invalid = (message, index) => new Error(message + (index === undefined ? '' : ' [item ' + index + ']'));
  const checkJson = (item, index) => {
    if (!isObject(item.json)) throw invalid("A 'json' property isn't an object", index);
    if (item.binary !== undefined && !isObject(item.binary)) throw invalid("A 'binary' property isn't an object", index);
  };
  const checkTopLevelKeys = (item, index) => {
    let reserved = null;
    const unknown = [];
    for (const key of Object.keys(item)) {
      if (RESERVED.includes(key)) reserved ??= key;
      else unknown.push(key);
    }
    if (unknown.length === 0) return;
    if (reserved) throw invalid('Found a reserved key "' + reserved + '" beside other keys', index);
    throw invalid('Unknown top-level item key: ' + unknown[0], index);
  };
  /** Only what Weft keeps of an item: its json, its files, and the pairedItem the host reads. */
  const kept = (item) => {
    const out = { json: item.json };
    if (item.binary !== undefined) out.binary = item.binary;
    if (item.pairedItem !== undefined) out.pairedItem = item.pairedItem;
    return out;
  };
  const allItemsOutput = (value) => {
    if (typeof value !== 'object') throw invalid("Code doesn't return items properly");
    if (value === null) throw new TypeError("Cannot read properties of null (reading 'json')");
    let list;
    if (Array.isArray(value)) {
      for (const entry of value) if (!isObject(entry)) throw invalid("Code doesn't return items properly");
      if (value.some((entry) => Object.keys(entry).some((k) => RESERVED.includes(k)))) value.forEach(checkTopLevelKeys);
      if (value.every((entry) => 'json' in entry)) list = value;
      else if (value.some((entry) => 'json' in entry)) throw new Error('Inconsistent item format');
      else list = value.map((entry) => ({ json: entry }));
    } else list = [value.json ? value : { json: value }];
    list.forEach(checkJson);
    return list.map(kept);
  };
  const eachItemOutput = (value) => {
    if (typeof value !== 'object') throw invalid("Code doesn't return an object");
    if (Array.isArray(value)) throw invalid("Code doesn't return a single object");
    if (value === null) throw new TypeError("Cannot use 'in' operator to search for 'json' in null");
    const item = 'json' in value ? { json: value.json } : { json: value };
    if ('json' in value && value.binary !== undefined) item.binary = value.binary;
    checkJson(item);
    return item;
  };

${LEGACY_FUNCTION_SOURCE}
  // console: what code prints is collected during one call and handed back with its result (the Code node
  // puts it in the execution's log). Bounded here too: printing in a loop must not fill the heap.
  const MAX_PRINTED = ${MAX_LOG_LINES};
  const MAX_CHARS = ${MAX_LOG_MESSAGE};
  let printed = [];
  let unprinted = 0;
  const show = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return String(v.name) + ': ' + String(v.message);
    try {
      const text = stringify(v);
      return text === undefined ? String(v) : text;
    } catch {
      try {
        return String(v);
      } catch {
        return '[unprintable]';
      }
    }
  };
  const printer = (level) => (...args) => {
    if (printed.length >= MAX_PRINTED) {
      unprinted++;
      return;
    }
    let text = args.map(show).join(' ');
    if (text.length > MAX_CHARS) text = text.slice(0, MAX_CHARS - 1) + '…';
    printed.push({ level, message: text });
  };
  globalThis.console = {
    log: printer('info'),
    info: printer('info'),
    debug: printer('info'),
    warn: printer('warn'),
    error: printer('error'),
  };
  /** { lines, dropped }: what the call printed, and how many lines past the limit it did not keep. */
  const takePrinted = () => {
    const out = { lines: printed, dropped: unprinted };
    printed = [];
    unprinted = 0;
    return out;
  };

  const driver = {
    /**
     * Whether QuickJS's own parser reads the declaration "function weft$body(…) { … }" (user code checked on the
     * host, see function-source.ts) as one function spanning the whole text, so the code cannot close it early.
     * The text is evaluated behind a throw of that function: declarations are hoisted, so the throw comes first
     * and nothing the text holds runs; an early "}" would leave the thrown function shorter than the text (or
     * another function of that name declared later in it).
     */
    verify(declaration) {
      const found = quarantine('throw weft$body;\n' + declaration);
      return typeof found === 'function' && apply(sourceOf, found, []) === declaration ? 'yes' : 'no';
    },
    /** Loads Luxon now, in a call of its own, so that the first code to use it does not pay for it. */
    prepareTime() {
      luxon();
      return 'ok';
    },
    register(fn, timed, legacy) {
      // The same code in two workflows is one function: it must carry nothing from one run to the next.
      Object.freeze(fn);
      if (fn.prototype) Object.freeze(fn.prototype);
      fns.push(fn);
      usesTime.push(timed);
      usesLegacy.push(legacy);
      return fns.length - 1;
    },
    /** Every expression for every item: results[item][expression] = { v } | { e }. */
    evaluate(idsText, payloadText, metaText, now, zone) {
      // Expressions print nowhere: what they print goes.
      if (printed.length > 0 || unprinted > 0) takePrinted();
      const ids = idsOf(idsText);
      const p = parse(payloadText);
      const m = metaOf(metaText);
      time.setZone(zone);
      const timed = ids.some((id) => usesTime[id < 0 ? ~id : id]) || (p.pids ?? []).some((id) => usesTime[id]);
      const today = ids.some((id) => usesTime[id < 0 ? ~id : id] === 2) || (p.pids ?? []).some((id) => usesTime[id] === 2);
      const clock = timed ? clockAt(now, today) : undefined;
      const items = p.items;
      const legacy = ids.some((id) => usesLegacy[id < 0 ? ~id : id]) ? legacyFor(p, items) : undefined;
      const input = inputOf(p.all ?? items);
      const count = Math.max(items.length, 1);
      const results = new Array(count);
      for (let i = 0; i < count; i++) {
        // The time limit is for runaway code, not for long lists: every RENEW_EVERY items get it afresh.
        if (i > 0 && i % RENEW_EVERY === 0) renewTime();
        const args = contextFor(p, m, clock, items, i, legacy, undefined, input);
        const row = new Array(ids.length);
        for (let k = 0; k < ids.length; k++) {
          // A negative id (~id) is a {{ }} with text around it: its value becomes text as n8n's template joins it.
          const n = ids[k];
          let v;
          try {
            v = fns[n < 0 ? ~n : n].apply(undefined, args);
          } catch (e) {
            if (fatal(e)) throw e;
            // n8n's expressions swallow every error but its own (a TypeError reading past a missing field gives
            // nothing), and pass its ExpressionErrors on.
            if (passesThrough(e)) {
              row[k] = { e: describe(e) };
              continue;
            }
            v = undefined;
          }
          if (n < 0) {
            try {
              row[k] = { v: v || v === 0 || v === false ? String(v) : '' };
            } catch (e) {
              if (fatal(e)) throw e;
              row[k] = { e: describe(e) };
            }
          } else row[k] = v === undefined ? {} : { v: typeof v === 'function' ? String(v) : v };
        }
        results[i] = row;
      }
      return stringify(results);
    },
    /** Sort's comparison code: the order of the items as a list of their indexes. */
    sort(id, itemsText) {
      const items = parse(itemsText);
      const fn = fns[id];
      const order = items.map((_, i) => i);
      order.sort((x, y) => {
        const r = Number(fn(items[x], items[y]));
        return Number.isNaN(r) ? 0 : r;
      });
      return stringify(order);
    },
    /** The Code node: once for all items, or once per item. Resolves to { items } or { e, index }. */
    async runCode(id, mode, payloadText, metaText, now, zone) {
      takePrinted();
      const p = parse(payloadText);
      const m = metaOf(metaText);
      time.setZone(zone);
      const today = usesTime[id] === 2 || (p.pids ?? []).some((n) => usesTime[n] === 2);
      const clock = usesTime[id] || (p.pids ?? []).some((n) => usesTime[n]) ? clockAt(now, today) : undefined;
      const items = p.items;
      const legacy = usesLegacy[id] ? legacyFor(p, items) : undefined;
      const input = inputOf(p.all ?? items);
      // As n8n hands them to Code: each input item knows its place (addPairedItemLineage), so returning it pairs it.
      for (let i = 0; i < items.length; i++) items[i].pairedItem = { item: i };
      const fn = fns[id];
      if (mode === 'runOnceForEachItem') {
        // The failures are reported beside the results (the host decides what they mean); as in n8n, the first one
        // ends the run unless the node goes on after failures (p.goOn).
        const out = [];
        const errors = [];
        for (let i = 0; i < items.length; i++) {
          if (i > 0 && i % RENEW_EVERY === 0) renewTime();
          // Function Item: \`item\` is a copy of the item's data, and what comes back is the item's data as it is.
          const own = p.legacy === 'functionItem' ? { item: legacyCopy(items[i].json), getBinaryData: () => undefined } : undefined;
          const args = contextFor(p, m, clock, items, i, legacy, mode, input, own);
          // Where it failed: in the code, or in the check of what it returned (n8n's Function Item tells them apart).
          let ran = false;
          try {
            const value = await fn.apply(undefined, args);
            ran = true;
            const returned = own ? { json: functionItemOutput(value) } : eachItemOutput(value);
            returned.index = i;
            out.push(returned);
          } catch (e) {
            if (fatal(e)) throw e;
            errors.push(ran ? { index: i, e: describe(e), returned: true } : { index: i, e: describe(e) });
            if (!p.goOn) break;
          }
        }
        return stringify({ items: out, errors, logs: takePrinted() });
      }
      try {
        const own = p.legacy === 'function' ? { items: legacyItems(items) } : undefined;
        const value = await fn.apply(undefined, contextFor(p, m, clock, items, 0, legacy, mode, input, own));
        return stringify({ items: own ? functionOutput(value) : allItemsOutput(value), logs: takePrinted() });
      } catch (e) {
        if (fatal(e)) throw e;
        return stringify({ e: describe(e), logs: takePrinted() });
      }
    },
  };

  // Luxon, as n8n gives it to expressions and Code: loaded the first time something reads it, frozen before anyone
  // gets it (one context serves every workflow).
  let luxonReady = false;
  const luxon = () => {
    const lib = time.luxon();
    if (!luxonReady) {
      freeze(lib);
      luxonReady = true;
    }
    return lib;
  };
  // $now and $today: made once per call (DateTimes are immutable) in the zone the call was given; $today only
  // when code of the call may read it (usesTime 2: it names $today, arguments or eval).
  const clockAt = (now, today) => {
    luxon();
    return time.clock(now, today);
  };
  for (const name of ['DateTime', 'Duration', 'Interval']) {
    Object.defineProperty(globalThis, name, { get: () => luxon()[name], enumerable: false, configurable: false });
  }

  // Lockdown: freeze everything reachable from the global object.
  const seen = new Set();
  const freeze = (o) => {
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) return;
    seen.add(o);
    Object.freeze(o);
    for (const key of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (!d) continue;
      if ('value' in d) freeze(d.value);
      else {
        freeze(d.get);
        freeze(d.set);
      }
    }
    freeze(Object.getPrototypeOf(o));
  };
  freeze(globalThis);
  // Functions made by user code get prototypes of their own, reachable only through them.
  freeze(Object.getPrototypeOf(async function () {}));
  freeze(Object.getPrototypeOf(function* () {}));
  freeze(Object.getPrototypeOf(async function* () {}));
  // Prototypes reachable only through objects built-ins make (iterators), not as properties of anything global.
  const made = [
    () => [][Symbol.iterator](),
    () => new Map().entries(),
    () => new Set().values(),
    () => ''[Symbol.iterator](),
    () => /a/g[Symbol.matchAll](''),
    () => [].values().map((v) => v),
    () => Iterator.from({ next: () => ({ done: true }) }),
    () => (function* () {})(),
    () => (async function* () {})(),
  ];
  for (const make of made) freeze(Object.getPrototypeOf(make()));
  return driver;
})`;
