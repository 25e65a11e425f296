import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../schema/definition.ts';
import { escapeXml, smoothStepPath, templatePicture } from './picture.ts';

const node = (id: string, name: string, type: string, x: number, y = 0, parameters: Record<string, unknown> = {}) => ({
  id,
  name,
  type,
  typeVersion: 1,
  position: { x, y },
  parameters,
});

const definition = (
  nodes: WorkflowDefinition['nodes'],
  edges: WorkflowDefinition['edges'] = [],
): WorkflowDefinition => ({
  weft: 1,
  name: 'Picture',
  settings: {},
  nodes,
  edges,
});

const edge = (source: string, target: string, sourceHandle = 'main') => ({
  id: `${source}-${target}`,
  source,
  sourceHandle,
  target,
  targetHandle: 'main',
});

/** Every element and attribute of the SVG, parsed without a DOM: what a hostile name could add would show here. */
const tagsOf = (svg: string): string[] => [...svg.matchAll(/<([a-zA-Z/][^\s>/]*)/g)].map((m) => m[1] ?? '');

describe('templatePicture', () => {
  it('draws nodes, edges and stickies the same way every time', () => {
    const def = definition(
      [
        node('a', 'Every hour', 'scheduleTrigger', 0),
        node('b', 'Check the site', 'httpRequest', 300),
        node('c', 'Is it up?', 'if', 600),
        node('d', 'Alert', 'httpRequest', 900, 120),
        node('s', 'Note', 'stickyNote', 0, -200, { content: '## Uptime\nChecks a URL', color: 'blue' }),
      ],
      [edge('a', 'b'), edge('b', 'c'), edge('c', 'd', 'false')],
    );
    const svg = templatePicture(def);
    expect(templatePicture(def)).toBe(svg);
    expect(svg).toMatchSnapshot();
    expect(svg.match(/<path /g)).toHaveLength(3);
    expect(svg).toContain('Check the site');
    expect(svg).toContain('Uptime');
    expect(svg).not.toMatch(/href|url\(|<script|<image|<foreignObject/i);
  });

  it('escapes every hostile text: node names, types and sticky content stay text', () => {
    const hostile = [
      '</text><script>alert(1)</script>',
      '"><image href="https://evil.example/x.png"/>',
      "' onload='alert(1)",
      '<![CDATA[ x ]]>',
      '&lt;already&gt; &amp;',
      'nul\u0000 bell\u0007 lone\uD800 surrogate',
      '<!-- comment --><?xml-stylesheet href="x"?>',
    ];
    const nodes = hostile.map((name, i) => node(`n${i}`, name, i === 0 ? '<svg onload=alert(1)>' : 'set', i * 300));
    nodes.push(node('s', 'Sticky', 'stickyNote', 0, 300, { content: hostile.join('\n'), color: '"><script>' }));
    const svg = templatePicture(definition(nodes));
    expect(new Set(tagsOf(svg))).toEqual(new Set(['svg', 'rect', 'g', '/g', 'text', '/text', 'circle', '/svg']));
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<image');
    expect(svg).not.toContain('<!');
    expect(svg).not.toContain('<?');
    const codes = Array.from(svg, (ch) => ch.codePointAt(0) ?? 0);
    expect(codes.filter((c) => c < 0x9 || (c >= 0xd800 && c <= 0xdfff))).toEqual([]);
    // Each attribute value is quoted and holds no quote: nothing closes it early.
    for (const m of svg.matchAll(/ ([a-z-]+)="([^"]*)"/g)) expect(m[2]).not.toContain('<');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;');
    expect(svg).toContain('&quot;&gt;&lt;image');
    expect(svg).toContain('&apos; onload=&apos;');
    expect(svg).toContain('&amp;lt;already&amp;gt;');
  });

  it('an empty definition is a small blank picture', () => {
    expect(templatePicture(definition([]))).toContain('viewBox="0 0 48 48"');
  });
});

describe('escapeXml', () => {
  it('escapes the five specials and drops what XML cannot hold', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\u0000b\u001Fc\uFFFEd\uD83D')).toBe('abcd');
    expect(escapeXml('emoji 🙂 and tab\tstay')).toBe('emoji 🙂 and tab\tstay');
  });
});

describe('smoothStepPath', () => {
  it('goes across, down and across when the target lies ahead', () => {
    expect(smoothStepPath(0, 0, 100, 50)).toBe('M0 0 L45 0 Q50 0 50 5 L50 45 Q50 50 55 50 L100 50');
  });
  it('a straight line has no bends worth drawing', () => {
    expect(smoothStepPath(0, 10, 100, 10)).toBe('M0 10 L100 10');
  });
  it('goes around when the target lies behind', () => {
    const d = smoothStepPath(200, 0, 0, 100);
    expect(d.startsWith('M200 0')).toBe(true);
    expect(d.endsWith('L0 100')).toBe(true);
    expect(d.match(/Q/g)).toHaveLength(4);
  });
});
