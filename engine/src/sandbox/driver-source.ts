import { MAX_LOG_LINES, MAX_LOG_MESSAGE } from '#shared/protocol/engine.ts';

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
export const DRIVER_SOURCE = String.raw`((time) => {
  'use strict';
  const fns = [];
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

  const describe = (e) => {
    if (e !== null && typeof e === 'object') {
      return { name: String(e.name ?? 'Error'), message: String(e.message ?? e), stack: String(e.stack ?? '') };
    }
    return { name: 'Error', message: String(e), stack: '' };
  };

  // $('Name'): its output, and the item of it that the item being processed descends from (paired items, worked
  // out by the host: an index into the output, the item itself, or why there is none).
  const nodeAccessor = (refs, paired, name, index) => {
    if (typeof name !== 'string') throw new TypeError('$() takes the name of a node, in quotes');
    if (!Object.prototype.hasOwnProperty.call(refs, name)) {
      throw new ReferenceError('Node "' + name + '" has not run before this one');
    }
    const out = refs[name];
    const pairedAt = (i) => {
      const list = paired && Object.prototype.hasOwnProperty.call(paired, name) ? paired[name] : undefined;
      if (!list) return out[i] ?? out[0];
      const entry = list[i];
      if (entry === undefined) throw new Error('Can’t get data for expression: no item ' + i + ' to pair');
      if (typeof entry === 'number') return out[entry];
      if (entry.e !== undefined) throw new Error(entry.e);
      return entry.i;
    };
    return {
      get item() {
        return pairedAt(index);
      },
      itemMatching: (i) => {
        if (i === undefined) throw new Error('Missing item index for .itemMatching()');
        return pairedAt(i);
      },
      pairedItem: (i) => pairedAt(i === undefined ? index : i),
      all: () => out,
      first: () => out[0],
      last: () => out[out.length - 1],
      isExecuted: true,
    };
  };

  // $workflow and $execution come as JSON text, the same for every call of a run: parsed once, frozen, shared.
  let metaText = '';
  let meta = {};
  const metaOf = (text) => {
    if (text !== metaText) {
      meta = deepFreeze(parse(text));
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

  // Which compiled functions may read $now or $today: those are Luxon DateTimes, which the others need not pay for.
  const usesTime = [];
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

  /** The arguments of an expression or Code function (see PARAMS in function-source.ts). */
  const contextFor = (p, m, clock, items, index) => {
    const item = items[index];
    return [
      item ? item.json : {},
      {
        item,
        all: () => items,
        first: () => items[0],
        last: () => items[items.length - 1],
      },
      (name) => nodeAccessor(p.refs, p.paired, name, index),
      clock ? clock.now : undefined,
      clock ? clock.today : undefined,
      m.workflow,
      m.execution,
      index,
      p.vars ?? {},
    ];
  };

  const normalizeOutput = (value, what) => {
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    return list.map((entry, i) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        throw new TypeError(what + ' must return objects (or { json } items); item ' + i + ' is ' + (Array.isArray(entry) ? 'a list' : typeof entry));
      }
      const json = entry.json !== undefined && typeof entry.json === 'object' && entry.json !== null && !Array.isArray(entry.json) ? entry.json : entry;
      // n8n keeps the pairedItem an item was returned with (input items carry theirs): the host reads it.
      return json !== entry && entry.pairedItem !== undefined ? { json, pairedItem: entry.pairedItem } : { json };
    });
  };

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
    register(fn, timed) {
      // The same code in two workflows is one function: it must carry nothing from one run to the next.
      Object.freeze(fn);
      if (fn.prototype) Object.freeze(fn.prototype);
      fns.push(fn);
      usesTime.push(timed);
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
      const clock = ids.some((id) => usesTime[id]) ? clockAt(now) : undefined;
      const items = p.items;
      const count = Math.max(items.length, 1);
      const results = new Array(count);
      for (let i = 0; i < count; i++) {
        const args = contextFor(p, m, clock, items, i);
        const row = new Array(ids.length);
        for (let k = 0; k < ids.length; k++) {
          try {
            const v = fns[ids[k]].apply(undefined, args);
            row[k] = v === undefined ? {} : { v: typeof v === 'function' ? String(v) : v };
          } catch (e) {
            if (fatal(e)) throw e;
            row[k] = { e: describe(e) };
          }
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
      const clock = usesTime[id] ? clockAt(now) : undefined;
      const items = p.items;
      // As n8n hands them to Code: each input item knows its place (addPairedItemLineage), so returning it pairs it.
      for (let i = 0; i < items.length; i++) items[i].pairedItem = { item: i };
      const fn = fns[id];
      if (mode === 'runOnceForEachItem') {
        // Every item runs; the failures are reported beside the results (the runner decides what they mean).
        const out = [];
        const errors = [];
        for (let i = 0; i < items.length; i++) {
          const args = contextFor(p, m, clock, items, i);
          try {
            const value = await fn.apply(undefined, args);
            if (value === undefined || value === null) continue;
            if (Array.isArray(value)) throw new TypeError('Code that runs once per item must return one object, not a list');
            for (const item of normalizeOutput(value, 'Code')) out.push({ json: item.json, index: i });
          } catch (e) {
            if (fatal(e)) throw e;
            errors.push({ index: i, e: describe(e) });
          }
        }
        return stringify({ items: out, errors, logs: takePrinted() });
      }
      try {
        const value = await fn.apply(undefined, contextFor(p, m, clock, items, 0));
        return stringify({ items: normalizeOutput(value, 'Code'), logs: takePrinted() });
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
  // $now and $today: made once per call (DateTimes are immutable) in the zone the call was given.
  const clockAt = (now) => {
    luxon();
    return time.clock(now);
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
