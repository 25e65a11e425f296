import { text } from '../conditions.ts';
import { type Mapper, type Params } from '../param-reader.ts';

/** Merge. */
export const mergeMappers: Record<string, Mapper> = {
  merge: (r) => {
    const out: Params = {};
    const mode = r.get('mode') ?? 'append';
    if (mode === 'append') out.mode = 'append';
    else if (mode === 'chooseBranch') {
      out.mode = 'chooseBranch';
      const output = r.get('output');
      const input = r.get('useDataOfInput');
      out.useDataOfInput = output === 'empty' ? 'empty' : output === 'input2' || input === 2 ? 'input2' : 'input1';
      r.get('chooseBranchMode');
    } else if (mode === 'combine' || mode === 'mergeByKey' || mode === 'mergeByIndex') {
      const by =
        r.get('combineBy') ??
        r.get('combinationMode') ??
        (mode === 'mergeByIndex' ? 'mergeByPosition' : 'mergeByFields');
      if (by === 'mergeByPosition' || by === 'combineByPosition') out.mode = 'combineByPosition';
      else if (by === 'mergeByFields' || by === 'combineByFields') {
        out.mode = 'combineByFields';
        const fieldsString = r.get('fieldsToMatchString');
        out.fieldsToMatch =
          typeof fieldsString === 'string'
            ? fieldsString.split(',').map((f) => ({ field1: f.trim(), field2: f.trim() }))
            : r.rows('mergeByFields.values').map((row) => ({ field1: text(row.field1), field2: text(row.field2) }));
        if (mode === 'mergeByKey') {
          out.fieldsToMatch = [{ field1: text(r.get('propertyName1')), field2: text(r.get('propertyName2')) }];
        }
        const join = r.get('joinMode');
        if (join !== undefined) out.joinMode = join;
      } else {
        out.mode = 'append';
        r.problem(`its combine mode "${text(by)}" is not supported; it appends now`);
      }
    } else {
      out.mode = 'append';
      r.problem(`its mode "${text(mode)}" is not supported; it appends now`);
    }
    return out;
  },
};
