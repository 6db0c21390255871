import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * Test helper (not part of the package): the structural checks every chart must pass — it parses
 * as XML, every axis has a label, no text leaves the canvas and no two texts overlap. Text boxes
 * are estimated from the font size (DejaVu Sans: about 0.6 em a character, bold 0.67, mono 0.61),
 * through the translations, rotations and nested viewports the charts use.
 */
export interface TextBox {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

type Transform = (x: number, y: number) => [number, number];
const identity: Transform = (x, y) => [x, y];

/** The transform an element's `transform` attribute adds (translate and rotate, as the charts write them). */
function ownTransform(node: Element): Transform {
  const attribute = node.getAttribute('transform') ?? '';
  let t = identity;
  for (const match of attribute.matchAll(/(translate|rotate)\(([^)]*)\)/g)) {
    const n = match[2]!.split(/[ ,]+/).filter(Boolean).map(Number);
    const previous = t;
    if (match[1] === 'translate') t = (x, y) => previous(x + n[0]!, y + (n[1] ?? 0));
    else {
      const [angle = 0, cx = 0, cy = 0] = n;
      const a = (angle * Math.PI) / 180;
      t = (x, y) => previous(cx + (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a), cy + (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a));
    }
  }
  // A nested <svg x y> is a viewport placed at (x, y).
  if (node.tagName === 'svg' && node.getAttribute('x')) {
    const dx = Number(node.getAttribute('x'));
    const dy = Number(node.getAttribute('y') ?? 0);
    const inner = t;
    t = (x, y) => inner(x + dx, y + dy);
  }
  return t;
}

function attribute(node: Element, name: string, inherited: Record<string, string>): string | undefined {
  return node.getAttribute(name) || inherited[name];
}

/** Every non-empty text's estimated box, in the root's coordinates. */
export function textBoxes(svg: string): { width: number; height: number; boxes: TextBox[]; axes: { labelled: boolean }[] } {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => errors.push(`${level}: ${message}`) }).parseFromString(svg, 'image/svg+xml');
  if (errors.length) throw new Error(`not well-formed SVG: ${errors.join('; ')}`);
  const root = doc.documentElement!;
  const boxes: TextBox[] = [];
  const axes: { labelled: boolean }[] = [];
  const walk = (node: Element, outer: Transform, inherited: Record<string, string>) => {
    const own = ownTransform(node);
    const t: Transform = (x, y) => outer(...own(x, y));
    const style = { ...inherited };
    for (const name of ['font-size', 'font-weight', 'font-family', 'text-anchor']) {
      const value = node.getAttribute(name);
      if (value) style[name] = value;
    }
    if ((node.getAttribute('class') ?? '').split(' ').includes('axis')) {
      const labels = Array.from(node.getElementsByTagName('text')).filter(
        (e) => e.getAttribute('class') === 'label' && (e.textContent ?? '').trim(),
      );
      axes.push({ labelled: labels.length > 0 });
    }
    if (node.tagName === 'text') {
      const content = node.textContent ?? '';
      if (content.trim()) boxes.push(box(node, content, t, style));
      return;
    }
    if (node.tagName === 'title' || node.tagName === 'defs' || node.tagName === 'clipPath') return;
    for (let i = 0; i < node.childNodes.length; i++) {
      const child = node.childNodes[i] as Element;
      if (child.nodeType === 1) walk(child, t, style);
    }
  };
  walk(root, identity, {});
  return { width: Number(root.getAttribute('width')), height: Number(root.getAttribute('height')), boxes, axes };
}

function box(node: Element, content: string, t: Transform, style: Record<string, string>): TextBox {
  const size = Number(attribute(node, 'font-size', style) ?? 11);
  const mono = (attribute(node, 'font-family', style) ?? '').includes('Mono');
  const bold = attribute(node, 'font-weight', style) === 'bold';
  const width = [...content].length * size * (mono ? 0.61 : bold ? 0.67 : 0.6);
  const x = Number(node.getAttribute('x') ?? 0);
  const y = Number(node.getAttribute('y') ?? 0);
  const anchor = attribute(node, 'text-anchor', style) ?? 'start';
  const left = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
  const corners = [t(left, y - 0.75 * size), t(left + width, y + 0.2 * size)];
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return { text: content, left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
}

/**
 * The problems of a chart, one line each: text outside the canvas, texts overlapping (by more
 * than `slack` pixels both ways), axes without a label, text under 11 px. An empty list is a pass.
 */
export function structuralProblems(svg: string, slack = 1.5): string[] {
  const { width, height, boxes, axes } = textBoxes(svg);
  const problems: string[] = [];
  for (const b of boxes)
    if (b.left < -slack || b.top < -slack || b.right > width + slack || b.bottom > height + slack)
      problems.push(
        `text outside the ${width}×${height} canvas: "${b.text}" at [${b.left.toFixed(0)}, ${b.top.toFixed(0)}]–[${b.right.toFixed(0)}, ${b.bottom.toFixed(0)}]`,
      );
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const overlapX = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const overlapY = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (overlapX > slack && overlapY > slack) problems.push(`texts overlap: "${a.text}" and "${b.text}"`);
    }
  axes.forEach((axis, k) => {
    if (!axis.labelled) problems.push(`axis ${k + 1} has no label`);
  });
  // 11 px is the smallest text the site shows (its own test, issue 20): nothing drawn smaller.
  for (const m of svg.matchAll(/font-size="([\d.]+)"/g))
    if (Number(m[1]) < 11) problems.push(`text at ${m[1]} px, under the 11 px every page can show`);
  return problems;
}
