import { connect } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { nodeDefinitions } from '#shared/nodes/index.ts';
import { MessageType, SyncMessageType } from '#shared/protocol/messages.ts';
import {
  addNode,
  connect as connectNodes,
  deleteNode,
  edgesMap,
  metaMap,
  moveNode,
  nodesMap,
  renameNode,
  setNotes,
  setParameter,
  setWorkflowDescription,
  setWorkflowName,
} from '#shared/schema/index.ts';
import { noteInput, type FuzzContext, type InputRunner } from './context.ts';
import { deepNest, hostileObject, hostileValue, hugeString, nastyString, nestingDepth, toJsonText } from './corpus.ts';
import type { Rand } from './rand.ts';
import type { Account } from './world.ts';

/**
 * WebSocket inputs on /sync/<id>, sent by the fuzzer's accounts (an editor
 * and a viewer of the playground, the viewer of the protected workflow) and
 * by people who may not connect at all (a stranger, no credentials): valid
 * y-websocket messages built from a mirror of the room's document — schema
 * edits and raw hostile ones (wrong types in the maps, roots of the wrong
 * kind, huge values, deletions) — then mutated now and then (bit flips,
 * truncation, wrong varints, wrong message types), awareness entries that
 * claim other sockets' or the server's client ids, huge or deeply nested
 * states, text frames, oversized frames, floods before sync, and frame-level
 * garbage on a raw TCP socket.
 *
 * Rules: a bad frame closes its own socket only, with a 4xx-style code
 * (never 4500 or 1011); a socket that sent a frame either answers the next
 * request (a state-vector probe) or is closed, within 10 s; a socket that
 * may not join receives nothing of the document.
 */

type Access = 'write' | 'read' | 'none';

interface Slot {
  name: string;
  account: Account | undefined;
  workflowId: string;
  access: Access;
  ws: WebSocket | undefined;
  mirror: Y.Doc;
  /** Sync step 2 messages received: a probe's answer is one more of them. */
  step2s: number;
  /** Awareness client ids seen in the room, the server's among them. */
  seenIds: Set<number>;
  busy: Promise<void>;
  lastInput: string;
  /** Set while we close the socket ourselves: its close code is ours, not the server's. */
  closingByUs: boolean;
}

/** Close codes a bad or refused socket may get. 4500 (server error) and 1011 are findings. */
const ALLOWED_CLOSES = new Set([1000, 1002, 1005, 1006, 1007, 1009, 4100, 4400, 4401, 4403, 4404]);

const PROBE_TIMEOUT_MS = 10_000;

const frame = (build: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  build(e);
  return encoding.toUint8Array(e);
};

const syncFrame = (sub: number, payload: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, sub);
    encoding.writeVarUint8Array(e, payload);
  });

interface AwarenessEntry {
  clientID: number;
  clock: number;
  state: string;
}

const awarenessFrame = (entries: readonly AwarenessEntry[]): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(
      e,
      frame((inner) => {
        encoding.writeVarUint(inner, entries.length);
        for (const entry of entries) {
          encoding.writeVarUint(inner, entry.clientID);
          encoding.writeVarUint(inner, entry.clock);
          encoding.writeVarString(inner, entry.state);
        }
      }),
    );
  });

/** Captures the update a change to `doc` makes. */
const updateOf = (doc: Y.Doc, change: () => void): Uint8Array => {
  const before = Y.encodeStateVector(doc);
  change();
  return Y.encodeStateAsUpdate(doc, before);
};

const NODE_TYPES = nodeDefinitions.map((d) => d.type);

/** A change to the mirror through the schema API, as the editor would make it. */
const schemaEdit = (r: Rand, doc: Y.Doc): void => {
  const ids = [...nodesMap(doc).keys()];
  const someId = () => (ids.length > 0 ? r.pick(ids) : 'missing');
  const edits: (() => void)[] = [
    () => {
      for (let i = r.chance(0.1) ? r.int(20, 150) : 1; i > 0; i--) {
        addNode(doc, { type: r.pick(NODE_TYPES), position: { x: r.int(-1e4, 1e4), y: r.int(-1e4, 1e4) } });
      }
    },
    () => moveNode(doc, someId(), { x: r.int(-1e6, 1e6), y: r.int(-1e6, 1e6) }),
    () => renameNode(doc, someId(), r.chance(0.5) ? r.pick(['Start', 'pass', 'n1']) : nastyString(r).slice(0, 300)),
    () => deleteNode(doc, someId()),
    () => setParameter(doc, someId(), r.pick(['path', 'jsCode', 'url', 'amount', 'jsonOutput', 'x']), hostileValue(r)),
    () => setNotes(doc, someId(), r.chance(0.9) ? nastyString(r) : 'n'.repeat(200_000)),
    () => setWorkflowName(doc, r.chance(0.8) ? r.word() : nastyString(r).slice(0, 300)),
    () => setWorkflowDescription(doc, nastyString(r)),
    () => {
      if (ids.length < 2) return;
      connectNodes(doc, {
        source: r.pick(ids),
        sourceHandle: r.pick(['main', 'true', 'false', 'error']),
        target: r.pick(ids),
        targetHandle: 'main',
      });
    },
  ];
  try {
    r.pick(edits)();
  } catch {
    // The API refused (a missing node, a bad handle): the change is simply not made.
  }
};

/** A change a well-behaved client never makes: values of the wrong type where the schema reads. */
const rawEdit = (r: Rand, doc: Y.Doc): void => {
  const nodes = nodesMap(doc) as Y.Map<unknown>;
  const ids = [...nodes.keys()];
  const value = (): unknown =>
    r.weighted<() => unknown>([
      [4, () => hostileValue(r)],
      [1, () => new Y.Text(nastyString(r))],
      [1, () => new Y.Array()],
      [1, () => new Y.Map()],
      [1, () => new Y.XmlFragment()],
      [1, () => deepNest(nestingDepth(r))],
    ])();
  const edits: (() => void)[] = [
    () => nodes.set(r.chance(0.7) ? r.word() : nastyString(r).slice(0, 200), value()),
    () => {
      const node = ids.length > 0 ? nodes.get(r.pick(ids)) : undefined;
      if (node instanceof Y.Map) {
        (node as Y.Map<unknown>).set(
          r.pick([
            'type',
            'name',
            'position',
            'parameters',
            'credentials',
            'notes',
            'onError',
            'maxTries',
            'disabled',
            '__proto__',
          ]),
          value(),
        );
      }
    },
    () => {
      const node = ids.length > 0 ? nodes.get(r.pick(ids)) : undefined;
      const params = node instanceof Y.Map ? (node as Y.Map<unknown>).get('parameters') : undefined;
      if (params instanceof Y.Map)
        (params as Y.Map<unknown>).set(r.pick(['jsCode', 'path', 'url', '__proto__', r.word()]), value());
    },
    () =>
      (edgesMap(doc) as Y.Map<unknown>).set(
        r.chance(0.5) ? `${r.word()}:main>${r.word()}:main` : nastyString(r).slice(0, 100),
        value(),
      ),
    () => metaMap(doc).set(r.pick(['name', 'description', 'settings', 'schemaVersion', 'active', r.word()]), value()),
    () => doc.getArray(r.pick(['evil', 'x'])).insert(0, [hostileObject(r)]),
    () => {
      for (const id of ids.slice(0, r.int(1, 50))) nodes.delete(id);
    },
    () => nodes.set(r.word(), toJsonText(hostileObject(r))),
  ];
  try {
    r.pick(edits)();
  } catch {
    // Yjs refuses some values itself (an object whose own `constructor` is not Object): nothing is sent.
  }
};

/** An update from a document that knows nothing of the room: roots of the wrong kind, types under map keys. */
const foreignUpdate = (r: Rand): Uint8Array => {
  const doc = new Y.Doc();
  const root = r.pick(['nodes', 'edges', 'meta', 'other']);
  const write = r.pick<() => void>([
    () => doc.getArray(root).insert(0, [hostileValue(r), new Y.Map()]),
    () => doc.getText(root).insert(0, nastyString(r)),
    () => doc.getXmlFragment(root).insert(0, [new Y.XmlText('x')]),
    () => doc.getMap(root).set(r.word(), hostileValue(r)),
  ]);
  try {
    write();
  } catch {
    // Refused by Yjs on our side: the update is empty.
  }
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
};

/** Awareness entries: its own ids, ids it saw (other sockets', the server's), odd clocks, odd states. */
const awarenessEntries = (r: Rand, slot: Slot): AwarenessEntry[] => {
  const seen = [...slot.seenIds];
  return Array.from(
    {
      length: r.weighted([
        [6, 1],
        [2, r.int(2, 8)],
        [1, r.int(9, 40)],
      ]),
    },
    () => ({
      clientID: r.weighted([
        [4, slot.mirror.clientID],
        [seen.length > 0 ? 4 : 0, seen.length > 0 ? r.pick(seen) : 0],
        [1, r.pick([0, 1, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER])],
        [1, r.int(0, 2 ** 30)],
      ]),
      clock: r.weighted([
        [6, r.int(1, 1e6)],
        [1, r.pick([0, 2 ** 32, Number.MAX_SAFE_INTEGER])],
      ]),
      state: r.weighted<() => string>([
        [5, () => toJsonText({ user: { name: r.word(), color: '#ff0000' }, cursor: { x: r.int(0, 1e3), y: 1 } })],
        [2, () => 'null'],
        [1, () => toJsonText({ server: true, execution: { id: 'x', status: 'succeeded', nodes: {} } })],
        [2, () => toJsonText(hostileObject(r))],
        [1, () => toJsonText({ deep: deepNest(r.pick([2_000, 5_000, 20_000, 30_000])) })],
        [1, () => toJsonText({ blob: hugeString(r) })],
        [1, () => r.pick(['{', '', 'undefined', '\u0000', '{"__proto__":{"server":true}}'])],
      ])(),
    }),
  );
};

/** Corrupts a frame: flips, truncates, extends, or breaks a varint. */
const mutateFrame = (r: Rand, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(data);
  switch (r.int(0, 5)) {
    case 0:
      for (let i = r.int(1, 8); i > 0 && out.length > 0; i--) {
        const at = r.int(0, out.length - 1);
        out[at] = (out[at] ?? 0) ^ (1 << r.int(0, 7));
      }
      return out;
    case 1:
      return out.subarray(0, r.int(0, Math.max(0, out.length - 1)));
    case 2:
      return new Uint8Array([...out, ...r.bytes(r.size(64))]);
    case 3:
      // A varint that never ends, or one too large for 53 bits, at the front.
      return new Uint8Array([...Array.from({ length: r.int(5, 12) }, () => 0xff), ...out]);
    case 4:
      return new Uint8Array([r.int(0, 255), ...out.subarray(1)]);
    default: {
      const at = r.int(0, out.length);
      return new Uint8Array([...out.subarray(0, at), 0xff, 0xff, 0xff, 0xff, 0x7f, ...out.subarray(at)]);
    }
  }
};

export class SyncFuzzer {
  private readonly slots: Slot[];

  constructor(private readonly ctx: FuzzContext) {
    const { world } = ctx;
    const slot = (name: string, account: Account | undefined, workflowId: string, access: Access): Slot => ({
      name,
      account,
      workflowId,
      access,
      ws: undefined,
      mirror: new Y.Doc(),
      step2s: 0,
      seenIds: new Set(),
      busy: Promise.resolve(),
      lastInput: '',
      closingByUs: false,
    });
    this.slots = [
      slot('editor A in playground', world.editor, world.playgroundId, 'write'),
      slot('editor B in playground', world.editor, world.playgroundId, 'write'),
      slot('viewer in playground', world.viewer, world.playgroundId, 'read'),
      slot('viewer in protected', world.viewer, world.protectedId, 'read'),
      slot('editor in protected (not a member)', world.editor, world.protectedId, 'none'),
      slot('stranger in protected', world.stranger, world.protectedId, 'none'),
      slot('no credentials in playground', undefined, world.playgroundId, 'none'),
    ];
  }

  readonly input: InputRunner = async (r, ctx) => {
    if (r.chance(0.03)) {
      await this.rawFrameInput(r, ctx);
      return;
    }
    const slot = r.weighted<Slot>(this.slots.map((s, i) => [i < 2 ? 4 : s.access === 'none' ? 0.5 : 2, s] as const));
    // One input at a time per socket, so a close belongs to the input that caused it.
    const previous = slot.busy;
    let release!: () => void;
    slot.busy = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      await this.send(r, slot, ctx);
    } finally {
      release();
    }
  };

  /** Points the sockets that worked on workflow `from` at `to` (the playground was made anew). */
  retarget(from: string, to: string): void {
    for (const slot of this.slots) if (slot.workflowId === from) slot.workflowId = to;
  }

  /** Closes every fuzzing socket (end of a batch). */
  async closeAll(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        await slot.busy;
        this.disconnect(slot);
      }),
    );
  }

  private disconnect(slot: Slot): void {
    const ws = slot.ws;
    slot.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      slot.closingByUs = true;
      ws.terminate();
    }
  }

  private async open(slot: Slot, r: Rand): Promise<WebSocket | undefined> {
    const { world } = this.ctx;
    slot.mirror.destroy();
    slot.mirror = new Y.Doc();
    slot.step2s = 0;
    slot.closingByUs = false;
    const token = slot.account?.token;
    const query = token
      ? r.weighted([
          [20, `?token=${token}`],
          [1, `?token=${token}&token=x`],
          [1, `?token=${r.word()}`],
        ])
      : r.pick(['', '?token=', '?token=%ff', `?token=${'a'.repeat(3000)}`]);
    const headers: Record<string, string> = {};
    if (slot.account && r.chance(0.1)) {
      headers.cookie = slot.account.cookie;
      if (r.chance(0.5)) headers.origin = 'http://evil.example';
    }
    const ws = new WebSocket(`${world.wsUrl}/${slot.workflowId}${query}`, { headers, perMessageDeflate: false });
    slot.ws = ws;
    ws.on('error', () => {});
    ws.on('message', (data: Buffer, isBinary) => this.receive(slot, data, isBinary));
    ws.on('close', (code) => {
      if (slot.ws === ws) slot.ws = undefined;
      if (slot.closingByUs) return;
      this.ctx.record.close('sync', code);
      if (!ALLOWED_CLOSES.has(code)) {
        this.ctx.record.find(
          'a bad frame closes its socket with a 4xx-style code',
          `close ${code} on ${slot.name}`,
          slot.lastInput,
        );
      }
    });
    const opened = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(true);
      });
      ws.once('close', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!(await opened)) return undefined;
    if (slot.access === 'none') return ws;
    // Join as the stock client does: ask for everything, so edits build on the room's document.
    ws.send(syncFrame(SyncMessageType.step1, Y.encodeStateVector(slot.mirror)));
    const until = Date.now() + 10_000;
    while (slot.step2s === 0 && ws.readyState === WebSocket.OPEN && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return ws.readyState === WebSocket.OPEN ? ws : undefined;
  }

  private receive(slot: Slot, data: Buffer, isBinary: boolean): void {
    if (slot.access === 'none') {
      this.ctx.record.find(
        'a socket that may not join receives nothing of the document',
        `${slot.name} received a ${isBinary ? 'binary' : 'text'} frame`,
        slot.lastInput,
      );
      return;
    }
    try {
      const d = decoding.createDecoder(data);
      const type = decoding.readVarUint(d);
      if (type === MessageType.sync) {
        const sub = decoding.readVarUint(d);
        const payload = decoding.readVarUint8Array(d);
        if (sub === SyncMessageType.step2) slot.step2s += 1;
        if (sub !== SyncMessageType.step1) Y.applyUpdate(slot.mirror, payload);
      } else if (type === MessageType.awareness) {
        const inner = decoding.createDecoder(decoding.readVarUint8Array(d));
        for (let n = decoding.readVarUint(inner); n > 0; n--) {
          const id = decoding.readVarUint(inner);
          decoding.readVarUint(inner);
          decoding.readVarString(inner);
          if (slot.seenIds.size < 64) slot.seenIds.add(id);
        }
      }
    } catch (error) {
      this.ctx.record.find('the server sends well-formed messages', `${slot.name}: ${String(error)}`, slot.lastInput);
    }
  }

  /** Builds a frame for this slot (a valid message, or one mutated) and whether the mirror still matches the server. */
  private frameFor(r: Rand, slot: Slot): { data: Uint8Array | string; what: string; diverged: boolean } {
    const kind = r.weighted([
      [slot.access === 'write' ? 8 : 2, 'schema edit'],
      [slot.access === 'write' ? 4 : 1, 'raw edit'],
      [1, 'foreign update'],
      [2, 'step 1'],
      [4, 'awareness'],
      [1, 'query awareness'],
      [1, 'other type'],
      [1, 'random bytes'],
      [0.5, 'text frame'],
      [0.3, 'oversized'],
      [0.3, 'empty'],
    ]);
    let data: Uint8Array | string;
    let diverged = false;
    switch (kind) {
      case 'schema edit':
      case 'raw edit': {
        const update = updateOf(slot.mirror, () =>
          kind === 'schema edit' ? schemaEdit(r, slot.mirror) : rawEdit(r, slot.mirror),
        );
        data = syncFrame(r.chance(0.8) ? SyncMessageType.update : SyncMessageType.step2, update);
        // A viewer's edits are dropped by the server: its mirror now holds what the room does not.
        diverged = slot.access !== 'write';
        break;
      }
      case 'foreign update':
        data = syncFrame(SyncMessageType.update, foreignUpdate(r));
        break;
      case 'step 1':
        data = syncFrame(
          SyncMessageType.step1,
          r.weighted([
            [2, Y.encodeStateVector(slot.mirror)],
            [1, r.bytes(r.size(64))],
            [
              1,
              frame((e) => {
                encoding.writeVarUint(e, 1);
                encoding.writeVarUint(e, r.int(0, 2 ** 32));
                encoding.writeVarUint(e, r.pick([0, 2 ** 40, Number.MAX_SAFE_INTEGER]));
              }),
            ],
          ]),
        );
        break;
      case 'awareness':
        data = awarenessFrame(awarenessEntries(r, slot));
        break;
      case 'query awareness':
        data = new Uint8Array([MessageType.queryAwareness, ...(r.chance(0.5) ? [] : r.bytes(r.int(1, 8)))]);
        break;
      case 'other type':
        data = frame((e) => {
          encoding.writeVarUint(e, r.pick([MessageType.auth, 4, 5, 127, 128, 2 ** 31, Number.MAX_SAFE_INTEGER]));
          if (r.chance(0.5)) encoding.writeVarUint8Array(e, r.bytes(r.size(32)));
        });
        break;
      case 'random bytes':
        data = r.bytes(r.size(512));
        break;
      case 'text frame':
        data = r.chance(0.5) ? nastyString(r) : '\u0000\u0001';
        break;
      case 'oversized':
        data = syncFrame(SyncMessageType.update, r.bytes(256 * 1024 + r.int(1, 10_000)));
        break;
      default:
        data = new Uint8Array(0);
    }
    if (typeof data !== 'string' && r.chance(0.25)) {
      data = mutateFrame(r, data);
      diverged = true;
    }
    return { data, what: kind, diverged };
  }

  private async send(r: Rand, slot: Slot, ctx: FuzzContext): Promise<void> {
    let ws = slot.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) ws = await this.open(slot, r);
    const { data, what, diverged } = this.frameFor(r, slot);
    const size = typeof data === 'string' ? data.length : data.byteLength;
    // 300 copies at once: before the room loaded (the queue limit), or past the rate limits.
    const flood = r.chance(0.02) && size < 4096;
    const preview =
      typeof data === 'string' ? JSON.stringify(data.slice(0, 80)) : Buffer.from(data.subarray(0, 48)).toString('hex');
    slot.lastInput = noteInput(ctx, 'sync', `${slot.name}: ${flood ? '300 × ' : ''}${what} (${size} bytes) ${preview}`);
    if (!ws) return;
    let onClose: (() => void) | undefined;
    let onPong: (() => void) | undefined;
    const closed = new Promise<'closed'>((resolve) => {
      onClose = () => resolve('closed');
      ws.once('close', onClose);
    });
    try {
      for (let i = flood ? 300 : 1; i > 0; i--) ws.send(data, { binary: typeof data !== 'string' });
      // The probe: ws answers a ping only after the frames before it were handled, and not once it closed.
      if (slot.access !== 'none') ws.ping();
    } catch {
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      closed,
      new Promise<'answered'>((resolve) => {
        onPong = () => resolve('answered');
        if (slot.access !== 'none') ws.once('pong', onPong);
      }),
      new Promise<'silent'>(
        (resolve) => (timer = setTimeout(() => resolve('silent'), slot.access === 'none' ? 2_000 : PROBE_TIMEOUT_MS)),
      ),
    ]);
    clearTimeout(timer);
    if (onClose) ws.off('close', onClose);
    if (onPong) ws.off('pong', onPong);
    if (slot.access === 'none') {
      if (outcome !== 'closed' && ws.readyState === WebSocket.OPEN) {
        this.ctx.record.find('a socket that may not join is closed', `${slot.name} stayed open`, slot.lastInput);
        this.disconnect(slot);
      }
      return;
    }
    if (outcome === 'silent') {
      this.ctx.record.find(
        'a socket answers or is closed',
        `${slot.name}: no pong in ${PROBE_TIMEOUT_MS} ms`,
        slot.lastInput,
      );
      this.disconnect(slot);
    } else if (outcome === 'answered') {
      this.ctx.record.reach(`sync frame taken (${slot.access})`);
      if (diverged) this.disconnect(slot);
    }
  }

  /** Frame-level garbage after a real handshake: bad opcodes, unmasked frames, lengths that lie. */
  private async rawFrameInput(r: Rand, ctx: FuzzContext): Promise<void> {
    const { world } = this.ctx;
    const garbage = r.pick<() => Buffer>([
      () => Buffer.from([0x82, 0x05, 1, 2, 3, 4, 5]),
      () => Buffer.from([0x83, 0x80, 0, 0, 0, 0]),
      () => Buffer.from([0xc2, 0x80, 0, 0, 0, 0]),
      () => Buffer.from([0x89, 0xfe, 0x01, 0x00, 0, 0, 0, 0]),
      () => Buffer.from([0x00, 0x80, 0, 0, 0, 0]),
      () => Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
      () => Buffer.from([0x82, 0xfe, 0xff, 0xff, 1, 2, 3, 4, 9]),
      () => Buffer.from([0x02, 0x81, 0, 0, 0, 0, 0, 0x80, 0x81, 0, 0, 0, 0, 1]),
      () => Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe7]),
      () => Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]),
      () => Buffer.from(r.bytes(r.size(4096))),
    ])();
    const path = `/sync/${r.pick([world.playgroundId, world.protectedId])}?token=${r.pick([world.editor.token, world.viewer.token])}`;
    noteInput(ctx, 'sync', `raw frame on ${path.slice(0, 40)}: ${garbage.subarray(0, 32).toString('hex')}`);
    await new Promise<void>((resolve) => {
      const socket = connect(world.port, '127.0.0.1');
      const done = () => {
        clearTimeout(timer);
        socket.destroy();
        resolve();
      };
      const timer = setTimeout(done, 2_000);
      let upgraded = false;
      socket.on('data', (chunk: Buffer) => {
        if (!upgraded && chunk.toString('latin1').startsWith('HTTP/1.1 101')) {
          upgraded = true;
          socket.write(garbage);
        }
      });
      socket.on('error', done);
      socket.on('close', done);
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${world.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  }
}
