import { intervalProblem } from '../../../nodes/schedule-rules.ts';
import { text } from '../conditions.ts';
import { type Mapper, nameValueRows, type ParamReader, type Params, same } from '../param-reader.ts';

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

/**
 * The Webhook's parameters as n8n's Workflow resolves them before the node
 * reads them: defaults filled in, and options its editor would hide removed
 * (Respond defaults to Immediately; Raw Body goes when No Response Body is on,
 * and on Webhook 1 with Binary Data too; Binary Data only exists for PATCH,
 * PUT and POST; the response code and data only where their mode shows them).
 */
const webhookOptions = (r: ParamReader) => {
  const mode = r.get('responseMode') ?? 'onReceived';
  const method = r.get('httpMethod') ?? 'GET';
  const raw = (name: string) => r.get(`options.${name}`);
  const binaryData = r.version < 1.1 && ['PATCH', 'PUT', 'POST'].includes(text(method)) && raw('binaryData') === true;
  const noResponseBody = mode === 'onReceived' && raw('noResponseBody') === true;
  const rawBody =
    raw('rawBody') === true && raw('noResponseBody') !== true && !(r.version < 1.1 && raw('binaryData') === true);
  const responseData = mode === 'onReceived' && raw('noResponseBody') !== true ? raw('responseData') : undefined;
  return { mode, binaryData, noResponseBody, rawBody, responseData };
};

/** n8n's getResponseCode: a 1/1.1 top-level code, else the 2+ option (a custom code when chosen), else 200. */
const webhookResponseCode = (r: ParamReader, mode: unknown): unknown => {
  if (mode === 'responseNode') return undefined;
  if (r.version < 2) return r.get('responseCode') || undefined;
  const code = r.get('options.responseCode.values.responseCode');
  if (code === 'customCode') return r.get('options.responseCode.values.customCode') || 200;
  return code || undefined;
};

/**
 * What "Respond: Immediately" answers, by n8n's getResponseData and its
 * server: the Response Data option, else nothing for No Response Body, else
 * the option as the node hands it back (an empty text answers empty), else
 * n8n's "Workflow was started".
 */
const immediateAnswer = (
  o: ReturnType<typeof webhookOptions>,
): { kind: 'started' | 'text' | 'empty'; text?: string } => {
  if (o.responseData) return { kind: 'text', text: text(o.responseData) };
  if (o.noResponseBody) return { kind: 'empty' };
  if (o.responseData !== undefined) return { kind: 'text', text: text(o.responseData) };
  return { kind: 'started' };
};

/** Triggers and No-Op. */
export const triggerMappers: Record<string, Mapper> = {
  manualTrigger: () => ({}),

  noOp: () => ({}),

  webhook: (r) => {
    const out: Params = {};
    same(r, out, ['path', 'responseMode']);
    out.httpMethod = r.get('httpMethod') ?? 'GET';
    const o = webhookOptions(r);
    const code = webhookResponseCode(r, o.mode);
    if (code !== undefined) out.responseCode = code;
    if (o.mode === 'onReceived') {
      const answer = immediateAnswer(o);
      if (answer.kind !== 'started') out.immediateAnswer = answer.kind;
      if (answer.kind === 'text') out.responseText = answer.text;
    }
    if (o.mode === 'lastNode') {
      // Response Data (default First Entry JSON); Property Name and Content-Type only apply to First Entry JSON.
      const data = r.get('responseData') ?? 'firstEntryJson';
      if (data === 'firstEntryBinary')
        r.problem(
          "it answers with the last item's binary data, which Weft's items do not have; it answers with its JSON",
        );
      if (data === 'allEntries' || data === 'noData') out.lastNodeData = data;
      else {
        for (const name of ['responsePropertyName', 'responseContentType'] as const) {
          const value = r.get(`options.${name}`);
          if (value !== undefined) out[name] = value;
        }
      }
    }
    const headers = r.rows('options.responseHeaders.entries');
    if (headers.length > 0) out.responseHeaders = nameValueRows(headers);
    for (const name of ['ipWhitelist', 'ignoreBots'] as const) {
      const value = r.get(`options.${name}`);
      if (value !== undefined) out[name] = value;
    }
    if (o.rawBody) out.rawBody = true;
    // Webhook 1 reads every body and leaves out one it cannot; 2+ read fewer types and give {} instead.
    if (r.version < 1.1) {
      out.legacyBody = true;
      if (o.binaryData) out.binaryData = true;
    }
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
