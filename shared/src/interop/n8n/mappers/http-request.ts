import { text } from '../conditions.ts';
import { type Mapper, nameValueRows, type Params, same } from '../param-reader.ts';

/** HTTP Request. */
export const httpRequestMappers: Record<string, Mapper> = {
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
};
