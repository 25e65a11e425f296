import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { nodeDefinitions } from '../../src/nodes/catalog.ts';
import { isTextParam, type NodeDefinition, type ParamSpec } from '../../src/nodes/types.ts';
import {
  addNode,
  connect,
  deleteNode,
  disconnect,
  edgesMap,
  getParameterText,
  initWorkflowDoc,
  mayViolate,
  moveNode,
  readNodes,
  renameNode,
  repairDoc,
  setNotes,
  setParameter,
} from '../../src/schema/index.ts';
import { origins } from '../../src/origins.ts';

/**
 * A seeded simulation of many clients editing one workflow through one relay
 * (after yjs' tests/testHelper.js and tldraw's syncFuzz): the network is a set
 * of queues the test drains in random order; clients go offline and come back;
 * the hub replica plays the sync server, including its repairs. Everything is a
 * function of the seed, so a failing seed replays exactly.
 */

const NAME_POOL = ['HTTP Request', 'Set', 'IF', 'Check', 'Fetch', 'Fetch1', 'Notify'];
const execTypes = nodeDefinitions.filter((d) => !d.annotation);

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

  private randomValue(spec: ParamSpec): unknown {
    const r = this.rng;
    switch (spec.kind) {
      case 'string':
      case 'json':
      case 'code':
        return prng.word(r, 0, 12);
      case 'number': {
        const min = spec.min ?? -1000;
        const max = spec.max ?? 1000;
        return prng.int32(r, Math.ceil(min), Math.floor(Math.min(max, min + 100_000)));
      }
      case 'boolean':
        return prng.bool(r);
      case 'options':
        return prng.oneOf(r, [...spec.options]).value;
      case 'list':
        return prng.bool(r) ? [] : [{ ...Object.fromEntries(spec.fields.map((f) => [f.name, f.default])) }];
    }
  }

  /** One random edit by one client; returns a line for the op log. */
  randomOp(client: Client): string {
    const r = this.rng;
    const doc = client.doc;
    const nodes = readNodes(doc);
    const pick = () => (nodes.length > 0 ? prng.oneOf(r, nodes) : undefined);
    const roll = prng.int32(r, 0, 99);
    const who = `client ${client.index}`;
    if (roll < 18 || nodes.length < 2) {
      const def: NodeDefinition = prng.oneOf(r, execTypes);
      const id = `n${String(this.nextNodeId++).padStart(4, '0')}${prng.word(r, 2, 2).replace(/[^A-Za-z0-9]/g, 'x')}`;
      const name = prng.int32(r, 0, 2) === 0 ? prng.oneOf(r, NAME_POOL) : undefined;
      addNode(
        doc,
        {
          id,
          type: def.type,
          position: { x: prng.int32(r, 0, 900), y: prng.int32(r, 0, 900) },
          ...(name ? { name } : {}),
        },
        origins.ui,
      );
      return `${who} adds ${def.type} ${id}${name ? ` named "${name}"` : ''}`;
    }
    const node = pick();
    if (!node) return `${who} has nothing to edit`;
    if (roll < 33) {
      moveNode(doc, node.id, { x: prng.int32(r, -500, 1500), y: prng.int32(r, -500, 1500) }, origins.ui);
      return `${who} moves ${node.id}`;
    }
    if (roll < 43) {
      const name = prng.oneOf(r, NAME_POOL);
      renameNode(doc, node.id, name, origins.ui);
      return `${who} renames ${node.id} to "${name}"`;
    }
    if (roll < 51) {
      deleteNode(doc, node.id, origins.ui);
      return `${who} deletes ${node.id}`;
    }
    const def = execTypes.find((d) => d.type === node.type);
    if (roll < 66 && def && def.params.length > 0) {
      const spec = prng.oneOf(r, [...def.params]);
      const text = isTextParam(spec) ? getParameterText(doc, node.id, spec.name) : undefined;
      if (text && prng.bool(r)) {
        const at = prng.int32(r, 0, text.length);
        text.insert(at, prng.word(r, 1, 4));
        return `${who} types into ${node.id}.${spec.name}`;
      }
      setParameter(doc, node.id, spec.name, this.randomValue(spec), origins.ui);
      return `${who} sets ${node.id}.${spec.name}`;
    }
    if (roll < 70) {
      setNotes(doc, node.id, prng.word(r, 0, 20), origins.ui);
      return `${who} edits notes of ${node.id}`;
    }
    if (roll < 90) {
      const source = pick();
      const target = pick();
      const sdef = source && execTypes.find((d) => d.type === source.type);
      const tdef = target && execTypes.find((d) => d.type === target.type);
      const outputs = sdef
        ? [...sdef.outputs.map((o) => o.name), ...(sdef.dynamicOutputs ? ['output0', 'output1'] : [])]
        : [];
      if (!source || !target || !tdef || outputs.length === 0 || tdef.inputs.length === 0)
        return `${who} finds nothing to connect`;
      const sourceHandle = prng.oneOf(r, outputs);
      const targetHandle = prng.oneOf(r, [...tdef.inputs]).name;
      connect(doc, { source: source.id, sourceHandle, target: target.id, targetHandle }, origins.ui);
      return `${who} connects ${source.id}.${sourceHandle} → ${target.id}.${targetHandle}`;
    }
    const edges = [...edgesMap(doc).keys()];
    if (edges.length === 0) return `${who} finds no edge to remove`;
    const edge = prng.oneOf(r, edges);
    disconnect(doc, edge, origins.ui);
    return `${who} disconnects ${edge}`;
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
