import { getNodeDefinition } from '../nodes/catalog.ts';
import { NODE_HEIGHT, NODE_WIDTH, STICKY_HEIGHT, STICKY_WIDTH } from '../nodes/node-size.ts';
import { nodePorts } from '../nodes/ports.ts';
import type { DefinitionNode, WorkflowDefinition } from '../schema/definition.ts';

/**
 * A template's picture: an SVG of its canvas drawn from the definition alone,
 * so built-in and saved templates get one without a browser. The geometry is
 * the canvas's (node-size.ts, handles spread evenly down each side, smooth
 * step edges with rounded corners as React Flow's getSmoothStepPath draws
 * them). The output is deterministic, refers to nothing outside itself, and
 * every piece of text in it goes through {@link escapeXml}.
 */

const PADDING = 24;
const EDGE_OFFSET = 20;
const CORNER = 5;
const LABEL_MAX = 24;
const STICKY_LINES = 6;
const STICKY_LINE_CHARS = 36;

const STICKY_COLOURS: Record<string, string> = {
  yellow: '#fef08a',
  blue: '#bfdbfe',
  green: '#bbf7d0',
  pink: '#fbcfe8',
  gray: '#e5e7eb',
};

/** Characters XML 1.0 can hold (its `Char` production); anything else would make the whole picture unreadable. */
const xmlChar = (c: number): boolean =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;

const SPECIALS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** The one way text enters the SVG: XML's five specials escaped, characters XML cannot hold dropped. */
export const escapeXml = (text: string): string => {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (!xmlChar(code)) continue;
    out += SPECIALS[ch] ?? ch;
  }
  return out;
};

/** Colours come from node definitions, but an attribute takes only what is certainly a colour. */
const safeColour = (colour: string | undefined, fallback: string): string =>
  colour !== undefined && /^#[0-9a-fA-F]{3,8}$/.test(colour) ? colour : fallback;

const num = (n: number): string => String(Math.round(n * 10) / 10);

const truncate = (text: string, max: number): string => {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
};

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const isSticky = (node: DefinitionNode): boolean => getNodeDefinition(node.type)?.annotation === true;

const boxOf = (node: DefinitionNode): Box => {
  if (!isSticky(node)) return { x: node.position.x, y: node.position.y, width: NODE_WIDTH, height: NODE_HEIGHT };
  const { width, height } = node.parameters;
  const size = (v: unknown, fallback: number): number =>
    typeof v === 'number' && Number.isFinite(v) ? Math.min(4000, Math.max(40, v)) : fallback;
  return {
    x: node.position.x,
    y: node.position.y,
    width: size(width, STICKY_WIDTH),
    height: size(height, STICKY_HEIGHT),
  };
};

/** Where a handle sits: spread evenly down the side, as the canvas's handleTop does. */
const handleY = (box: Box, index: number, count: number): number => box.y + (box.height * (index + 1)) / (count + 1);

/**
 * A smooth step from a right-side source to a left-side target: across,
 * down, across when the target lies ahead; around through the middle when it
 * lies behind. Corners are rounded with quadratic curves.
 */
export const smoothStepPath = (sx: number, sy: number, tx: number, ty: number): string => {
  let points: [number, number][];
  if (tx - sx >= EDGE_OFFSET * 2) {
    const mx = (sx + tx) / 2;
    points = [
      [sx, sy],
      [mx, sy],
      [mx, ty],
      [tx, ty],
    ];
  } else {
    const my = (sy + ty) / 2;
    points = [
      [sx, sy],
      [sx + EDGE_OFFSET, sy],
      [sx + EDGE_OFFSET, my],
      [tx - EDGE_OFFSET, my],
      [tx - EDGE_OFFSET, ty],
      [tx, ty],
    ];
  }
  // A bend between collinear segments (source and target at one height) is no bend.
  points = points.filter((p, i) => {
    const prev = points[i - 1];
    const next = points[i + 1];
    if (!prev || !next) return true;
    return (p[0] - prev[0]) * (next[1] - p[1]) - (p[1] - prev[1]) * (next[0] - p[0]) !== 0;
  });
  const [first] = points as [[number, number]];
  let d = `M${num(first[0])} ${num(first[1])}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [px, py] = points[i - 1] as [number, number];
    const [x, y] = points[i] as [number, number];
    const [nx, ny] = points[i + 1] as [number, number];
    const r = Math.min(CORNER, Math.hypot(x - px, y - py) / 2, Math.hypot(nx - x, ny - y) / 2);
    const toward = (ax: number, ay: number): [number, number] => {
      const len = Math.hypot(ax - x, ay - y) || 1;
      return [x + ((ax - x) / len) * r, y + ((ay - y) / len) * r];
    };
    const [ax, ay] = toward(px, py);
    const [bx, by] = toward(nx, ny);
    d += ` L${num(ax)} ${num(ay)} Q${num(x)} ${num(y)} ${num(bx)} ${num(by)}`;
  }
  const last = points[points.length - 1] as [number, number];
  return `${d} L${num(last[0])} ${num(last[1])}`;
};

const drawNode = (node: DefinitionNode, box: Box): string => {
  const def = getNodeDefinition(node.type);
  const colour = safeColour(def?.color, '#6b7280');
  const type = def ? def.label : `Unsupported: ${node.type}`;
  const ports = nodePorts(node);
  const handles = [
    ...ports.inputs.map((_, i) => ({ x: box.x, y: handleY(box, i, ports.inputs.length) })),
    ...ports.outputs.map((_, i) => ({ x: box.x + box.width, y: handleY(box, i, ports.outputs.length) })),
  ];
  return [
    `<g${node.disabled ? ' opacity="0.5"' : ''}>`,
    `<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" rx="8" fill="#ffffff" stroke="#d1d5db"/>`,
    `<rect x="${num(box.x)}" y="${num(box.y)}" width="6" height="${num(box.height)}" rx="3" fill="${colour}"/>`,
    `<text x="${num(box.x + 16)}" y="${num(box.y + 24)}" font-size="13" font-weight="600" fill="#111827">${escapeXml(truncate(node.name, LABEL_MAX))}</text>`,
    `<text x="${num(box.x + 16)}" y="${num(box.y + 42)}" font-size="11" fill="#6b7280">${escapeXml(truncate(type, LABEL_MAX + 4))}</text>`,
    ...handles.map((h) => `<circle cx="${num(h.x)}" cy="${num(h.y)}" r="3.5" fill="#9ca3af"/>`),
    '</g>',
  ].join('');
};

const drawSticky = (node: DefinitionNode, box: Box): string => {
  const { content, color } = node.parameters;
  const fill =
    (typeof color === 'string' && Object.hasOwn(STICKY_COLOURS, color) ? STICKY_COLOURS[color] : undefined) ??
    '#fef08a';
  const lines = (typeof content === 'string' ? content : '')
    .split('\n')
    .map((l) => l.replace(/^#+\s*/, '').trim())
    .filter((l) => l.length > 0)
    .slice(0, Math.max(1, Math.min(STICKY_LINES, Math.floor((box.height - 12) / 16))))
    .map((l) => truncate(l, Math.max(4, Math.min(STICKY_LINE_CHARS, Math.floor(box.width / 7)))));
  return [
    `<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" rx="6" fill="${fill}"/>`,
    ...lines.map(
      (line, i) =>
        `<text x="${num(box.x + 10)}" y="${num(box.y + 22 + i * 16)}" font-size="12" fill="#374151">${escapeXml(line)}</text>`,
    ),
  ].join('');
};

/** The SVG text of a definition's canvas. */
export const templatePicture = (definition: Pick<WorkflowDefinition, 'nodes' | 'edges'>): string => {
  const boxes = new Map(definition.nodes.map((n) => [n.id, boxOf(n)]));
  const all = [...boxes.values()];
  const minX = all.length > 0 ? Math.min(...all.map((b) => b.x)) - PADDING : 0;
  const minY = all.length > 0 ? Math.min(...all.map((b) => b.y)) - PADDING : 0;
  const maxX = all.length > 0 ? Math.max(...all.map((b) => b.x + b.width)) + PADDING : 2 * PADDING;
  const maxY = all.length > 0 ? Math.max(...all.map((b) => b.y + b.height)) + PADDING : 2 * PADDING;
  const width = maxX - minX;
  const height = maxY - minY;
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));

  const edges = definition.edges.flatMap((edge) => {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    const sb = boxes.get(edge.source);
    const tb = boxes.get(edge.target);
    if (!source || !target || !sb || !tb) return [];
    const outs = nodePorts(source).outputs;
    const ins = nodePorts(target).inputs;
    const oi = Math.max(
      0,
      outs.findIndex((p) => p.name === edge.sourceHandle),
    );
    const ii = Math.max(
      0,
      ins.findIndex((p) => p.name === edge.targetHandle),
    );
    const d = smoothStepPath(
      sb.x + sb.width,
      handleY(sb, oi, outs.length),
      tb.x,
      handleY(tb, ii, Math.max(1, ins.length)),
    );
    const colour = edge.sourceHandle === 'error' ? '#dc2626' : '#9ca3af';
    return [`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`];
  });
  // Stickies lie under everything, as on the canvas.
  const stickies = definition.nodes.filter(isSticky);
  const nodes = definition.nodes.filter((n) => !isSticky(n));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${num(minX)} ${num(minY)} ${num(width)} ${num(height)}" width="${num(width)}" height="${num(height)}" font-family="system-ui, sans-serif">`,
    `<rect x="${num(minX)}" y="${num(minY)}" width="${num(width)}" height="${num(height)}" fill="#f9fafb"/>`,
    ...stickies.map((n) => drawSticky(n, boxes.get(n.id) as Box)),
    ...edges,
    ...nodes.map((n) => drawNode(n, boxes.get(n.id) as Box)),
    '</svg>',
  ].join('\n');
};
