import { text } from '../conditions.ts';
import { type Mapper, type Params, same } from '../param-reader.ts';

/** Wait. */
export const waitMappers: Record<string, Mapper> = {
  wait: (r) => {
    const out: Params = {};
    const resume = r.get('resume') ?? 'timeInterval';
    if (resume === 'timeInterval') {
      out.resume = 'timeInterval';
      same(r, out, ['amount']);
      // n8n fails a negative amount when the node runs; Weft's parameter (at least 0) would take the
      // default instead, so the amount is kept as an expression that fails the same way.
      if (typeof out.amount === 'number' && out.amount < 0) out.amount = `={{ ${out.amount} }}`;
      // Wait 1 counted in hours by default, later versions in seconds.
      out.unit = r.get('unit') ?? (r.version < 1.1 ? 'hours' : 'seconds');
    } else if (resume === 'specificTime') {
      out.resume = 'specificTime';
      out.dateTime = text(r.get('dateTime'));
    } else {
      r.problem(`it resumed on "${text(resume)}", which Weft does not support; it waits one second now`);
    }
    return out;
  },
};
