import { sendAt } from 'cron';

/**
 * What n8n's Schedule Trigger refuses, for Weft's engine (a run) and
 * server (activation) alike. n8n 1.3+ checks every rule's interval when the
 * trigger starts (GenericFunctions' validateInterval: "Invalid interval");
 * a cron expression its cron library (cron 4.4, the same package here)
 * cannot parse or never fires (the 30th of February) fails as "Invalid cron
 * expression". Weft's node holds a cron expression, and the interval n8n
 * refused as the message the importer wrote into `invalidInterval`.
 */

export interface ScheduleRefusal {
  /** n8n's error message and description. */
  message: string;
  description: string;
  /** What is wrong, for a person: the interval's range or the cron library's own reason. */
  reason: string;
}

export const CRON_HELP = 'More information on how to build them at https://crontab.guru/';

/** Why n8n's cron library refuses the expression, or undefined when it takes it. */
export const cronProblem = (expression: string): string | undefined => {
  try {
    // n8n checks with sendAt too: it parses and finds the next time it fires.
    sendAt(expression);
    return undefined;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]?.trim() ?? '';
    // cron words a date that never comes as a bug report to its authors: say what it means.
    return /No execution date was found/.test(message) ? 'it never fires' : message;
  }
};

/** Why a Weft Schedule Trigger with these parameters cannot run or be activated, as n8n words it. */
export const scheduleRefusal = (parameters: Record<string, unknown>): ScheduleRefusal | undefined => {
  const interval = parameters.invalidInterval;
  if (typeof interval === 'string' && interval.trim() !== '')
    return { message: 'Invalid interval', description: interval.trim(), reason: interval.trim() };
  const expression = parameters.cronExpression;
  const problem = cronProblem(typeof expression === 'string' ? expression : '');
  return problem === undefined
    ? undefined
    : { message: 'Invalid cron expression', description: CRON_HELP, reason: problem };
};

/** n8n's fields of an interval rule: the parameter, its default and its check (validateInterval, n8n 1.3+). */
const LIMITS: Record<string, { key: string; fallback: number; max: number; problem: string }> = {
  seconds: { key: 'secondsInterval', fallback: 30, max: 59, problem: 'Seconds must be in range 1-59' },
  minutes: { key: 'minutesInterval', fallback: 5, max: 59, problem: 'Minutes must be in range 1-59' },
  hours: { key: 'hoursInterval', fallback: 1, max: 23, problem: 'Hours must be in range 1-23' },
  days: { key: 'daysInterval', fallback: 1, max: 31, problem: 'Days must be in range 1-31' },
  months: { key: 'monthsInterval', fallback: 1, max: Infinity, problem: 'Months must be larger than 0' },
};

const FIELDS = ['seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'cronExpression'];

/**
 * The problem n8n 1.3+ finds in one interval rule as stored in n8n's
 * parameters: an unknown field is "days", a missing amount its default, and
 * the amount compared as JavaScript compares (text read as its number).
 */
export const intervalProblem = (rule: Record<string, unknown>): string | undefined => {
  const field = typeof rule.field === 'string' && FIELDS.includes(rule.field) ? rule.field : 'days';
  const limit = LIMITS[field];
  if (!limit) return undefined;
  const amount = Number(rule[limit.key] ?? limit.fallback);
  return amount > limit.max || amount < 1 ? limit.problem : undefined;
};
