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
  const minute = num('triggerAtMinute', 0);
  const hour = num('triggerAtHour', 0);
  switch (rule.field ?? 'days') {
    case 'cronExpression':
      return text(rule.expression);
    case 'seconds':
      return `*/${num('secondsInterval', 30)} * * * * *`;
    case 'minutes':
      return `*/${num('minutesInterval', 5)} * * * *`;
    case 'hours':
      return `${minute} */${num('hoursInterval', 1)} * * *`;
    case 'weeks': {
      const days = Array.isArray(rule.triggerAtDay) && rule.triggerAtDay.length > 0 ? rule.triggerAtDay.join(',') : '0';
      return `${minute} ${hour} * * ${days}`;
    }
    case 'months':
      return `${minute} ${hour} ${num('triggerAtDayOfMonth', 1)} */${num('monthsInterval', 1)} *`;
    default:
      return `${minute} ${hour} */${num('daysInterval', 1)} * *`;
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
    return out;
  },
};
