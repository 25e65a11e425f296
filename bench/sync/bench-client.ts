import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MessageType, SyncMessageType } from '../../shared/src/protocol/messages.ts';
import { nodesMap } from '../../shared/src/schema/roots.ts';

/**
 * A lean y-websocket peer for load: it answers the handshake from its own
 * Y.Doc and sends real Yjs updates made there, but does not integrate what it
 * receives (that would make the driver, not the server, the bottleneck). Each
 * edit carries "B|sender|seq|sentAtMs|", which the receiver finds in the bytes
 * to count deliveries, spot echoes and measure latency.
 *
 * With `workflow`, the client keeps the document the server's first sync
 * reply brings (a workflow, once, at join) and each edit sets a parameter of
 * one of its nodes (its own key of that node's parameter map), as a person
 * editing a field in the inspector would; without it,
 * each edit sets the client's own key of a map in an otherwise empty document.
 */

const MARK = [0x42, 0x7c]; // "B|"
/** Origin of what the client applies from the server: not sent back. */
const FROM_SERVER = Symbol('from server');

/** Milliseconds on the process-wide monotonic clock: the same in every worker thread. */
export const now = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export interface Delivery {
  sender: number;
  seq: number;
  latencyMs: number;
}

/** Reads a decimal number (digits and one '.') starting at `i`; returns [value, index after it]. */
const readNumber = (bytes: Uint8Array, i: number): [number, number] => {
  let value = 0;
  let scale = 0;
  for (; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === 0x2e) scale = 1;
    else if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      if (scale) scale *= 10;
    } else break;
  }
  return [scale ? value / scale : value, i];
};

/** Finds every "B|sender|seq|time|" in a message, without allocating strings. */
export const readMarks = (bytes: Uint8Array, at: number): Delivery[] => {
  const out: Delivery[] = [];
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] !== MARK[0] || bytes[i + 1] !== MARK[1]) continue;
    const [sender, a] = readNumber(bytes, i + 2);
    const [seq, b] = readNumber(bytes, a + 1);
    const [sent, c] = readNumber(bytes, b + 1);
    out.push({ sender, seq, latencyMs: at - sent });
    i = c;
  }
  return out;
};

export interface BenchClientOptions {
  url: string;
  index: number;
  /** Bytes of padding per edit (for large-update scenarios). */
  padding?: number;
  /** Edit a node of the workflow the server holds (see above), or the client's own map key. */
  workflow?: boolean;
  /** A document this client brings (the reference holds nothing until a client sends it). */
  seed?: Uint8Array;
  onDelivery?: (d: Delivery, own: boolean) => void;
}

export class BenchClient {
  readonly doc = new Y.Doc();
  readonly ws: WebSocket;
  synced = false;
  seq = 0;
  closedWith: number | undefined;
  private readonly opened: Promise<void>;
  private syncedResolve: (() => void) | undefined;
  readonly whenSynced: Promise<void>;
  private readonly pad: string;

  constructor(private readonly options: BenchClientOptions) {
    this.pad = options.padding ? 'x'.repeat(options.padding) : '';
    this.whenSynced = new Promise((resolve) => (this.syncedResolve = resolve));
    this.ws = new WebSocket(options.url, { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('close', (code) => (this.closedWith = code));
    this.ws.on('error', () => {});
    this.ws.on('message', (data: Buffer) =>
      this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
    );
    if (options.seed) Y.applyUpdate(this.doc, options.seed, FROM_SERVER);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_SERVER) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MessageType.sync);
      encoding.writeVarUint(e, SyncMessageType.update);
      encoding.writeVarUint8Array(e, update);
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encoding.toUint8Array(e));
    });
    void this.opened.then(
      () => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, MessageType.sync);
        encoding.writeVarUint(e, SyncMessageType.step1);
        encoding.writeVarUint8Array(e, Y.encodeStateVector(this.doc));
        this.ws.send(encoding.toUint8Array(e));
      },
      () => {},
    );
  }

  private receive(bytes: Uint8Array): void {
    const at = now();
    const d = decoding.createDecoder(bytes);
    if (decoding.readVarUint(d) !== MessageType.sync) return;
    const sub = decoding.readVarUint(d);
    if (sub === SyncMessageType.step1) {
      const sv = decoding.readVarUint8Array(d);
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MessageType.sync);
      encoding.writeVarUint(e, SyncMessageType.step2);
      encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(this.doc, sv));
      this.ws.send(encoding.toUint8Array(e));
      return;
    }
    if (sub === SyncMessageType.step2) {
      if (!this.synced && this.options.workflow) Y.applyUpdate(this.doc, decoding.readVarUint8Array(d), FROM_SERVER);
      if (!this.synced) {
        this.synced = true;
        this.syncedResolve?.();
      }
      return;
    }
    const onDelivery = this.options.onDelivery;
    if (!onDelivery) return;
    for (const mark of readMarks(bytes, at)) onDelivery(mark, mark.sender === this.options.index);
  }

  /** One small edit: this client's own key in a shared map (like moving a node). */
  edit(): void {
    this.seq += 1;
    const mark = `B|${this.options.index}|${this.seq}|${now().toFixed(3)}|${this.pad}`;
    if (this.options.workflow) {
      const ids = [...nodesMap(this.doc).keys()].sort();
      const node = nodesMap(this.doc).get(ids[this.options.index % ids.length] ?? '');
      const params = node?.get('parameters');
      if (!(params instanceof Y.Map)) throw new Error('the workflow has no node with parameters to edit');
      // A parameter of its own per client: a Yjs map key keeps only its last value, so the
      // document stays the size it was, as it does when people edit it.
      params.set(`bench${this.options.index}`, mark);
      return;
    }
    this.doc.getMap('bench').set(`c${this.options.index}`, mark);
  }

  close(): void {
    this.ws.close();
    this.doc.destroy();
  }
}
