import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MessageType, SyncMessageType } from '../../shared/src/protocol/messages.ts';
import { addNode, getParameterText, initWorkflowDoc, moveNode, readNodes } from '../../shared/src/schema/index.ts';
import { percentile, sleep } from '../lib/stats.ts';

/**
 * A workflow built by 20,000 separate updates (50 nodes, then moves and
 * keystrokes in a code parameter), generated once so both servers receive the
 * same bytes.
 */
export const buildUpdateStream = (
  count: number,
  seed = 42,
): { updates: Uint8Array[]; finalState: Uint8Array; writer: { clientID: number; clock: number } } => {
  const rng = prng.create(seed);
  const doc = new Y.Doc();
  doc.clientID = 777;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  initWorkflowDoc(doc, { name: 'Cold' });
  const codeId = addNode(doc, { id: 'code', type: 'code', position: { x: 0, y: 0 }, parameters: { jsCode: '' } });
  for (let i = 0; i < 49; i++) addNode(doc, { id: `n${i}`, type: 'set', position: { x: i * 10, y: 0 } });
  const ids = readNodes(doc).map((n) => n.id);
  const text = getParameterText(doc, codeId, 'jsCode');
  while (updates.length < count) {
    if (prng.bool(rng))
      moveNode(doc, prng.oneOf(rng, ids), { x: prng.int32(rng, 0, 2000), y: prng.int32(rng, 0, 2000) });
    else text?.insert(prng.int32(rng, 0, text.length), prng.letter(rng));
  }
  return {
    updates,
    finalState: Y.encodeStateAsUpdate(doc),
    writer: { clientID: doc.clientID, clock: Y.getState(doc.store, doc.clientID) },
  };
};

const message = (sub: number, payload: Uint8Array): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, sub);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
};

const open = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

/**
 * Sends every update as its own message, then waits until the server answers
 * a step 1 (everything applied). Returns the open socket: the caller decides
 * when the writer leaves.
 */
export const writeStream = async (url: string, updates: Uint8Array[]): Promise<WebSocket> => {
  const ws = await open(url);
  for (const u of updates) {
    ws.send(message(SyncMessageType.update, u));
    if (ws.bufferedAmount > 1 << 20) await new Promise((r) => setTimeout(r, 1));
  }
  const answered = new Promise<void>((resolve) =>
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) === MessageType.sync && decoding.readVarUint(d) === SyncMessageType.step2) resolve();
    }),
  );
  ws.send(message(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())));
  await answered;
  return ws;
};

/**
 * More edits of a document that holds `state` (nodes moved by another
 * client), so that a room that applies them has a log to compact at unload.
 */
export const freshEdits = (
  state: Uint8Array,
  count: number,
): { updates: Uint8Array[]; writer: { clientID: number; clock: number } } => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < count; i++) moveNode(doc, `n${i % 49}`, { x: i, y: i });
  return { updates, writer: { clientID: doc.clientID, clock: Y.getState(doc.store, doc.clientID) } };
};

export const leave = async (ws: WebSocket): Promise<void> => {
  ws.close();
  await new Promise((r) => ws.once('close', r));
};

export interface ColdSyncSample {
  /** From the client's connect (TCP, the upgrade and its token check) to the first sync step 2. */
  firstReplyMs: number;
  /** Whether that first reply alone held the whole document. */
  firstReplyComplete: boolean;
  /** From the client's connect until the client held the whole document. */
  completeMs: number;
  /** Wall-clock (Date.now) of the connect and of the first reply, to place the sample beside server events. */
  connectAt: number;
  firstReplyAt: number;
}

/** Whether the doc holds every update of the writer (client id and final clock). */
const hasAll = (doc: Y.Doc, writer: { clientID: number; clock: number }): boolean =>
  Y.getState(doc.store, writer.clientID) >= writer.clock;

/** One new client opens the (unloaded) document and measures its first reply and when it is complete. */
export const coldSync = async (
  url: string,
  writer: { clientID: number; clock: number },
  timeoutMs = 30_000,
): Promise<ColdSyncSample & { doc: Y.Doc }> => {
  // From the connect, as a person opening the workflow waits: the upgrade and its auth count.
  const t0 = performance.now();
  const connectAt = Date.now();
  let firstReplyAt = Number.NaN;
  const ws = await open(url);
  const doc = new Y.Doc();
  let firstReplyMs = Number.NaN;
  let firstReplyComplete = false;
  const complete = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the document never arrived in full')), timeoutMs);
    ws.on('message', (data: Buffer) => {
      // Times are taken on receipt; applying the reply is the client's work, not the server's.
      const receivedMs = performance.now() - t0;
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== MessageType.sync) return;
      const sub = decoding.readVarUint(d);
      if (sub === SyncMessageType.step1) return;
      Y.applyUpdate(doc, decoding.readVarUint8Array(d));
      if (sub === SyncMessageType.step2 && Number.isNaN(firstReplyMs)) {
        firstReplyMs = receivedMs;
        firstReplyAt = Date.now();
        firstReplyComplete = hasAll(doc, writer);
      }
      if (hasAll(doc, writer)) {
        clearTimeout(timer);
        resolve(receivedMs);
      }
    });
  });
  ws.send(message(SyncMessageType.step1, Y.encodeStateVector(doc)));
  const completeMs = await complete;
  ws.close();
  await new Promise((r) => ws.once('close', r));
  return { firstReplyMs, firstReplyComplete, completeMs, connectAt, firstReplyAt, doc };
};

export const summarize = (samples: ColdSyncSample[]) => ({
  firstReplyMsMedian: percentile(
    samples.map((s) => s.firstReplyMs),
    50,
  ),
  firstReplyMsMax: percentile(
    samples.map((s) => s.firstReplyMs),
    100,
  ),
  firstReplyComplete: samples.every((s) => s.firstReplyComplete),
  completeMsMedian: percentile(
    samples.map((s) => s.completeMs),
    50,
  ),
  completeMsMax: percentile(
    samples.map((s) => s.completeMs),
    100,
  ),
});

export { sleep };
