import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { initWorkflowDoc, mayViolate, repairDoc } from '../../src/schema/index.ts';
import { origins } from '../../src/origins.ts';
import { randomEdit } from './ops.ts';

/**
 * A seeded simulation of many clients editing one workflow through one relay
 * (after yjs' tests/testHelper.js and tldraw's syncFuzz): the network is a set
 * of queues the test drains in random order; clients go offline and come back;
 * the hub replica plays the sync server, including its repairs. Everything is a
 * function of the seed, so a failing seed replays exactly.
 */

interface Client {
  index: number;
  doc: Y.Doc;
  online: boolean;
  /** Updates from the hub not yet delivered to this client. */
  inbox: Uint8Array[];
  /** Local updates not yet delivered to the hub. */
  outbox: Uint8Array[];
}

export interface FuzzStats {
  ops: number;
  delivered: number;
  reconnects: number;
  failedOps: number;
  /** Times the hub had to write repairs (duplicate names, dangling edges after a merge). */
  repairs: number;
}

export class FuzzNetwork {
  readonly rng: prng.PRNG;
  readonly hub: Y.Doc;
  readonly clients: Client[];
  readonly log: string[] = [];
  readonly stats: FuzzStats = { ops: 0, delivered: 0, reconnects: 0, failedOps: 0, repairs: 0 };
  private nextNodeId = 0;

  constructor(seed: number, clientCount: number) {
    this.rng = prng.create(seed);
    this.hub = new Y.Doc();
    this.hub.clientID = 1;
    initWorkflowDoc(this.hub, { name: `Fuzz ${seed}` });
    this.clients = [];
    for (let i = 0; i < clientCount; i++) {
      const doc = new Y.Doc();
      doc.clientID = 100 + i;
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(this.hub), origins.remote);
      const client: Client = { index: i, doc, online: true, inbox: [], outbox: [] };
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== origins.remote && client.online) client.outbox.push(update);
      });
      this.clients.push(client);
    }
    // The hub relays what it applies to everyone but the sender, and its own repairs to everyone.
    this.hub.on('update', (update: Uint8Array, origin: unknown) => {
      for (const c of this.clients) if (c.online && c !== origin) c.inbox.push(update);
    });
  }

  private applyAtHub(client: Client, update: Uint8Array): void {
    const seen = { violating: false };
    const onTx = (tr: Y.Transaction): void => {
      seen.violating ||= mayViolate(this.hub, tr);
    };
    this.hub.on('afterTransaction', onTx);
    Y.applyUpdate(this.hub, update, client);
    this.hub.off('afterTransaction', onTx);
    if (seen.violating && repairDoc(this.hub)) this.stats.repairs++;
  }

  /** Delivers one queued message; 10% of the time not the oldest in its queue (out of order). */
  deliverOne(): boolean {
    const queues: { client: Client; toHub: boolean }[] = [];
    for (const c of this.clients) {
      if (!c.online) continue;
      if (c.inbox.length > 0) queues.push({ client: c, toHub: false });
      if (c.outbox.length > 0) queues.push({ client: c, toHub: true });
    }
    if (queues.length === 0) return false;
    const { client, toHub } = prng.oneOf(this.rng, queues);
    const queue = toHub ? client.outbox : client.inbox;
    const at = prng.bool(this.rng) && prng.int32(this.rng, 0, 9) === 0 ? prng.int32(this.rng, 0, queue.length - 1) : 0;
    const [update] = queue.splice(at, 1) as [Uint8Array];
    if (toHub) this.applyAtHub(client, update);
    else Y.applyUpdate(client.doc, update, origins.remote);
    this.stats.delivered++;
    return true;
  }

  setOnline(client: Client, online: boolean): void {
    if (client.online === online) return;
    this.log.push(`client ${client.index} ${online ? 'reconnects' : 'goes offline'}`);
    if (!online) {
      // A dropped connection loses whatever was in flight; the reconnect handshake recovers it.
      client.online = false;
      client.inbox = [];
      client.outbox = [];
      return;
    }
    client.online = true;
    this.stats.reconnects++;
    // y-websocket handshake: each side sends what the other's state vector lacks.
    const toHub = Y.encodeStateAsUpdate(client.doc, Y.encodeStateVector(this.hub));
    const toClient = Y.encodeStateAsUpdate(this.hub, Y.encodeStateVector(client.doc));
    client.inbox.push(toClient);
    client.outbox.push(toHub);
  }

  /** One random edit by one client; returns a line for the op log. */
  randomOp(client: Client): string {
    return randomEdit(this.rng, client.doc, `client ${client.index}`, () => this.nextNodeId++, origins.ui);
  }

  /** One simulation step: an edit (45%), a delivery (50%) or a connectivity change (5%). */
  step(): void {
    const r = this.rng;
    const roll = prng.int32(r, 0, 99);
    if (roll < 45) {
      const client = prng.oneOf(r, this.clients);
      try {
        this.log.push(this.randomOp(client));
        this.stats.ops++;
      } catch (error) {
        // Refused edits (a rename to a taken name) are part of the game; anything else is a bug.
        if ((error as { code?: string }).code !== 'conflict') throw error;
        this.stats.failedOps++;
        this.log.push(`client ${client.index}: refused (${(error as Error).message})`);
      }
    } else if (roll < 95) {
      this.deliverOne();
    } else {
      const client = prng.oneOf(r, this.clients);
      this.setOnline(client, !client.online);
    }
  }

  /** Everyone online, every queue drained. */
  settle(): void {
    for (const c of this.clients) this.setOnline(c, true);
    for (let guard = 0; this.deliverOne(); guard++) {
      if (guard > 1_000_000) throw new Error('network did not settle');
    }
  }
}
