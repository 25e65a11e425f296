import { intervalProblem } from '../../../nodes/schedule-rules.ts';
import { text } from '../conditions.ts';
import { type Mapper, type ParamReader, type Params, same } from '../param-reader.ts';

const cronFromInterval = (r: ParamReader): string => {
  const intervals = r.rows('rule.interval');
  if (intervals.length > 1) r.problem(`it has ${intervals.length} schedule rules; only the first was kept`);
  const rule = intervals[0] ?? {};
  const num = (key: string, fallback: number): number => {
    const value = rule[key];
    return typeof value === 'number' ? value : fallback;
  };
  // An interval's step below 1 makes no cron expression: n8n before 1.3 runs such a rule by hand all the same
  // (1.3+ refuses it, see invalidInterval), so Weft's cron steps at least 1.
  const step = (key: string, fallback: number): number => Math.max(1, Math.floor(num(key, fallback)));
  const minute = num('triggerAtMinute', 0);
  const hour = num('triggerAtHour', 0);
  switch (rule.field ?? 'days') {
    case 'cronExpression':
      return text(rule.expression);
    case 'seconds':
      return `*/${step('secondsInterval', 30)} * * * * *`;
    case 'minutes':
      return `*/${step('minutesInterval', 5)} * * * *`;
    case 'hours':
      return `${minute} */${step('hoursInterval', 1)} * * *`;
    case 'weeks': {
      const days = Array.isArray(rule.triggerAtDay) && rule.triggerAtDay.length > 0 ? rule.triggerAtDay.join(',') : '0';
      return `${minute} ${hour} * * ${days}`;
    }
    case 'months':
      return `${minute} ${hour} ${num('triggerAtDayOfMonth', 1)} */${step('monthsInterval', 1)} *`;
    default:
      return `${minute} ${hour} */${step('daysInterval', 1)} * *`;
  }
};

/** Triggers and No-Op. */
export const triggerMappers: Record<string, Mapper> = {
  manualTrigger: () => ({}),

  noOp: () => ({}),

  webhook: (r) => {
    const out: Params = {};
    same(r, out, ['path', 'responseMode']);
    out.httpMethod = r.get('httpMethod') ?? 'GET';
    const code = r.get('responseCode') ?? r.get('options.responseCode');
    if (code !== undefined) out.responseCode = code;
    return out;
  },

  scheduleTrigger: (r) => {
    const out: Params = { cronExpression: cronFromInterval(r) };
    // n8n 1.3+ refuses a rule whose interval is out of range, on every run and at activation; Weft's node
    // keeps n8n's message and refuses likewise (older versions never check).
    if (r.version >= 1.3) {
      const problem = r
        .rows('rule.interval')
        .map(intervalProblem)
        .find((p) => p !== undefined);
      if (problem !== undefined) {
        out.invalidInterval = problem;
        r.problem(`its schedule rule is refused by n8n: ${problem}`);
      }
    }
    return out;
  },
};
