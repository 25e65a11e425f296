import { mapFilter, mapV1Conditions, text, type MappedConditions } from './conditions.ts';

/**
 * n8n parameters → Weft parameters, per node type. Weft's parameter names
 * follow n8n's, but n8n nests many of them (`options.timeout`,
 * `headerParameters.parameters`) and changed shapes across node versions;
 * each mapper reads what its type's n8n versions write.
 *
 * A mapper reads through `ParamReader`, which remembers which top-level n8n
 * parameters it used: the rest are reported to the person importing, so
 * nothing is dropped silently.
 */

export type Params = Record<string, unknown>;

export const record = (value: unknown): Params =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Params) : {};

export class ParamReader {
  private readonly used = new Set<string>();
  readonly problems: string[] = [];

  constructor(
    readonly params: Params,
    readonly version: number,
  ) {}

  /** A top-level parameter; `path` reaches into nested objects (`options.timeout`). */
  get(path: string): unknown {
    const [head, ...rest] = path.split('.');
    if (head === undefined) return undefined;
    this.used.add(head);
    let value: unknown = this.params[head];
    for (const key of rest) value = record(value)[key];
    return value;
  }

  /** Rows of n8n's fixedCollection lists: `{ parameters: [ … ] }` and the like. */
  rows(path: string): Params[] {
    const value = this.get(path);
    return Array.isArray(value) ? value.map(record) : [];
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Top-level n8n parameters no mapper read and that hold something. */
  unused(): string[] {
    return Object.entries(this.params)
      .filter(([key, value]) => !this.used.has(key) && !isEmpty(value))
      .map(([key]) => key);
  }
}

const isEmpty = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && Object.values(value).every(isEmpty));

const nameValueRows = (rows: Params[]) => rows.map((r) => ({ name: text(r.name), value: text(r.value) }));

/** Copies n8n parameters whose names Weft uses unchanged. */
const same = (r: ParamReader, out: Params, names: readonly string[]): void => {
  for (const name of names) {
    const value = r.get(name);
    if (value !== undefined) out[name] = value;
  }
};

const conditions = (out: Params, mapped: MappedConditions, r: ParamReader): void => {
  out.conditions = mapped.rows;
  out.combinator = mapped.combinator;
  out.ignoreCase = mapped.ignoreCase;
  for (const p of mapped.problems) r.problem(p);
};

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

const stickyColors: Record<number, string> = {
  1: 'yellow',
  2: 'yellow',
  3: 'pink',
  4: 'green',
  5: 'blue',
  6: 'pink',
  7: 'gray',
};

const mappers: Record<string, (r: ParamReader) => Params> = {
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

  httpRequest: (r) => {
    const out: Params = {};
    if (r.version < 3) {
      r.problem('it is an HTTP Request node of version 1 or 2; only its method and URL were kept');
      out.method = r.get('requestMethod') ?? 'GET';
      out.url = r.get('url') ?? '';
      return out;
    }
    same(r, out, ['method', 'url', 'sendQuery', 'sendHeaders', 'sendBody']);
    const auth = r.get('authentication');
    if (auth !== undefined && auth !== 'none') {
      out.authentication = 'credential';
      r.problem('it used an n8n credential; choose a Weft credential for it');
    }
    out.queryParameters = nameValueRows(r.rows('queryParameters.parameters'));
    out.headerParameters = nameValueRows(r.rows('headerParameters.parameters'));
    const contentType = r.get('contentType') ?? 'json';
    if (contentType === 'json' || contentType === 'form-urlencoded' || contentType === 'raw') {
      out.contentType = contentType;
    } else {
      r.problem(`its body type "${text(contentType)}" is not supported; it sends JSON now`);
    }
    if (r.get('specifyBody') === 'json' || r.get('jsonBody') !== undefined) out.jsonBody = text(r.get('jsonBody'));
    const bodyParameters = nameValueRows(r.rows('bodyParameters.parameters'));
    out.bodyParameters = bodyParameters;
    if (contentType === 'json' && out.jsonBody === undefined && bodyParameters.length > 0) {
      out.jsonBody = JSON.stringify(Object.fromEntries(bodyParameters.map((p) => [p.name, p.value])));
    }
    same(r, out, ['body', 'rawContentType']);
    const timeout = r.get('options.timeout');
    if (timeout !== undefined) out.timeout = timeout;
    const format = r.get('options.response.response.responseFormat');
    if (format !== undefined) out.responseFormat = format;
    return out;
  },

  code: (r) => {
    const out: Params = {};
    same(r, out, ['mode', 'jsCode']);
    if (r.get('language') === 'python' || r.get('language') === 'pythonNative') {
      r.problem('its Python code cannot run in Weft, which runs JavaScript');
      out.jsCode = `// Python from n8n, to be rewritten in JavaScript:\n/*\n${text(r.get('pythonCode'))}\n*/\nreturn $input.all();`;
    }
    return out;
  },

  respondToWebhook: (r) => {
    const out: Params = {};
    const respondWith = r.get('respondWith') ?? 'firstIncomingItem';
    out.respondWith = respondWith;
    if (respondWith === 'text') out.responseText = text(r.get('responseBody'));
    else if (respondWith === 'json') out.responseBody = text(r.get('responseBody'));
    else r.get('responseBody');
    const code = r.get('options.responseCode');
    if (code !== undefined) out.responseCode = code;
    out.headers = nameValueRows(r.rows('options.responseHeaders.entries'));
    return out;
  },

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

  set: (r) => {
    const out: Params = {};
    if (r.version < 3) {
      // { values: { string: [{ name, value }], number: [...], boolean: [...] }, keepOnlySet }
      const values = record(r.get('values'));
      const assignments: Params[] = [];
      // n8n's Set 1 and 2 write booleans, then numbers, then strings.
      for (const type of ['boolean', 'number', 'string'] as const) {
        const list = values[type];
        if (Array.isArray(list)) {
          for (const row of list.map(record)) assignments.push({ name: text(row.name), value: text(row.value), type });
        }
      }
      out.mode = 'manual';
      out.assignments = assignments;
      out.includeOtherFields = r.get('keepOnlySet') !== true;
      r.get('options');
      return out;
    }
    const mode = r.get('mode') ?? 'manual';
    out.mode = mode === 'raw' ? 'raw' : 'manual';
    if (mode === 'raw') out.jsonOutput = text(r.get('jsonOutput'));
    if (r.version < 3.3) {
      // { fields: { values: [{ name, type: 'stringValue', stringValue }] }, include: 'all' | 'none' | … }
      out.assignments = r.rows('fields.values').map((row) => {
        const type = text(row.type ?? 'stringValue').replace(/Value$/, '');
        return { name: text(row.name), value: text(row[`${type}Value`]), type };
      });
      const include = r.get('include') ?? 'all';
      out.includeOtherFields = include !== 'none';
      if (include === 'selected' || include === 'except') {
        r.problem('it kept only some input fields; Weft keeps all of them or none');
      }
    } else {
      out.assignments = r.rows('assignments.assignments').map((row) => ({
        name: text(row.name),
        value: text(row.value),
        type: text(row.type ?? 'string'),
      }));
      out.includeOtherFields = r.get('includeOtherFields') === true;
      if (r.get('include') !== undefined && r.get('include') !== 'all') {
        r.problem('it kept only some input fields; Weft keeps all of them or none');
      }
    }
    return out;
  },

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

  wait: (r) => {
    const out: Params = {};
    const resume = r.get('resume') ?? 'timeInterval';
    if (resume === 'timeInterval') {
      out.resume = 'timeInterval';
      same(r, out, ['amount']);
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

  sort: (r) => {
    const out: Params = {};
    const type = r.get('type') ?? 'simple';
    out.type = type === 'random' || type === 'code' ? type : 'simple';
    if (type === 'code') out.code = text(r.get('code'));
    out.sortFields = r.rows('sortFieldsUi.sortField').map((row) => ({
      fieldName: text(row.fieldName),
      order: row.order === 'descending' ? 'descending' : 'ascending',
    }));
    return out;
  },

  limit: (r) => {
    const out: Params = {};
    same(r, out, ['maxItems', 'keep']);
    return out;
  },

  aggregate: (r) => {
    const out: Params = {};
    const aggregate = r.get('aggregate') ?? 'aggregateIndividualFields';
    out.aggregate = aggregate;
    if (aggregate === 'aggregateAllItemData') out.destinationFieldName = r.get('destinationFieldName') ?? 'data';
    else {
      out.fieldsToAggregate = r.rows('fieldsToAggregate.fieldToAggregate').map((row) => ({
        fieldToAggregate: text(row.fieldToAggregate),
        renameField: row.renameField === true,
        outputFieldName: text(row.outputFieldName),
      }));
    }
    const include = r.get('include');
    if (include !== undefined) out.include = include;
    const list = (value: unknown) => (Array.isArray(value) ? value.map(text).join(', ') : text(value));
    if (r.get('fieldsToInclude') !== undefined) out.fieldsToInclude = list(r.get('fieldsToInclude'));
    if (r.get('fieldsToExclude') !== undefined) out.fieldsToExclude = list(r.get('fieldsToExclude'));
    return out;
  },

  splitOut: (r) => {
    const out: Params = {};
    same(r, out, ['fieldToSplitOut', 'include']);
    const fields = r.get('fieldsToInclude');
    if (fields !== undefined) out.fieldsToInclude = Array.isArray(fields) ? fields.map(text).join(', ') : text(fields);
    const destination = r.get('options.destinationFieldName');
    if (destination !== undefined) out.destinationFieldName = destination;
    return out;
  },

  removeDuplicates: (r) => {
    const out: Params = {};
    same(r, out, ['compare', 'fieldsToExclude', 'fieldsToCompare']);
    if (r.get('options.removeOtherFields') === true) out.removeOtherFields = true;
    return out;
  },

  dateTime: (r) => {
    const out: Params = {};
    if (r.version < 2) {
      r.problem('it is a Date & Time node of version 1; set its operation again');
      return out;
    }
    same(r, out, [
      'operation',
      'includeTime',
      'magnitude',
      'timeUnit',
      'duration',
      'date',
      'mode',
      'toNearest',
      'startDate',
      'endDate',
      'part',
      'outputFieldName',
    ]);
    const format = r.get('format');
    if (format !== undefined) out.format = format === 'custom' ? r.get('customFormat') : format;
    const units = r.get('units');
    if (units !== undefined) out.units = Array.isArray(units) ? units[0] : units;
    const zone = r.get('options.timezone');
    if (zone !== undefined) out.timezone = zone;
    // n8n's Date & Time 2 outputs only the new field unless asked to keep the input's.
    out.includeInputFields = r.get('options.includeInputFields') === true;
    return out;
  },

  stickyNote: (r) => {
    const out: Params = {};
    same(r, out, ['content', 'width', 'height']);
    const color = r.get('color');
    if (typeof color === 'number') out.color = stickyColors[color] ?? 'yellow';
    return out;
  },
};

/** Weft parameters for an n8n node of a type Weft has; undefined when Weft has no such type. */
export const mapParameters = (type: string, reader: ParamReader): Params | undefined => mappers[type]?.(reader);
