import { text } from '../conditions.ts';
import type { ParamReader, Params } from '../param-reader.ts';

/**
 * HTTP Request 1 and 2 (n8n's HttpRequestV1/V2, which build the same
 * request and read the answer the same way; only their credential choices
 * differ). What those versions did that later ones do not is carried as
 * explicit Weft parameters:
 * - a repeated query name makes a list only after text; a repeated header or
 *   body field keeps its last value (`repeatedNames: queryList`);
 * - a "JSON" field given an object by an expression takes it as it is, an
 *   empty one is left out, any body but empty text says it is JSON, and a
 *   body under a form content type header goes out as a form (`legacyBodies`);
 * - a JSON list answer is one item unless "Split Into Items" (`splitLists`);
 * - "String" puts an answer that is JSON in the field as JSON, as the client
 *   (asked for JSON) already parsed it (`textReadsJson`);
 * - "File" keeps no file in Weft: the input item goes on (`responseFormat: none`);
 * - redirects are followed for GET and HEAD only, unless "Follow All Redirects";
 * - the timeout is an hour unless set; batching pauses between batches.
 * n8n hides the body for GET, HEAD and OPTIONS and the content type options
 * for DELETE too, and drops what it hides: so does this mapper.
 */

const WITH_BODY_TYPE = ['PATCH', 'POST', 'PUT'];

/** Header names as n8n 1–2 send them from fields: in lowercase (a name from an expression stays as it is). */
const rowsOf = (rows: Params[], lowercase = false) =>
  rows.map((r) => {
    const name = text(r.name);
    return { name: lowercase && !name.startsWith('=') ? name.toLowerCase() : name, value: r.value ?? '' };
  });

/** The parameter named for a warning: its label in n8n and its path. */
const named = (label: string, path: string) => `parameter "${label}" (${path})`;

export const mapHttpRequestV1 = (r: ParamReader): Params => {
  const out: Params = {};
  const method = r.get('requestMethod') ?? 'GET';
  out.method = method;
  out.url = r.get('url') ?? '';
  const verb = typeof method === 'string' && !method.startsWith('=') ? method.toUpperCase() : undefined;
  if (verb === undefined)
    r.problem(
      `${named('Request Method', 'requestMethod')} is an expression; its body and redirects are set as for a GET`,
    );
  const bodyType = verb !== undefined && WITH_BODY_TYPE.includes(verb);
  const sendsBody = bodyType || verb === 'DELETE';
  const option = (name: string) => r.get(`options.${name}`);

  const auth = r.get('authentication');
  if (auth !== undefined && auth !== 'none') {
    out.authentication = 'credential';
    r.get('genericAuthType');
    r.get('nodeCredentialType');
    r.problem(
      `${named('Authentication', 'authentication')}: it used an n8n credential; choose a Weft credential for it`,
    );
  }

  out.repeatedNames = 'queryList';
  out.legacyBodies = true;
  out.queryParameterArrays = option('useQueryString') === true ? 'repeat' : 'indices';
  out.timeout = typeof option('timeout') === 'number' ? Math.min(3_600_000, option('timeout') as number) : 3_600_000;
  const batchSize = option('batchSize');
  const batchInterval = option('batchInterval');
  if (typeof batchSize === 'number' && typeof batchInterval === 'number') {
    out.batchSize = batchSize;
    out.batchInterval = batchInterval;
  }

  const format = r.get('responseFormat') ?? 'json';
  const bodyContentType = bodyType ? (option('bodyContentType') ?? 'json') : 'json';
  const mime = bodyType ? option('bodyContentCustomMimeType') : undefined;
  if (typeof mime === 'string' && mime !== '') out.mimeType = mime;
  // "File" sends a JSON body's text and says JSON on PATCH/POST/PUT, body or not (a MIME type of its own wins).
  else if (format === 'file' && bodyType && bodyContentType !== 'raw') out.mimeType = 'application/json';

  if (r.get('jsonParameters') === true) {
    const query = r.get('queryParametersJson');
    if (query !== undefined && query !== '') {
      out.sendQuery = true;
      out.specifyQuery = 'json';
      out.jsonQuery = query;
    }
    const headers = r.get('headerParametersJson');
    if (headers !== undefined && headers !== '') {
      out.sendHeaders = true;
      out.specifyHeaders = 'json';
      out.jsonHeaders = headers;
    }
    if (bodyType && r.get('sendBinaryData') === true) {
      r.get('binaryPropertyName');
      r.problem(`${named('Send Binary File', 'sendBinaryData')}: Weft's items hold no files; no body is sent`);
    } else if (sendsBody) {
      const body = r.get('bodyParametersJson');
      if (body !== undefined && body !== '') mapJsonBody(r, out, body, bodyContentType, mime);
      // No body, but the raw type still decides how n8n reads the JSON query (not at all: see the engine).
      else if (bodyContentType === 'raw') out.contentType = 'raw';
    }
  } else {
    const query = r.get('queryParametersUi.parameter');
    if (Array.isArray(query)) {
      out.sendQuery = true;
      out.specifyQuery = 'keypair';
      out.queryParameters = rowsOf(r.rows('queryParametersUi.parameter'));
    }
    const headers = r.get('headerParametersUi.parameter');
    if (Array.isArray(headers)) {
      out.sendHeaders = true;
      out.specifyHeaders = 'keypair';
      out.headerParameters = rowsOf(r.rows('headerParametersUi.parameter'), true);
    }
    const body = sendsBody ? r.get('bodyParametersUi.parameter') : undefined;
    if (Array.isArray(body)) {
      const rows = rowsOf(r.rows('bodyParametersUi.parameter'));
      out.sendBody = true;
      if (bodyContentType === 'form-urlencoded') {
        out.contentType = 'form-urlencoded';
        out.formBody = 'fields';
        out.bodyParameters = rows;
      } else {
        unsupportedBodyType(r, bodyContentType);
        out.contentType = 'json';
        out.specifyBody = 'keypair';
        out.bodyFieldPaths = false;
        out.jsonBodyFields = rows;
      }
    }
  }

  if (format === 'file') {
    out.responseFormat = 'none';
    r.get('dataPropertyName');
    r.problem(`${named('Response Format', 'responseFormat')} = "file": Weft keeps no files; the input item goes on`);
  } else if (format === 'string') {
    out.responseFormat = 'text';
    out.textReadsJson = true;
    out.outputPropertyName = r.get('dataPropertyName') ?? 'data';
  } else {
    out.responseFormat = 'json';
    out.splitLists = option('splitIntoItems') === true;
  }
  if (option('fullResponse') === true) out.fullResponse = true;
  if (option('ignoreResponseCode') === true) out.neverError = true;
  const followAll = option('followAllRedirects') === true;
  const followGet = option('followRedirect') !== false && (verb === 'GET' || verb === 'HEAD' || verb === undefined);
  out.followRedirects = followAll || followGet;

  dropHidden(r, { json: r.get('jsonParameters') === true, sendsBody, bodyType, format });
  if (r.get('allowUnauthorizedCerts') === true)
    r.problem(
      `${named('Ignore SSL Issues', 'allowUnauthorizedCerts')}: Weft always checks certificates, so an invalid one fails`,
    );
  const proxy = option('proxy');
  if (typeof proxy === 'string' && proxy !== '')
    r.problem(`${named('Proxy', 'options.proxy')}: Weft sends requests directly, under its own network policy`);
  return out;
};

/**
 * Reads what n8n's display rules hide for this method, format and mode, as
 * n8n drops it unused: nothing of it is reported as "not carried over".
 */
const dropHidden = (
  r: ParamReader,
  shown: { json: boolean; sendsBody: boolean; bodyType: boolean; format: unknown },
) => {
  const hidden = [
    ...(shown.json
      ? ['queryParametersUi', 'headerParametersUi', 'bodyParametersUi']
      : ['queryParametersJson', 'headerParametersJson', 'bodyParametersJson', 'sendBinaryData', 'binaryPropertyName']),
    ...(shown.sendsBody ? [] : ['bodyParametersUi', 'bodyParametersJson']),
    ...(shown.bodyType
      ? []
      : ['options.bodyContentType', 'options.bodyContentCustomMimeType', 'sendBinaryData', 'binaryPropertyName']),
    ...(shown.format === 'json' ? ['dataPropertyName'] : ['options.splitIntoItems']),
  ];
  for (const path of hidden) r.carry(r.get(path));
};

const unsupportedBodyType = (r: ParamReader, type: unknown) => {
  if (type === 'multipart-form-data')
    r.problem(
      `${named('Body Content Type', 'options.bodyContentType')} = "multipart-form-data": not supported; it sends JSON now`,
    );
};

/** "Body Parameters" as JSON (or raw text), by the body content type. */
const mapJsonBody = (r: ParamReader, out: Params, body: unknown, type: unknown, mime: unknown) => {
  out.sendBody = true;
  if (type === 'raw') {
    out.contentType = 'raw';
    out.body = body;
    out.rawContentType = typeof mime === 'string' ? mime : '';
  } else if (type === 'form-urlencoded') {
    out.contentType = 'form-urlencoded';
    out.formBody = 'json';
    out.formJson = body;
  } else {
    unsupportedBodyType(r, type);
    out.contentType = 'json';
    out.specifyBody = 'json';
    out.jsonBody = body;
  }
};
