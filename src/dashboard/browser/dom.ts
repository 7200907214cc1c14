import { formatFullTime, formatTime } from './format.js';

/**
 * Small DOM helpers. Everything the API says goes in as text (`textContent`, attributes), never
 * as markup.
 */

/** The page's element with this id; the page is ours, so a missing one is a bug and throws. */
export function byId(id: string): HTMLElement {
  return typedById(id, HTMLElement);
}

/** The page's element with this id, checked to be of the given kind. */
export function typedById<T extends Element>(id: string, kind: abstract new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`The page has no ${kind.name} #${id}.`);
  return node;
}

/** The body of the page's table with this id. */
export function tableBody(id: string): HTMLTableSectionElement {
  const body = typedById(id, HTMLTableElement).tBodies.item(0);
  if (!body) throw new Error(`The table #${id} has no body.`);
  return body;
}

/** An element with text (never markup) and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string | number | null, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A `<time>` showing an instant as formatTime does, the full date and time on hover; empty when there is none. */
export function timeEl(iso: string | undefined): HTMLTimeElement | string {
  const shown = formatTime(iso);
  if (!iso || !shown) return '';
  return el('time', shown, { datetime: iso, title: formatFullTime(iso) });
}
