import { mapFilter, mapV1Conditions, text, type MappedConditions } from '../conditions.ts';
import { type Mapper, type ParamReader, type Params, same } from '../param-reader.ts';

const conditions = (out: Params, mapped: MappedConditions, r: ParamReader): void => {
  out.conditions = mapped.rows;
  out.combinator = mapped.combinator;
  out.ignoreCase = mapped.ignoreCase;
  for (const p of mapped.problems) r.problem(p);
};

/** IF, Filter and Switch. */
export const conditionMappers: Record<string, Mapper> = {
  if: (r) => {
    const out: Params = {};
    if (r.version < 2) conditions(out, mapV1Conditions(r.get('conditions'), r.get('combineOperation')), r);
    else {
      conditions(out, mapFilter(r.get('conditions')), r);
      if (r.get('options.ignoreCase') === true) out.ignoreCase = true;
    }
    return out;
  },

  filter: (r) => {
    const out: Params = {};
    if (r.version < 2) conditions(out, mapV1Conditions(r.get('conditions'), r.get('combineConditions')), r);
    else conditions(out, mapFilter(r.get('conditions')), r);
    return out;
  },

  switch: (r) => {
    const out: Params = {};
    if (r.version < 3) {
      r.problem('it is a Switch node of version 1 or 2, whose rules Weft cannot read; set its rules again');
      return out;
    }
    const mode = r.get('mode') ?? 'rules';
    out.mode = mode;
    if (mode === 'expression') {
      same(r, out, ['numberOutputs', 'output']);
      return out;
    }
    out.rules = r.rows('rules.values').map((rule, i) => {
      const mapped = mapFilter(rule.conditions);
      for (const p of mapped.problems) r.problem(`rule ${i + 1}: ${p}`);
      if (mapped.rows.length > 1)
        r.problem(`rule ${i + 1} has ${mapped.rows.length} conditions; only the first was kept`);
      if (mapped.ignoreCase) out.ignoreCase = true;
      const first = mapped.rows[0] ?? { leftValue: '', operator: 'string:equals', rightValue: '' };
      return { ...first, outputKey: rule.renameOutput === true ? text(rule.outputKey) : '' };
    });
    const fallback = r.get('options.fallbackOutput');
    if (fallback === 'extra') out.fallbackOutput = 'extra';
    else if (typeof fallback === 'number' && fallback >= 0) {
      out.fallbackOutput = 'output';
      out.fallbackOutputIndex = fallback;
    }
    if (r.get('options.ignoreCase') === true) out.ignoreCase = true;
    return out;
  },
};
