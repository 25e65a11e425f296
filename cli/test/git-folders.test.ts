import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { origins } from '#shared/origins.ts';
import { readNode } from '#shared/schema/read.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { getNotesText, getParameterText, renameNode, setNotes, setParameter } from '#shared/schema/write.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { renderWorkflow } from '../src/git/folder-format.ts';
import { restClient } from '../../sync-server/test/helpers/rest.ts';
import { startTestServer, type TestServer } from '../../sync-server/test/helpers/test-server.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { connectClient, waitFor, type YwsClient } from '../../sync-server/test/helpers/yws-client.ts';
import { CODE_BODY, sampleDefinition } from './git-fixtures.ts';
import { expectFailure, weft as run, type WeftResult } from './helpers.ts';

/**
 * `weft pull` and `weft push` as processes against a real server (SQLite in
 * a temp dir, 127.0.0.1, a free port), with stock y-websocket clients
 * editing the same workflows the way the browser does.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
let owner: Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
const clients: YwsClient[] = [];
const dirs: { path: string; remove: () => void }[] = [];

const weft = (args: string[], token = owner.token): Promise<WeftResult> =>
  run(args, { env: { WEFT_URL: t.baseUrl, WEFT_TOKEN: token } });

const folder = (): string => {
  const dir = tempDir('weft-git-folders-');
  dirs.push(dir);
  return join(dir.path, 'repo');
};

const importWorkflow = async (definition: unknown = sampleDefinition()): Promise<string> => {
  const res = await rest.call<{ id: string }>('POST', '/api/workflows/import', { body: definition, as: owner.as });
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
};

const exported = async (id: string): Promise<WorkflowDefinition> => {
  const res = await rest.call<WorkflowDefinition>('GET', `/api/workflows/${id}/export`, { as: owner.as });
  if (res.status !== 200) throw new Error(`export failed: ${res.status}`);
  return res.body;
};

const editor = async (id: string): Promise<YwsClient> => {
  const client = connectClient(t.wsUrl, id, { token: owner.token });
  clients.push(client);
  await client.synced();
  return client;
};

/** What a fresh stock client gets: the server's document as anyone opening it now sees it. */
const freshState = async (id: string): Promise<Y.Doc> => {
  const client = await editor(id);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(client.doc));
  client.destroy();
  return doc;
};

/** Every file under `dir` (the .weft state too) with its bytes. */
const snapshotFiles = (dir: string): Map<string, string> => {
  const out = new Map<string, string>();
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full).toString('base64'));
    }
  };
  walk(dir);
  return out;
};

const folderOf = (dir: string, id: string): string => {
  const state = JSON.parse(readFileSync(join(dir, '.weft', 'state.json'), 'utf8')) as {
    workflows: Record<string, { folder: string }>;
  };
  const entry = state.workflows[id];
  if (!entry) throw new Error(`${id} was not pulled`);
  return join(dir, entry.folder);
};

const node = (def: WorkflowDefinition, id: string) => {
  const found = def.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};

interface JsonReport {
  workflows: { id?: string; folder: string; status: string; message?: string; problems?: string[]; code?: string }[];
}

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  owner = await rest.signup('owner@example.com');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
  for (const d of dirs) d.remove();
});

describe('weft pull and weft push against a real server', () => {
  it('merges a pushed file with what a browser edits meanwhile: both edits survive', async () => {
    const id = await importWorkflow();
    const dir = folder();
    const pulled = await weft(['pull', dir]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const wf = folderOf(dir, id);
    expect(readFileSync(join(wf, 'shape.js'), 'utf8')).toBe(CODE_BODY);

    // The file: node A ("shape") gets another mode, and its code body a changed first line.
    const jsonPath = join(wf, 'workflow.json');
    writeFileSync(
      jsonPath,
      readFileSync(jsonPath, 'utf8').replace('"mode": "runOnceForAllItems"', '"mode": "runOnceForEachItem"'),
    );
    writeFileSync(join(wf, 'shape.js'), CODE_BODY.replace('const total = 1;', 'const total = 2;'));

    // The browser, since the pull: node B's ("fetch") URL, and a line typed into A's code body.
    const browser = await editor(id);
    setParameter(browser.doc, 'fetch', 'url', 'https://example.com/v2/orders', origins.ui);
    const code = getParameterText(browser.doc, 'shape', 'jsCode');
    if (!code) throw new Error('jsCode is not shared text');
    browser.doc.transact(
      () => code.insert(code.toJSON().indexOf('\treturn'), '\t// typed in the browser\r\n'),
      origins.ui,
    );

    // ...and while the push runs, it keeps typing into B's notes.
    const typed: string[] = [];
    const push = { running: true };
    const typing = (async () => {
      for (let i = 0; push.running && i < 400; i++) {
        const notes = getNotesText(browser.doc, 'fetch');
        const piece = `<${i}>`;
        if (notes) browser.doc.transact(() => notes.insert(notes.length, piece), origins.ui);
        else setNotes(browser.doc, 'fetch', piece, origins.ui);
        typed.push(piece);
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const pushed = await weft(['push', dir, '--json']);
    push.running = false;
    await typing;
    // The browser typed all along the push: those keystrokes are concurrent with it.
    expect(typed.length).toBeGreaterThan(5);
    expect(pushed.code, pushed.stderr).toBe(0);
    const report = JSON.parse(pushed.stdout) as JsonReport;
    expect(report.workflows).toEqual([expect.objectContaining({ id, status: 'updated' })]);

    const everything = (def: WorkflowDefinition): void => {
      expect(node(def, 'shape').parameters.mode).toBe('runOnceForEachItem');
      expect(node(def, 'fetch').parameters.url).toBe('https://example.com/v2/orders');
      const body = node(def, 'shape').parameters.jsCode as string;
      expect(body).toBe(
        CODE_BODY.replace('const total = 1;', 'const total = 2;').replace(
          '\treturn',
          '\t// typed in the browser\r\n\treturn',
        ),
      );
      expect(node(def, 'fetch').notes).toBe(typed.join(''));
    };
    // Through the export route, through a fresh stock client, and in the browser's own document.
    // The browser's last keystrokes may still be on their way: the server has them all once the export shows them.
    let fromExport = await exported(id);
    for (let i = 0; i < 100 && node(fromExport, 'fetch').notes !== typed.join(''); i++) {
      await new Promise((r) => setTimeout(r, 50));
      fromExport = await exported(id);
    }
    everything(fromExport);
    everything(toDefinition(await freshState(id)));
    await waitFor(
      'the browser to get the push',
      () => node(toDefinition(browser.doc), 'shape').parameters.mode === 'runOnceForEachItem',
    );
    everything(toDefinition(browser.doc));

    // The folder now holds the merged workflow: the browser's edits are in the files.
    const merged = await freshState(id);
    const files = renderWorkflow(id, toDefinition(merged));
    for (const [name, content] of files) {
      if (name === 'workflow.json') continue;
      expect(readFileSync(join(wf, name), 'utf8'), name).toBe(content);
    }
    expect(readFileSync(join(wf, 'shape.js'), 'utf8')).toContain('// typed in the browser');
    // The recorded base is the pushed state: pushing again sends nothing.
    const again = await weft(['push', dir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as JsonReport).workflows.map((w) => w.status)).toEqual(['unchanged']);
  });

  it('pulls byte-identical files when nothing changed, and a push without changes sends nothing', async () => {
    const id = await importWorkflow();
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    const first = snapshotFiles(dir);
    expect(first.size).toBeGreaterThan(4);
    // Unload the room so the server reloads the document from SQLite and encodes it anew.
    await waitFor('the room to unload', () => t.server.rooms.peek(id) === undefined);
    const second = await weft(['pull', dir, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as JsonReport).workflows.find((w) => w.id === id)?.status).toBe('unchanged');
    expect(snapshotFiles(dir)).toEqual(first);

    const watcher = await editor(id);
    const before = Y.snapshot(watcher.doc);
    let updates = 0;
    watcher.doc.on('update', () => updates++);
    const pushed = await weft(['push', dir, '--json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect((JSON.parse(pushed.stdout) as JsonReport).workflows.every((w) => w.status === 'unchanged')).toBe(true);
    expect(updates).toBe(0);
    expect(Y.equalSnapshots(before, Y.snapshot(await freshState(id)))).toBe(true);
    expect(snapshotFiles(dir)).toEqual(first);

    // An edit on the server: pulling again brings it, and the renamed node's code file moves with it.
    renameNode(watcher.doc, 'shape', 'Reshape', origins.ui);
    await waitFor('the server to have the rename', () => {
      const doc = t.server.rooms.peek(id)?.doc;
      return doc !== undefined && readNode(doc, 'shape')?.name === 'Reshape';
    });
    const wf = folderOf(dir, id);
    const updated = await weft(['pull', dir, '--json']);
    expect(updated.code, updated.stderr).toBe(0);
    expect((JSON.parse(updated.stdout) as JsonReport).workflows.find((w) => w.id === id)?.status).toBe('updated');
    expect(readFileSync(join(wf, 'reshape.js'), 'utf8')).toBe(CODE_BODY);
    expect(readdirSync(wf).sort()).toEqual(['description.md', 'reshape.js', 'reshape.notes.md', 'workflow.json']);
  });

  it('round-trips a Code node body byte for byte', async () => {
    const id = await importWorkflow();
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    const wf = folderOf(dir, id);
    expect(readFileSync(join(wf, 'shape.js')).equals(Buffer.from(CODE_BODY, 'utf8'))).toBe(true);
    const body = '\uFEFF// BOM, CRLF, tabs, no final newline\r\n\tconst s = "ü 🚀 \\u0000";\r\n\r\n  return [];';
    writeFileSync(join(wf, 'shape.js'), body);
    // Not pushed yet: a pull leaves the folder alone.
    const refused = await weft(['pull', dir, '--json']);
    expect(refused.code).toBe(6);
    expect((JSON.parse(refused.stdout) as JsonReport).workflows.find((w) => w.id === id)).toMatchObject({
      status: 'skipped',
      code: 'conflict',
    });
    expect(readFileSync(join(wf, 'shape.js')).equals(Buffer.from(body, 'utf8'))).toBe(true);
    const pushed = await weft(['push', dir]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(node(await exported(id), 'shape').parameters.jsCode).toBe(body);
    expect(readFileSync(join(wf, 'shape.js')).equals(Buffer.from(body, 'utf8'))).toBe(true);
    rmSync(join(wf, 'shape.js'));
    const pulled = await weft(['pull', dir, '--force']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(readFileSync(join(wf, 'shape.js')).equals(Buffer.from(body, 'utf8'))).toBe(true);
  });

  it('creates a workflow from a new folder and records it', async () => {
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    const wf = join(dir, 'hand-made');
    mkdirSync(wf);
    const definition = sampleDefinition();
    const shape = definition.nodes[2];
    if (shape?.parameters) shape.parameters.jsCode = { $file: 'main.js' } as never;
    writeFileSync(join(wf, 'workflow.json'), JSON.stringify({ ...definition, name: 'Hand made' }, null, 2));
    writeFileSync(join(wf, 'main.js'), CODE_BODY);

    const dry = await weft(['push', dir, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect((JSON.parse(dry.stdout) as JsonReport).workflows.find((w) => w.folder === 'hand-made')?.status).toBe(
      'created',
    );
    const listedBefore = await rest.call<{ workflows: { name: string }[] }>('GET', '/api/workflows', { as: owner.as });
    expect(listedBefore.body.workflows.some((w) => w.name === 'Hand made')).toBe(false);

    const pushed = await weft(['push', dir, '--json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const created = (JSON.parse(pushed.stdout) as JsonReport).workflows.find((w) => w.folder === 'hand-made');
    expect(created?.status).toBe('created');
    const id = created?.id ?? '';
    expect(node(await exported(id), 'shape').parameters.jsCode).toBe(CODE_BODY);
    // The folder now says which workflow it is, in the format pull writes.
    const json = JSON.parse(readFileSync(join(wf, 'workflow.json'), 'utf8')) as { id: string };
    expect(json.id).toBe(id);
    expect(readFileSync(join(wf, 'shape.js'), 'utf8')).toBe(CODE_BODY);
    expect(readdirSync(wf).includes('main.js')).toBe(false);
    const again = await weft(['push', dir, '--json']);
    expect((JSON.parse(again.stdout) as JsonReport).workflows.find((w) => w.id === id)?.status).toBe('unchanged');
  });

  it('follows a folder renamed by hand, and adopts folders checked out without .weft', async () => {
    const id = await importWorkflow({ ...sampleDefinition(), name: 'Moved around' });
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    renameSync(folderOf(dir, id), join(dir, 'renamed-by-hand'));
    const pulled = await weft(['pull', dir, '--json']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect((JSON.parse(pulled.stdout) as JsonReport).workflows.find((w) => w.id === id)?.folder).toBe(
      'renamed-by-hand',
    );
    expect(folderOf(dir, id)).toBe(join(dir, 'renamed-by-hand'));

    // A clone of the repository without its .weft: clean folders are adopted, an edited one is left alone.
    rmSync(join(dir, '.weft'), { recursive: true });
    const json = join(dir, 'renamed-by-hand', 'workflow.json');
    writeFileSync(json, readFileSync(json, 'utf8').replace('"x": 200', '"x": 201'));
    const cloned = await weft(['pull', dir, '--json']);
    expect(cloned.code).toBe(6);
    const entry = (JSON.parse(cloned.stdout) as JsonReport).workflows.find((w) => w.id === id);
    expect(entry).toMatchObject({ folder: 'renamed-by-hand', status: 'skipped', code: 'conflict' });
    expect(readdirSync(dir).filter((name) => name.startsWith('moved-around'))).toEqual([]);
    const forced = await weft(['push', dir, '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(node(await exported(id), 'fetch').position).toEqual({ x: 201, y: 0 });
    const adopted = await weft(['pull', dir, '--json']);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect((JSON.parse(adopted.stdout) as JsonReport).workflows.find((w) => w.id === id)?.status).toBe('unchanged');
  });

  it('deletes a workflow whose folder was deleted only with --prune', async () => {
    const id = await importWorkflow();
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    rmSync(folderOf(dir, id), { recursive: true });

    const kept = await weft(['push', dir, '--json']);
    expect(kept.code, kept.stderr).toBe(0);
    expect((JSON.parse(kept.stdout) as JsonReport).workflows.find((w) => w.id === id)?.status).toBe('kept');
    expect((await rest.call('GET', `/api/workflows/${id}`, { as: owner.as })).status).toBe(200);

    const dry = await weft(['push', dir, '--prune', '--dry-run', '--json']);
    expect((JSON.parse(dry.stdout) as JsonReport).workflows.find((w) => w.id === id)?.status).toBe('deleted');
    expect((await rest.call('GET', `/api/workflows/${id}`, { as: owner.as })).status).toBe(200);

    const pruned = await weft(['push', dir, '--prune', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect((JSON.parse(pruned.stdout) as JsonReport).workflows.find((w) => w.id === id)?.status).toBe('deleted');
    expect((await rest.call('GET', `/api/workflows/${id}`, { as: owner.as })).status).toBe(404);
    const state = readFileSync(join(dir, '.weft', 'state.json'), 'utf8');
    expect(state).not.toContain(id);
  });

  it('refuses a malformed file with its name and the problem, and pushes nothing for it', async () => {
    const good = await importWorkflow();
    const bad = await importWorkflow({ ...sampleDefinition(), name: 'Broken one' });
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    const before = Y.snapshot(await freshState(bad));

    const badJson = join(folderOf(dir, bad), 'workflow.json');
    // A valid change and an invalid one in the same file: neither may reach the server.
    writeFileSync(
      badJson,
      readFileSync(badJson, 'utf8')
        .replace('"mode": "runOnceForAllItems"', '"mode": "runOnceForEachItem"')
        .replace('"x": 200', '"x": "far right"'),
    );
    const goodJson = join(folderOf(dir, good), 'workflow.json');
    writeFileSync(goodJson, readFileSync(goodJson, 'utf8').replace('"x": 200', '"x": 250'));

    const pushed = await weft(['push', dir, '--json']);
    expect(pushed.code).toBe(2);
    const report = JSON.parse(pushed.stdout) as JsonReport;
    const refused = report.workflows.find((w) => w.folder === relative(dir, folderOf(dir, bad)));
    expect(refused?.status).toBe('failed');
    expect(refused?.message).toContain(`${relative(dir, folderOf(dir, bad))}/workflow.json`);
    expect(refused?.problems?.join('\n')).toMatch(/Node "Fetch orders" \(fetch\), field "position.x"/);
    expect(report.workflows.find((w) => w.id === good)?.status).toBe('updated');
    expect(Y.equalSnapshots(before, Y.snapshot(await freshState(bad)))).toBe(true);
    expect(node(await exported(good), 'fetch').position).toEqual({ x: 250, y: 0 });

    const human = await weft(['push', dir]);
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/workflow\.json: Node "Fetch orders" \(fetch\), field "position.x"/);
  });

  it('publishes with --publish, and answers exit codes for a bad token and a viewer', async () => {
    const id = await importWorkflow();
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    const published = await weft(['push', dir, '--publish', '--json']);
    expect(published.code, published.stderr).toBe(0);
    const summary = await rest.call<{ publishedHash: string | null }>('GET', `/api/workflows/${id}`, { as: owner.as });
    expect(summary.body.publishedHash).toMatch(/.+/);

    expectFailure(await weft(['pull', folder()], 'not-a-token'), 4, /the server refused the token|Invalid|token/i);

    const viewer = await rest.signup('viewer@example.com');
    await rest.addMember(owner.as, id, viewer, 'viewer');
    const viewerDir = folder();
    expect((await weft(['pull', viewerDir], viewer.token)).code).toBe(0);
    const wf = folderOf(viewerDir, id);
    writeFileSync(
      join(wf, 'workflow.json'),
      readFileSync(join(wf, 'workflow.json'), 'utf8').replace('"x": 200', '"x": 1'),
    );
    const denied = await weft(['push', viewerDir, '--json'], viewer.token);
    expect(denied.code).toBe(4);
    expect((JSON.parse(denied.stdout) as JsonReport).workflows[0]).toMatchObject({
      status: 'failed',
      code: 'authRefused',
    });
    expect(node(await exported(id), 'fetch').position).toEqual({ x: 200, y: 0 });
  });
});

describe('weft push reports each workflow once, as it is', () => {
  it('keeps a workflow created in the same run as --prune: recorded, and unchanged on the next push', async () => {
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    const wf = join(dir, 'made-and-pruned');
    mkdirSync(wf);
    writeFileSync(join(wf, 'workflow.json'), JSON.stringify({ ...sampleDefinition(), name: 'Made and pruned' }));

    const pushed = await weft(['push', dir, '--prune', '--json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const mine = (JSON.parse(pushed.stdout) as JsonReport).workflows.filter((w) => w.folder === 'made-and-pruned');
    expect(mine.map((w) => w.status)).toEqual(['created']);
    const id = mine[0]?.id ?? '';
    expect((await rest.call('GET', `/api/workflows/${id}`, { as: owner.as })).status).toBe(200);
    expect(folderOf(dir, id)).toBe(wf);

    const again = await weft(['push', dir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const next = (JSON.parse(again.stdout) as JsonReport).workflows.filter((w) => w.folder === 'made-and-pruned');
    expect(next).toEqual([expect.objectContaining({ id, status: 'unchanged' })]);
  });

  it('counts its progress in workflows and ends at 100%', async () => {
    const deletedHere = await importWorkflow({ ...sampleDefinition(), name: 'Counted one' });
    await importWorkflow({ ...sampleDefinition(), name: 'Counted two' });
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    // Counted too: a folder deleted here, and a new one.
    rmSync(folderOf(dir, deletedHere), { recursive: true });
    const wf = join(dir, 'counted-new');
    mkdirSync(wf);
    writeFileSync(join(wf, 'workflow.json'), JSON.stringify({ ...sampleDefinition(), name: 'Counted new' }));

    const pushed = await weft(['push', dir, '--json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const n = (JSON.parse(pushed.stdout) as JsonReport).workflows.length;
    expect(n).toBeGreaterThan(2);
    const shown = [...pushed.stderr.matchAll(/push: (\d+)% \((\d+)\/(\d+)\)/g)].map((m) => ({
      percent: Number(m[1]),
      done: Number(m[2]),
      total: Number(m[3]),
    }));
    expect(shown.length).toBeGreaterThan(1);
    for (const line of shown) expect(line.total).toBe(n);
    expect(shown.at(-1)).toEqual({ percent: 100, done: n, total: n });
  });

  it('shows import warnings only for the workflows it creates or changes', async () => {
    const odd = sampleDefinition();
    const unsupported = { ...odd, name: 'Has a placeholder' };
    unsupported.nodes = [
      ...odd.nodes,
      { id: 'odd', name: 'Odd', type: 'n8n-nodes-base.notInWeft', typeVersion: 1, position: { x: 600, y: 0 } },
    ];
    const id = await importWorkflow(unsupported);
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);

    const untouched = await weft(['push', dir]);
    expect(untouched.code, untouched.stderr).toBe(0);
    expect(untouched.stdout).not.toContain('warning:');
    const untouchedJson = await weft(['push', dir, '--json']);
    const entry = (JSON.parse(untouchedJson.stdout) as { workflows: { id?: string; warnings?: string[] }[] }).workflows;
    expect(entry.find((w) => w.id === id)?.warnings).toBeUndefined();

    const json = join(folderOf(dir, id), 'workflow.json');
    writeFileSync(json, readFileSync(json, 'utf8').replace('"x": 200', '"x": 210'));
    const changed = await weft(['push', dir]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout.match(/warning: .*unsupported placeholder/g)).toHaveLength(1);
  });

  it('names a refused folder and its problem once', async () => {
    const id = await importWorkflow({ ...sampleDefinition(), name: 'Refused once' });
    const dir = folder();
    expect((await weft(['pull', dir])).code).toBe(0);
    const pulledFolder = relative(dir, folderOf(dir, id));
    const json = join(dir, pulledFolder, 'workflow.json');
    writeFileSync(json, readFileSync(json, 'utf8').replace('"$file": "shape.js"', '"$file": "missing.js"'));
    const fresh = join(dir, 'new-broken');
    mkdirSync(fresh);
    writeFileSync(join(fresh, 'workflow.json'), JSON.stringify({ ...sampleDefinition(), description: 7 }));

    const pushed = await weft(['push', dir]);
    expect(pushed.code).toBe(2);
    expect(pushed.stdout.match(/missing\.js does not exist/g)).toHaveLength(1);
    expect(pushed.stdout).toMatch(
      new RegExp(`^failed +${pulledFolder} +Refused once: ${pulledFolder}/workflow\\.json: .*missing\\.js`, 'm'),
    );
    expect(pushed.stdout).toMatch(/^failed +new-broken: new-broken\/workflow\.json/m);
    expect(pushed.stdout).not.toContain('new-broken  new-broken');
  });

  it('leaves no folder behind when the server cannot be reached', async () => {
    const dir = folder();
    const closed = await startTestServer();
    await closed.listen();
    const url = closed.baseUrl;
    await closed.close();
    const pulled = await run(['pull', dir], { env: { WEFT_URL: url, WEFT_TOKEN: owner.token } });
    expect(pulled.code, pulled.stderr).toBe(5);
    expect(existsSync(dir)).toBe(false);
  });
});
