import { createPublicKey, createVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Divergence } from './outcome.ts';
import { CUSTOM_DATA_NODE, INSTANCE_TIMEZONE, RESPONSE_NODE } from './reference.ts';
import { sortCodeIsConsistent } from './sort-consistency.ts';

/** What the webhook family calls these (webhook-gen.ts imports them from here). */
export const WEBHOOK_ANSWER_NODE = '(webhook answer)';
export const WEBHOOK_BODY_BESIDE_BINARY = 'item body (n8n: in binary data)';
export const WEBHOOK_PRIVATE_HEADERS = ['cookie', 'authorization', 'proxy-authorization'];

/**
 * The deliberate differences from n8n: each one is written up in
 * docs/n8n-compatibility.md › "Deliberate differences" with its reason, under
 * a `<!-- n8n-diff:exception <id> -->` marker, and excused here by a predicate
 * that is as narrow as the behaviour. The harness accepts exactly these
 * differences; `exceptions.test.ts` fails when the code and the document
 * disagree on the list, so nothing is excused without a written reason.
 */

interface N8nNode {
  name?: unknown;
  type?: unknown;
  typeVersion?: unknown;
  parameters?: unknown;
}

export interface Exception {
  id: string;
  /** True when this divergence, in this n8n workflow, is the documented difference. */
  excuses(d: Divergence, workflow: unknown): boolean;
}

/** The n8n node a divergence is about, as the workflow declares it. */
export const nodeOf = (workflow: unknown, name: string): N8nNode | undefined => {
  const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return undefined;
  return (nodes as N8nNode[]).find((n) => n.name === name);
};

const hasNodeOfType = (workflow: unknown, type: string): boolean => {
  const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
  return Array.isArray(nodes) && (nodes as N8nNode[]).some((n) => n.type === type);
};

/** A Crypto node's parameters, when the divergence is in its output items. */
const cryptoParamsOf = (d: Divergence, workflow: unknown): Record<string, unknown> | undefined => {
  if (d.what !== 'output items') return undefined;
  const node = nodeOf(workflow, d.node);
  return node?.type === 'n8n-nodes-base.crypto' ? ((node.parameters ?? {}) as Record<string, unknown>) : undefined;
};

/** The signing key the harness gave a Crypto node (its credential; version 1 has it as a parameter too). */
const cryptoKeyOf = (workflow: unknown, name: string): string | undefined => {
  const node = nodeOf(workflow, name) as
    { credentials?: { crypto?: { data?: { signPrivateKey?: unknown } } } } | undefined;
  const key = node?.credentials?.crypto?.data?.signPrivateKey;
  return typeof key === 'string' ? key : undefined;
};

/** Both lists of items are equal but for the one key, where each side's value passes `ok`. */
const sameButAt = (d: Divergence, key: string, ok: (value: unknown) => boolean): boolean => {
  if (!Array.isArray(d.n8n) || !Array.isArray(d.weft) || d.n8n.length !== d.weft.length) return false;
  return d.n8n.every((a: unknown, i) => {
    const b: unknown = (d.weft as unknown[])[i];
    if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return false;
    const { [key]: va, ...ra } = a as Record<string, unknown>;
    const { [key]: vb, ...rb } = b as Record<string, unknown>;
    return ok(va) && ok(vb) && isDeepStrictEqual(ra, rb);
  });
};

/** A Sort node's (or Item Lists' sort's) parameters, when the divergence is in its output or pairing. */
const sortParamsOf = (d: Divergence, workflow: unknown): Record<string, unknown> | undefined => {
  if (d.what !== 'output items' && d.what !== 'paired items') return undefined;
  const node = nodeOf(workflow, d.node);
  const params = (node?.parameters ?? {}) as Record<string, unknown>;
  const sorting =
    node?.type === 'n8n-nodes-base.sort' || (node?.type === 'n8n-nodes-base.itemLists' && params.operation === 'sort');
  return sorting ? params : undefined;
};

/** Both engines gave the same items, in another order. */
const sameItemsAnyOrder = (d: Divergence): boolean => {
  if (!Array.isArray(d.n8n) || !Array.isArray(d.weft)) return false;
  const texts = (list: unknown[]) => list.map((i) => JSON.stringify(i)).sort();
  return isDeepStrictEqual(texts(d.n8n), texts(d.weft));
};

/** `n8n` is `weft` with values appended to some of its lists (at least one), and nothing else. */
const withAppendedValues = (n8n: unknown, weft: unknown): boolean => {
  let appended = false;
  const walk = (a: unknown, b: unknown): boolean => {
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length < b.length) return false;
      if (a.length > b.length) appended = true;
      return b.every((v, i) => walk(a[i], v));
    }
    if (
      typeof a !== 'object' ||
      a === null ||
      typeof b !== 'object' ||
      b === null ||
      Array.isArray(a) ||
      Array.isArray(b)
    )
      return isDeepStrictEqual(a, b);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = Object.keys(ra);
    return keys.length === Object.keys(rb).length && keys.every((k) => k in rb && walk(ra[k], rb[k]));
  };
  if (!Array.isArray(n8n) || !Array.isArray(weft) || n8n.length !== weft.length) return false;
  return n8n.every((v, i) => walk(v, weft[i])) && appended;
};

/** `n8n` is `weft` with, somewhere in it, the header keys n8n 1–2 add to a "Headers" object (and nothing else). */
const withAddedHeaders = (n8n: unknown, weft: unknown): boolean => {
  if (Array.isArray(n8n) || Array.isArray(weft)) {
    if (!Array.isArray(n8n) || !Array.isArray(weft) || n8n.length !== weft.length) return false;
    return n8n.every((v, i) => withAddedHeaders(v, weft[i]));
  }
  if (typeof n8n !== 'object' || n8n === null || typeof weft !== 'object' || weft === null)
    return isDeepStrictEqual(n8n, weft);
  const a = n8n as Record<string, unknown>;
  const b = weft as Record<string, unknown>;
  const added = Object.keys(a).filter((k) => !(k in b));
  return (
    added.every((k) => k === 'accept' || k === 'Content-Type' || k === 'content-type') &&
    Object.keys(b).every((k) => k in a && withAddedHeaders(a[k], b[k]))
  );
};

const isExecuteWorkflow = (workflow: unknown, name: string): boolean =>
  nodeOf(workflow, name)?.type === 'n8n-nodes-base.executeWorkflow';

/** Text of a value without any `"key":null` (escaped inside strings too), for comparing all but such keys. */
const withoutNullKeys = (value: unknown): string =>
  JSON.stringify(value ?? null)
    .replace(/,?(\\*)"[^"\\]*\1":null/g, '')
    .replace(/\{,/g, '{');

/** An empty-strings-to-NULL option that writes null into the node's input items themselves (n8n's Postgres and MySQL). */
const emptyStringsMutateInput =
  (type: string): Exception['excuses'] =>
  (d, workflow) => {
    if (d.what !== 'output items' || !Array.isArray(d.n8n) || !Array.isArray(d.weft)) return false;
    const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
    const replacing = (Array.isArray(nodes) ? (nodes as N8nNode[]) : []).some((n) => {
      const options = ((n.parameters ?? {}) as { options?: { replaceEmptyStrings?: unknown } }).options;
      return n.type === type && n.name !== d.node && options?.replaceEmptyStrings === true;
    });
    if (!replacing || d.n8n.length !== d.weft.length) return false;
    const n8nItems = d.n8n as unknown[];
    // The same items, but for fields that are null in n8n's and '' in Weft's.
    const blanked = (d.weft as unknown[]).map((item, i) => {
      const theirs = (n8nItems[i] ?? {}) as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries((item ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k,
          v === '' && theirs[k] === null ? null : v,
        ]),
      );
    });
    return isDeepStrictEqual(blanked, n8nItems);
  };

export const exceptions: Exception[] = [
  {
    // The Error Trigger's example item for a manual run: n8n writes its REST address into the URL, Weft a path.
    id: 'error-trigger-example-url',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' || !Array.isArray(d.n8n) || !Array.isArray(d.weft)) return false;
      const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
      if (!(Array.isArray(nodes) ? (nodes as N8nNode[]) : []).some((n) => n.type === 'n8n-nodes-base.errorTrigger'))
        return false;
      const withoutUrl = (items: unknown[]) =>
        items.map((item) => {
          const execution = (item as { execution?: unknown } | null)?.execution;
          if (typeof execution !== 'object' || execution === null) return item;
          const { url: _url, ...rest } = execution as Record<string, unknown>;
          return { ...(item as object), execution: rest };
        });
      return isDeepStrictEqual(withoutUrl(d.n8n), withoutUrl(d.weft));
    },
  },
  {
    // n8n's Execute Workflow run data lists every output of the child's last node (an IF's false branch too),
    // though its node has one output to connect; Weft's node puts out the first, the one anything can read.
    id: 'execute-workflow-unconnectable-outputs',
    excuses: (d, workflow) => {
      if (!isExecuteWorkflow(workflow, d.node) || d.what !== 'output items' || (d.output ?? 0) < 1) return false;
      const onError = (nodeOf(workflow, d.node) as { onError?: unknown } | undefined)?.onError;
      return onError !== 'continueErrorOutput' && Array.isArray(d.weft) && d.weft.length === 0;
    },
  },
  {
    // A mapped input whose value is null or nothing: n8n hands the child the field as undefined in memory, so its
    // trigger's items leave it out; Weft's child gets JSON, where the field is simply missing, and the trigger
    // sets a missing field of its schema to null, as n8n's does.
    id: 'execute-workflow-unset-inputs',
    excuses: (d, workflow) =>
      isExecuteWorkflow(workflow, d.node) &&
      d.what === 'output items' &&
      withoutNullKeys(d.n8n) === withoutNullKeys(d.weft),
  },
  {
    // n8n's Function Item makes a number, text, true or a list the code returns an item's data as it is; Weft's
    // items hold objects, so that item fails with "Code doesn't return an object" (its error item when going on).
    id: 'function-item-non-object-data',
    excuses: (d, workflow) => {
      const functionItem = (name: unknown) =>
        typeof name === 'string' && nodeOf(workflow, name)?.type === 'n8n-nodes-base.functionItem';
      if (d.node === '(workflow)')
        return d.what === 'node that ended the run' && d.n8n === null && functionItem(d.weft);
      if (!functionItem(d.node)) return false;
      const nonObject = (list: unknown) =>
        Array.isArray(list) && list.some((j) => typeof j !== 'object' || j === null || Array.isArray(j));
      const refused = JSON.stringify(d.weft ?? null).includes("Code doesn't return an object");
      if (d.what === 'error vs no error') return refused && Array.isArray(d.n8n) && d.n8n.some(nonObject);
      return d.what === 'output items' && (nonObject(d.n8n) || (refused && Array.isArray(d.n8n) && d.n8n.length === 0));
    },
  },
  {
    // n8n's Merge with "minimize empty fields" and deep merge merges into its input items' nested objects in place.
    id: 'merge-minimize-empty-mutates-inputs',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' && d.what !== 'paired items') return false;
      const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
      return (Array.isArray(nodes) ? (nodes as N8nNode[]) : []).some((n) => {
        if (n.type !== 'n8n-nodes-base.merge') return false;
        const params = (n.parameters ?? {}) as { mode?: unknown; options?: { clashHandling?: { values?: unknown } } };
        const values = (params.options?.clashHandling?.values ?? {}) as Record<string, unknown>;
        return (
          params.mode === 'combine' &&
          values.overrideEmpty === true &&
          values.mergeMode !== 'shallowMerge' &&
          values.resolveClash !== 'addSuffix'
        );
      });
    },
  },
  {
    // n8n's Filter 2 records the items it drops as a second output no connection can take.
    id: 'filter-discarded',
    excuses: (d, workflow) =>
      d.what === 'output items' &&
      d.output !== undefined &&
      d.output >= 1 &&
      nodeOf(workflow, d.node)?.type === 'n8n-nodes-base.filter',
  },
  {
    // Postgres's "Replace Empty Strings with NULL" writes null into its input items themselves.
    id: 'postgres-empty-strings-mutate-input',
    excuses: emptyStringsMutateInput('n8n-nodes-base.postgres'),
  },
  {
    // MySQL's does the same (its replaceEmptyStringsByNulls copies the item, not its json).
    id: 'mysql-empty-strings-mutate-input',
    excuses: emptyStringsMutateInput('n8n-nodes-base.mySql'),
  },
  {
    // n8n's MySQL "Single Query" splits its one text at ';' with a pattern that a value written in with a quote
    // (\') throws off; taking several statements for one, it hands on the server's result headers as items.
    id: 'mysql-single-query-quoted-values',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' || !Array.isArray(d.n8n) || !Array.isArray(d.weft)) return false;
      const node = nodeOf(workflow, d.node);
      const options = ((node?.parameters ?? {}) as { options?: Record<string, unknown> }).options ?? {};
      if (node?.type !== 'n8n-nodes-base.mySql' || (options.queryBatching ?? 'single') !== 'single') return false;
      if (options.detailedOutput === true) {
        // Detailed output: n8n's items name several statements in one `sql` (its result, a list of headers).
        const sqls = (list: unknown[]) =>
          list.map((i) => (i as { sql?: unknown } | null)?.sql).filter((q): q is string => typeof q === 'string');
        const [theirs, ours] = [sqls(d.n8n as unknown[]), sqls(d.weft as unknown[])];
        return (
          theirs.length < ours.length && theirs.join(';') === ours.join(';') && ours.some((q) => q.includes("\\'"))
        );
      }
      const headers = (d.n8n as unknown[]).every(
        (i) => typeof i === 'object' && i !== null && 'fieldCount' in i && 'affectedRows' in i,
      );
      return headers && isDeepStrictEqual(d.weft, [{ success: true }]);
    },
  },
  {
    // n8n's Edit Fields 3+ hands a "selected" input field on as the input's own object,
    // so a field written into it (name "meta.x" with "meta" selected) changes the input item too.
    id: 'set-selected-fields-mutate-input',
    excuses: (d, workflow) => {
      if (d.what !== 'output items') return false;
      const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
      return (Array.isArray(nodes) ? (nodes as N8nNode[]) : []).some((n) => {
        if (n.type !== 'n8n-nodes-base.set' || n.name === d.node || Number(n.typeVersion) < 3) return false;
        const p = (n.parameters ?? {}) as Record<string, unknown>;
        const options = (p.options ?? {}) as Record<string, unknown>;
        const selected =
          Number(n.typeVersion) >= 3.3
            ? p.includeOtherFields === true && p.include === 'selected'
            : p.include === 'selected';
        if (!selected || typeof p.includeFields !== 'string') return false;
        const dot = options.dotNotation !== false;
        const targets = p.includeFields
          .split(',')
          .map((f) => f.trim())
          .filter((f) => f.length > 0)
          .map((f) => (dot && f.includes('.') ? (f.split('.').pop() ?? f) : f));
        const text = JSON.stringify([p.fields, p.assignments, p.jsonOutput]);
        return dot && targets.some((t) => text.includes(`"${t}.`) || text.includes(`"${t}[`));
      });
    },
  },
  {
    // showdown writes each character of an e-mail address (encodeEmails, on by default) as a decimal or hex entity
    // or as itself, chosen by Math.random: the same text, spelled differently on each run.
    id: 'markdown-email-encoding-random',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' || nodeOf(workflow, d.node)?.type !== 'n8n-nodes-base.markdown') return false;
      const decoded = (v: unknown) =>
        JSON.stringify(v ?? null)
          .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
          .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)));
      return decoded(d.n8n) === decoded(d.weft);
    },
  },
  {
    // Crypto's generate writes random text: both engines' items are compared with it replaced by its shape.
    id: 'crypto-generate-random',
    excuses: (d, workflow) => {
      const params = cryptoParamsOf(d, workflow);
      if (params?.action !== 'generate') return false;
      const type = typeof params.encodingType === 'string' ? params.encodingType : 'uuid';
      const length = typeof params.stringLength === 'number' ? params.stringLength : 32;
      const shape = (v: unknown): boolean => {
        if (typeof v !== 'string') return false;
        if (type === 'uuid') return /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v);
        if (type === 'hex') return v.length === length && /^[0-9a-f]*$/.test(v);
        if (type === 'base64') return v.length <= length && /^[A-Za-z0-9]*$/.test(v);
        return v.length === length && Buffer.from(v, 'utf8').every((b) => b < 0x80);
      };
      return sameButAt(d, typeof params.dataPropertyName === 'string' ? params.dataPropertyName : 'data', shape);
    },
  },
  {
    // ECDSA signatures are random (a fresh nonce each time): both engines' signatures must verify, the rest be equal.
    id: 'crypto-ecdsa-random',
    excuses: (d, workflow) => {
      const params = cryptoParamsOf(d, workflow);
      const pem = cryptoKeyOf(workflow, d.node);
      if (params?.action !== 'sign' || pem === undefined) return false;
      const value = params.value;
      if (typeof value !== 'string' || value.startsWith('=')) return false;
      let key;
      try {
        key = createPublicKey(pem);
      } catch {
        return false;
      }
      if (key.asymmetricKeyType !== 'ec') return false;
      const encoding = params.encoding === 'base64' ? 'base64' : 'hex';
      const verifies = (sig: unknown) =>
        typeof sig === 'string' && createVerify(String(params.algorithm)).update(value).verify(key, sig, encoding);
      return sameButAt(d, typeof params.dataPropertyName === 'string' ? params.dataPropertyName : 'data', verifies);
    },
  },
  {
    // nodemailer's report of a sent mail holds a random Message-ID and the time each step took; the size
    // counts headers (a Message-ID, a MIME boundary) that are random too. The rest must be equal, but for
    // the `permanent` flag nodemailer 10 adds to a refused recipient's error.
    id: 'email-send-report',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' || nodeOf(workflow, d.node)?.type !== 'n8n-nodes-base.emailSend') return false;
      const steady = (items: unknown) =>
        Array.isArray(items)
          ? items.map((item: unknown) => {
              if (typeof item !== 'object' || item === null) return item;
              const { messageId, envelopeTime, messageTime, messageSize, rejectedErrors, ...rest } = item as Record<
                string,
                unknown
              >;
              // nodemailer 10 (Weft's) marks each refused recipient's error `permanent`; n8n's 8.0 does not.
              if (Array.isArray(rejectedErrors))
                rest.rejectedErrors = rejectedErrors.map((e: unknown) =>
                  typeof e === 'object' && e !== null ? { ...e, permanent: undefined } : e,
                );
              return {
                ...rest,
                messageId: typeof messageId,
                envelopeTime: typeof envelopeTime,
                messageTime: typeof messageTime,
                messageSize: typeof messageSize,
              };
            })
          : items;
      return isDeepStrictEqual(steady(d.n8n), steady(d.weft));
    },
  },
  {
    // nodemailer parses a malformed address ("[object Object]@example.com", "@example.com") differently in
    // its 10.6 (Weft's) and 8.0 (n8n's): one quotes the odd local part, the other cuts it or sends it as it is.
    id: 'email-send-malformed-address',
    excuses: (d, workflow) => {
      if (nodeOf(workflow, d.node)?.type !== 'n8n-nodes-base.emailSend') return false;
      const plain = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+$/;
      const odd = (value: unknown): boolean => {
        const text = JSON.stringify(value ?? null);
        const found = text.match(/[^\s"<>,[\]]*@example\.com/g) ?? [];
        return /\\"[^"]*\\"@|Object\]@|"@example|\[ ?x/.test(text) || found.some((a) => !plain.test(a));
      };
      return odd(d.n8n) || odd(d.weft);
    },
  },
  {
    // Send Email's attribution says which product sent the mail: n8n's names n8n and links to it, Weft's names Weft.
    id: 'email-send-attribution',
    excuses: (d, workflow) => {
      if (!d.what.startsWith('mail ') || nodeOf(workflow, d.node)?.type !== 'n8n-nodes-base.emailSend') return false;
      const html =
        /\s*<br>\s*<br>\s*---\s*<br>\s*<em>This email was sent automatically with (?:<a [^>]*>n8n<\/a>|Weft)<\/em>\s*$/;
      const text =
        /\s*---\s*This email was sent automatically with (?:n8n(?:\s*\[[^\]]*\]|\s*https:\/\/n8n\.io\S*)?|Weft)\s*$/;
      const without = (mail: unknown) => {
        if (typeof mail !== 'object' || mail === null) return mail;
        const m = mail as Record<string, unknown>;
        return {
          ...m,
          html: typeof m.html === 'string' ? m.html.replace(html, '').trimStart() : m.html,
          text: typeof m.text === 'string' ? m.text.replace(text, '').trimStart() : m.text,
        };
      };
      return isDeepStrictEqual(without(d.n8n), without(d.weft));
    },
  },
  {
    // n8n applies a read option given as '' (fileName, fileExtension, mimeType); Weft's empty parameter is unset.
    id: 'read-write-files-empty-options',
    excuses: (d, workflow) => {
      const node = nodeOf(workflow, d.node);
      if (node?.type !== 'n8n-nodes-base.readWriteFile' || d.what !== 'output items') return false;
      const options = ((node.parameters as { options?: unknown } | undefined)?.options ?? {}) as Record<
        string,
        unknown
      >;
      const empty = ['fileName', 'fileExtension', 'mimeType'].filter((k) => options[k] === '');
      if (empty.length === 0 || !Array.isArray(d.weft)) return false;
      type Shown = { json?: Record<string, unknown>; binary?: Record<string, Record<string, unknown>> };
      const blanked = (d.weft as Shown[]).map((item) => {
        const copy = structuredClone(item);
        for (const k of empty) {
          if (copy.json) copy.json[k] = '';
          for (const file of Object.values(copy.binary ?? {})) file[k] = '';
        }
        return copy;
      });
      return isDeepStrictEqual(blanked, d.n8n);
    },
  },
  {
    // HTTP Request's "File" response format: n8n keeps the body as a file in the item's `binary`; Weft's import
    // says it keeps no file (the item goes on as it came), so the items are equal but for n8n's file.
    id: 'http-request-file-response',
    excuses: (d, workflow) => {
      const node = nodeOf(workflow, d.node);
      if (node?.type !== 'n8n-nodes-base.httpRequest' || d.what !== 'output items') return false;
      const p = (node.parameters ?? {}) as {
        responseFormat?: unknown;
        options?: { response?: { response?: { responseFormat?: unknown } } };
      };
      const file = p.responseFormat === 'file' || p.options?.response?.response?.responseFormat === 'file';
      if (!file || !Array.isArray(d.n8n) || !Array.isArray(d.weft)) return false;
      // An item with files shows as { json, binary }, one without as its json alone.
      const withoutFiles = (d.n8n as { json?: unknown; binary?: unknown }[]).map((item) =>
        item.binary === undefined ? item : item.json,
      );
      return isDeepStrictEqual(withoutFiles, d.weft);
    },
  },
  {
    // n8n's XML puts what xml2js returns in the item as it is: null (empty text) stops n8n's engine after the node
    // without recording its run, text (a root holding only text, "explicit root" off) makes a non-object item.
    // Weft's items are objects: its XML fails such an item with "The XML gives …".
    id: 'xml-non-object-result',
    excuses: (d, workflow) => {
      if (nodeOf(workflow, d.node)?.type !== 'n8n-nodes-base.xml') return false;
      if (d.what === 'number of runs') return d.n8n === 0 && d.weft === 1;
      if (d.what !== 'error vs no error') return false;
      const nonObject = (list: unknown) =>
        Array.isArray(list) && list.some((j) => typeof j !== 'object' || j === null || Array.isArray(j));
      return JSON.stringify(d.weft ?? null).includes('The XML gives') && Array.isArray(d.n8n) && d.n8n.some(nonObject);
    },
  },
  {
    // Compare Datasets' mix writes the other input's fields into the chosen input item itself.
    id: 'compare-datasets-mix-mutates-input',
    excuses: (d, workflow) => {
      if (d.what !== 'output items') return false;
      const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
      return (Array.isArray(nodes) ? (nodes as N8nNode[]) : []).some((n) => {
        if (n.type !== 'n8n-nodes-base.compareDatasets' || n.name === d.node) return false;
        return ((n.parameters ?? {}) as { resolve?: unknown }).resolve === 'mix';
      });
    },
  },
  {
    // n8n counts a new custom data key with `key in metadata`: Object's own names (toString, constructor) pass its
    // limit of 10 as an 11th key, which Weft never stores (the server refuses more than 10).
    id: 'custom-data-object-names-past-limit',
    excuses: (d) => {
      if (d.node !== CUSTOM_DATA_NODE || d.what !== 'output items' || !Array.isArray(d.n8n) || !Array.isArray(d.weft))
        return false;
      const [n8n] = d.n8n as unknown[];
      const [weft] = d.weft as unknown[];
      const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
      if (!isRecord(n8n) || !isRecord(weft) || Object.keys(n8n).length <= 10 || Object.keys(weft).length !== 10)
        return false;
      const kept = Object.entries(n8n).filter(([k]) => !(k in Object.prototype) || Object.hasOwn(weft, k));
      return isDeepStrictEqual(Object.fromEntries(kept), weft);
    },
  },
  {
    // Rename Keys moves the input item's own objects into its output, then renames keys and sets paths in them.
    id: 'rename-keys-mutates-input',
    excuses: (d, workflow) => {
      if (d.what !== 'output items') return false;
      const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
      return (Array.isArray(nodes) ? (nodes as N8nNode[]) : []).some((n) => {
        if (n.type !== 'n8n-nodes-base.renameKeys' || n.name === d.node) return false;
        const keys = ((n.parameters ?? {}) as { keys?: { key?: unknown } }).keys?.key;
        return Array.isArray(keys) && keys.length > 0;
      });
    },
  },
  {
    // Item Lists 1 unsets a nested split field in a copy that shares the input item's objects: the input loses it.
    id: 'item-lists-1-split-out-mutates-input',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' || !Array.isArray(d.n8n) || !Array.isArray(d.weft)) return false;
      const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
      const paths = (Array.isArray(nodes) ? (nodes as N8nNode[]) : []).flatMap((n) => {
        const p = (n.parameters ?? {}) as Record<string, unknown>;
        const options = (p.options ?? {}) as Record<string, unknown>;
        const field = p.fieldToSplitOut;
        const splitting = (p.operation ?? 'splitOutItems') === 'splitOutItems' && p.include === 'allOtherFields';
        return n.type === 'n8n-nodes-base.itemLists' &&
          Number(n.typeVersion) === 1 &&
          splitting &&
          options.disableDotNotation !== true &&
          typeof field === 'string' &&
          field.includes('.')
          ? [field.split('.')]
          : [];
      });
      if (paths.length === 0) return false;
      // Weft's items with those nested fields taken out must be n8n's.
      const unset = (item: unknown): unknown => {
        const copy = JSON.parse(JSON.stringify(item)) as unknown;
        for (const path of paths) {
          let at = copy;
          for (const key of path.slice(0, -1))
            at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
          if (typeof at === 'object' && at !== null) Reflect.deleteProperty(at, path[path.length - 1] ?? '');
        }
        return copy;
      };
      return isDeepStrictEqual(d.weft.map(unset), d.n8n);
    },
  },
  {
    // A random order cannot be compared item by item: both engines shuffle, the items must be the same multiset.
    id: 'sort-random-order',
    excuses: (d, workflow) => {
      const params = sortParamsOf(d, workflow);
      return params?.type === 'random' && sameItemsAnyOrder(d);
    },
  },
  {
    // An inconsistent comparison (NaN, a < b and b < a) orders as the sort algorithm makes of it: V8's, QuickJS's.
    id: 'sort-code-inconsistent-comparison',
    excuses: (d, workflow) => {
      const params = sortParamsOf(d, workflow);
      if (params?.type !== 'code' || typeof params.code !== 'string') return false;
      const data = (nodeOf(workflow, 'Input')?.parameters as { data?: unknown } | undefined)?.data;
      if (!Array.isArray(data)) return false;
      return sameItemsAnyOrder(d) && !sortCodeIsConsistent(params.code, data);
    },
  },
  {
    // Item Lists tests its sort code for `return` with a global /g regex, whose lastIndex carries over between runs.
    id: 'item-lists-sort-code-return-check',
    excuses: (d, workflow) => {
      const failed = d.what === 'node that ended the run' && typeof d.n8n === 'string' ? d.n8n : d.node;
      const node = nodeOf(workflow, failed);
      const params = (node?.parameters ?? {}) as Record<string, unknown>;
      if (node?.type !== 'n8n-nodes-base.itemLists' || params.operation !== 'sort' || params.type !== 'code')
        return false;
      if (typeof params.code !== 'string' || !/\breturn\b/.test(params.code)) return false;
      if (d.what === 'node that ended the run') return d.weft === null;
      return (
        d.what === 'error vs no error' && typeof d.n8n === 'string' && d.n8n.startsWith("Sort code doesn't return")
      );
    },
  },
  {
    // n8n pairs the items "keep only the compared fields" makes by their output position, not their input item.
    id: 'remove-duplicates-other-fields-pairing',
    excuses: (d, workflow) => {
      if (d.what !== 'paired items') return false;
      const node = nodeOf(workflow, d.node);
      const params = (node?.parameters ?? {}) as Record<string, unknown>;
      const options = (params.options ?? {}) as Record<string, unknown>;
      const dedupe =
        node?.type === 'n8n-nodes-base.removeDuplicates' ||
        (node?.type === 'n8n-nodes-base.itemLists' && params.operation === 'removeDuplicates');
      return dedupe && options.removeOtherFields === true;
    },
  },
  {
    // n8n makes an item of a bare JSON value (`5`, `"a"`); Weft's items are objects: `{ data: value }`.
    id: 'http-bare-json-values',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' || nodeOf(workflow, d.node)?.type !== 'n8n-nodes-base.httpRequest') return false;
      if (!Array.isArray(d.n8n) || !Array.isArray(d.weft) || d.n8n.length !== d.weft.length) return false;
      const weft = d.weft as unknown[];
      // n8n's item without data (an empty JSON answer read as JSON) shows as null: Weft's is {}.
      return (d.n8n as unknown[]).every((v, i) =>
        v === null
          ? isDeepStrictEqual({}, weft[i])
          : typeof v === 'object' && !Array.isArray(v)
            ? isDeepStrictEqual(v, weft[i])
            : isDeepStrictEqual({ data: v }, weft[i]),
      );
    },
  },
  {
    // n8n's client writes a header value with characters past Latin-1 mangled; Weft refuses it with a clear error.
    id: 'http-header-beyond-latin1',
    excuses: (d, workflow) =>
      d.what === 'error vs no error' &&
      typeof d.weft === 'string' &&
      d.weft.includes('is not a valid header name or value') &&
      nodeOf(workflow, d.node)?.type === 'n8n-nodes-base.httpRequest',
  },
  {
    // n8n 2.41's HTTP Request, asked for text with the full response, fails on a JSON answer
    // ("Converting circular structure to JSON"): it serialises its own request object.
    // Sometimes it throws outside the node, and n8n's run itself fails.
    id: 'http-full-text-response-crash',
    excuses: (d, workflow) =>
      typeof d.n8n === 'string' &&
      d.n8n.startsWith('Converting circular structure to JSON') &&
      ((d.what === 'error vs no error' && nodeOf(workflow, d.node)?.type === 'n8n-nodes-base.httpRequest') ||
        (d.what === 'an engine could not run the workflow' && hasNodeOfType(workflow, 'n8n-nodes-base.httpRequest'))),
  },
  {
    // n8n's HTTP Request 4.3+ makes a list of a name given twice by pushing onto the first value: when that is
    // an input item's own list, the item's list grows, in every node's output that holds it.
    id: 'http-repeated-name-list-mutated',
    excuses: (d, workflow) => {
      if (d.what !== 'output items') return false;
      const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
      const lists =
        Array.isArray(nodes) &&
        (nodes as N8nNode[]).some(
          (n) => n.type === 'n8n-nodes-base.httpRequest' && typeof n.typeVersion === 'number' && n.typeVersion >= 4.3,
        );
      return lists && withAppendedValues(d.n8n, d.weft);
    },
  },
  {
    // n8n's HTTP Request 1–2 set their accept (and MIME type) header on the object a "Headers" expression gives:
    // when that is an input item's own object, the item changes, in every node's output that holds it.
    id: 'http-v1-headers-object-mutated',
    excuses: (d, workflow) => {
      if (d.what !== 'output items') return false;
      const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
      const headersFromExpression =
        Array.isArray(nodes) &&
        (nodes as N8nNode[]).some((n) => {
          const params = (n.parameters ?? {}) as Record<string, unknown>;
          return (
            n.type === 'n8n-nodes-base.httpRequest' &&
            typeof n.typeVersion === 'number' &&
            n.typeVersion < 3 &&
            typeof params.headerParametersJson === 'string' &&
            params.headerParametersJson.startsWith('=')
          );
        });
      return headersFromExpression && withAddedHeaders(d.n8n, d.weft);
    },
  },
  {
    // n8n's HTTP Request 1–2 with the "RAW/Custom" body type leaves "Headers" (JSON) unparsed and fails on its text
    // with a TypeError; Weft reads the JSON as with any other body type.
    id: 'http-v1-raw-json-headers-crash',
    excuses: (d, workflow) => {
      const node = nodeOf(workflow, d.node);
      return (
        d.what === 'error vs no error' &&
        typeof d.n8n === 'string' &&
        /^Cannot create property '(accept|Content-Type)' on string/.test(d.n8n) &&
        node?.type === 'n8n-nodes-base.httpRequest' &&
        typeof node.typeVersion === 'number' &&
        node.typeVersion < 3
      );
    },
  },
  {
    // n8n 2.41's HTTP Request, asked for JSON, fails on an empty answer to a PATCH/PUT/POST/DELETE with a TypeError.
    id: 'http-empty-json-answer-crash',
    excuses: (d, workflow) =>
      d.what === 'error vs no error' &&
      typeof d.n8n === 'string' &&
      d.n8n.startsWith("Cannot read properties of undefined (reading 'data')") &&
      nodeOf(workflow, d.node)?.type === 'n8n-nodes-base.httpRequest',
  },
  {
    // n8n's Respond to Webhook sends text with no content type (Express then says text/html); Weft says text/plain.
    // The answer shows it, and so does the node's "Response" output (1.3+), which holds what was sent.
    id: 'respond-text-content-type',
    excuses: (d, workflow) => {
      if (d.what !== 'output items') return false;
      const texts = ((workflow as { nodes?: unknown } | null)?.nodes as N8nNode[] | undefined)?.filter(
        (n) =>
          n.type === 'n8n-nodes-base.respondToWebhook' &&
          (n.parameters as { respondWith?: unknown } | undefined)?.respondWith === 'text',
      );
      if (!texts?.length || !Array.isArray(d.n8n) || !Array.isArray(d.weft) || d.n8n.length !== d.weft.length)
        return false;
      type Sent = { headers?: Record<string, unknown> };
      // The answer itself, or a Respond node's output item `{ response }`.
      const sentOf = (x: unknown): Sent | undefined =>
        d.node === RESPONSE_NODE
          ? (x as Sent)
          : texts.some((n) => n.name === d.node)
            ? (x as { response?: Sent }).response
            : undefined;
      const weft = d.weft as unknown[];
      return (d.n8n as unknown[]).every((x, i) => {
        const a = sentOf(x);
        const b = sentOf(weft[i]);
        if (!a || !b || a.headers?.['content-type'] !== undefined) return false;
        if (b.headers?.['content-type'] !== 'text/plain; charset=utf-8') return false;
        const { 'content-type': _added, ...rest } = b.headers;
        return isDeepStrictEqual({ ...b, headers: rest }, a);
      });
    },
  },
  {
    // A Respond to Webhook code that is not a number (text such as " ", or true, from an expression): n8n hands it
    // to Express as it is, which cannot send it; Weft reads it as a number, which its server refuses likewise.
    id: 'respond-status-not-a-number',
    excuses: (d) => {
      if (d.node !== RESPONSE_NODE || d.what !== 'output items') return false;
      if (!Array.isArray(d.n8n) || !Array.isArray(d.weft) || d.n8n.length !== d.weft.length) return false;
      const weft = d.weft as { statusCode?: unknown }[];
      return (d.n8n as { statusCode?: unknown }[]).every((a, i) => {
        const b = weft[i];
        if (!b || typeof a.statusCode === 'number' || typeof b.statusCode !== 'number') return false;
        const n = Number(a.statusCode);
        const sendable = Number.isInteger(n) && n >= 100 && n <= 599 && String(a.statusCode).trim() !== '';
        if (sendable || !(Object.is(b.statusCode, n) || (Number.isNaN(n) && Number.isNaN(b.statusCode)))) return false;
        return isDeepStrictEqual({ ...b, statusCode: a.statusCode }, a);
      });
    },
  },
  {
    // n8n hands a workflow zone of "DEFAULT" to the Schedule Trigger as a zone name: moment reads it as UTC
    // and the item says "DEFAULT (UTC+00:00)". Weft uses the instance zone (UTC in these tests) and names it.
    id: 'schedule-default-zone',
    excuses: (d, workflow) => {
      const settings = (workflow as { settings?: { timezone?: unknown } } | null)?.settings;
      if (d.what !== 'output items' || settings?.timezone !== 'DEFAULT') return false;
      if (!hasNodeOfType(workflow, 'n8n-nodes-base.scheduleTrigger')) return false;
      if (!Array.isArray(d.n8n) || !Array.isArray(d.weft) || d.n8n.length !== d.weft.length) return false;
      const weft = d.weft as Record<string, unknown>[];
      return (d.n8n as Record<string, unknown>[]).every((a, i) => {
        const b = weft[i];
        return (
          b !== undefined &&
          typeof a.Timezone === 'string' &&
          a.Timezone.startsWith('DEFAULT (') &&
          b.Timezone === `${INSTANCE_TIMEZONE}${a.Timezone.slice('DEFAULT'.length)}` &&
          isDeepStrictEqual({ ...a, Timezone: null }, { ...b, Timezone: null })
        );
      });
    },
  },
  {
    // n8n 2+ moves a body it does not parse (and Raw Body's copy, and Webhook 1's Binary File) into binary data,
    // which Weft's items do not have: Weft keeps the body's text in `body` instead.
    id: 'webhook-body-as-binary',
    excuses: (d, workflow) =>
      d.what === WEBHOOK_BODY_BESIDE_BINARY &&
      nodeOf(workflow, d.node)?.type === 'n8n-nodes-base.webhook' &&
      typeof d.weft === 'string' &&
      (d.n8n === undefined || isDeepStrictEqual(d.n8n, {})),
  },
  {
    // Webhook items never carry cookie, authorization or proxy-authorization (docs/SECURITY.md); n8n's keep them.
    id: 'webhook-private-headers',
    excuses: (d, workflow) => {
      if (d.what !== 'item headers' || nodeOf(workflow, d.node)?.type !== 'n8n-nodes-base.webhook') return false;
      const n8n = (d.n8n ?? {}) as Record<string, unknown>;
      const weft = (d.weft ?? {}) as Record<string, unknown>;
      const rest = (h: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(h).filter(([k]) => !WEBHOOK_PRIVATE_HEADERS.includes(k)));
      return WEBHOOK_PRIVATE_HEADERS.every((k) => !(k in weft)) && isDeepStrictEqual(rest(n8n), weft);
    },
  },
  {
    // "Respond: Immediately" with a text: Express sends it as text/html; Weft as text/plain (same reason as Respond
    // to Webhook's text).
    id: 'webhook-text-content-type',
    excuses: (d) =>
      d.node === WEBHOOK_ANSWER_NODE &&
      d.what === 'answer contentType' &&
      d.n8n === 'text/html' &&
      d.weft === 'text/plain',
  },
  {
    // An answer Weft's server gives itself (a refused IP or bot, a body it cannot parse): the same status and
    // message, in Weft's error format `{ "error": { code, message } }` (n8n: plain text, or `{ code, message, hint }`).
    id: 'webhook-error-answer-format',
    excuses: (d) => {
      if (d.node !== WEBHOOK_ANSWER_NODE || d.what !== 'answer error') return false;
      const n8n = d.n8n as { contentType?: unknown; body?: unknown };
      const weft = d.weft as { contentType?: unknown; body?: unknown };
      const message = (weft.body as { error?: { message?: unknown } } | undefined)?.error?.message;
      if (weft.contentType !== 'application/json' || typeof message !== 'string') return false;
      if (typeof n8n.body === 'string') return message === n8n.body;
      const body = n8n.body as { message?: unknown; hint?: unknown } | undefined;
      const hint = typeof body?.hint === 'string' ? body.hint : '';
      return typeof body?.message === 'string' && message === (hint ? `${body.message}: ${hint}` : body.message);
    },
  },
];

/** The divergences no documented exception excuses. */
export const unexcused = (found: Divergence[], workflow: unknown): Divergence[] => {
  const excused = found.filter((d) => exceptions.some((e) => e.excuses(d, workflow)));
  // A run that ended at another node only because of an excused error is excused with it.
  const excusedErrorAt = new Set(excused.filter((d) => d.what === 'error vs no error').map((d) => d.node));
  return found.filter(
    (d) =>
      !excused.includes(d) &&
      !(
        d.what === 'node that ended the run' &&
        [d.n8n, d.weft].some((n) => typeof n === 'string' && excusedErrorAt.has(n))
      ),
  );
};

const DOC = fileURLToPath(new URL('../../../docs/n8n-compatibility.md', import.meta.url));

/** The exception ids docs/n8n-compatibility.md writes up, in order. */
export const documentedExceptionIds = (): string[] =>
  [...readFileSync(DOC, 'utf8').matchAll(/<!-- n8n-diff:exception ([a-z0-9-]+) -->/g)].map((m) => m[1] ?? '');
