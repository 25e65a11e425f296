import { text } from '../conditions.ts';
import { type Mapper, type Params, same } from '../param-reader.ts';
import { mapHttpRequestV1 } from './http-request-v1.ts';

/** n8n's name/value rows, values kept as written (text or an expression). */
const rowsOf = (rows: Params[]) => rows.map((r) => ({ name: text(r.name), value: r.value ?? '' }));

/**
 * HTTP Request (1 and 2: http-request-v1.ts). 3–4.x: what changed between n8n's versions is carried as
 * explicit Weft parameters, so an imported node keeps its version's
 * behaviour: JSON body fields nest by dotted names from 4 on
 * (`bodyFieldPaths`), redirects are followed by default from 4 on, and a
 * repeated query or header name becomes a list from 4.3 on (`repeatedNames`).
 */
export const httpRequestMappers: Record<string, Mapper> = {
  httpRequest: (r) => {
    const out: Params = {};
    if (r.version < 3) return mapHttpRequestV1(r);
    same(r, out, ['method', 'url', 'sendQuery', 'sendHeaders', 'sendBody']);
    out.method ??= 'GET';
    const auth = r.get('authentication');
    if (auth !== undefined && auth !== 'none') {
      out.authentication = 'credential';
      r.problem('it used an n8n credential; choose a Weft credential for it');
    }
    out.repeatedNames = r.version >= 4.3 ? 'list' : 'last';
    out.specifyQuery = r.get('specifyQuery') === 'json' ? 'json' : 'keypair';
    same(r, out, ['jsonQuery']);
    out.queryParameters = rowsOf(r.rows('queryParameters.parameters'));
    out.specifyHeaders = r.get('specifyHeaders') === 'json' ? 'json' : 'keypair';
    same(r, out, ['jsonHeaders']);
    out.headerParameters = rowsOf(r.rows('headerParameters.parameters'));

    const contentType = r.get('contentType') ?? 'json';
    const specifyBody = r.get('specifyBody');
    const bodyRows = rowsOf(r.rows('bodyParameters.parameters'));
    if (contentType === 'json') {
      out.contentType = 'json';
      out.specifyBody = specifyBody === 'json' ? 'json' : 'keypair';
      out.bodyFieldPaths = r.version >= 4;
      out.jsonBodyFields = bodyRows;
      same(r, out, ['jsonBody']);
    } else if (contentType === 'form-urlencoded') {
      out.contentType = 'form-urlencoded';
      out.formBody = specifyBody === 'string' ? 'string' : 'fields';
      out.bodyParameters = bodyRows;
      if (specifyBody === 'string') out.formText = r.get('body') ?? '';
    } else if (contentType === 'raw') {
      out.contentType = 'raw';
      same(r, out, ['body', 'rawContentType']);
    } else {
      r.problem(`its body type "${text(contentType)}" is not supported; it sends JSON now`);
    }

    const timeout = r.get('options.timeout');
    if (timeout !== undefined) out.timeout = timeout;
    // n8n's batching: a size of 0 (or none) is 1; no interval, no pause.
    if (r.get('options.batching') !== undefined) {
      out.batchSize = r.get('options.batching.batch.batchSize') ?? 1;
      out.batchInterval = r.get('options.batching.batch.batchInterval') ?? 0;
    }
    const format = r.get('options.response.response.responseFormat');
    if (format === 'file') r.problem('it saved the response as a file; Weft reads it as text');
    out.responseFormat = format === 'json' || format === 'text' ? format : 'autodetect';
    if (r.get('options.response.response.fullResponse') === true) out.fullResponse = true;
    if (r.get('options.response.response.neverError') === true) out.neverError = true;
    const field = r.get('options.response.response.outputPropertyName');
    if (field !== undefined) out.outputPropertyName = field;
    const follow = r.get('options.redirect.redirect.followRedirects');
    out.followRedirects =
      typeof follow === 'boolean' ? follow : r.version >= 4 && r.get('options.redirect') === undefined;
    const arrays = r.get('options.queryParameterArrays');
    if (arrays !== undefined) out.queryParameterArrays = arrays;
    // Header names are case-insensitive in HTTP; Weft sends them in lowercase either way.
    r.get('options.lowercaseHeaders');
    return out;
  },
};
