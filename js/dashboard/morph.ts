// The panels updated in place. Python sends new panels about once a second while training; the
// page builds them afresh (panelview.ts) and then makes the panels on the page look like the
// new ones, node by node, instead of swapping the whole tree: a swapped tree of some 500
// elements is styled, laid out and painted anew each time, where most of it (the confusion
// matrix's table, the figures, the captions' words) is the same from one epoch to the next.
//
// What is compared: the node's kind (a different element or a text node is swapped), text,
// attributes (class, style, title, data-*, an image's src) and the `onclick` property. A
// canvas's pixels are copied into the page's canvas of the same size (a canvas of another size
// is swapped). An image's new source is a data URL, which loads at once, decoded already
// (panelview.ts waits for that), so it shows in the same frame as the rest.

/**
 * Make `target`'s children look like `source`'s; nodes of `source` may be moved into it.
 * `recycle` receives each canvas of `source` whose pixels were copied (free for reuse).
 */
export function morphChildren(target: Node, source: Node,
  recycle?: (canvas: HTMLCanvasElement) => void): void {
  const olds = Array.from(target.childNodes);
  const news = Array.from(source.childNodes);
  for (let i = 0; i < news.length; i++) {
    const o = olds[i], n = news[i];
    if (o === undefined) target.appendChild(n);
    else if (o.nodeType !== n.nodeType || o.nodeName !== n.nodeName || swapped(o, n)) {
      target.replaceChild(n, o);
    } else morphNode(o, n, recycle);
  }
  for (let i = news.length; i < olds.length; i++) target.removeChild(olds[i]);
}

/** Whether `o` (of the same kind as `n`) is replaced by `n` rather than updated. */
function swapped(o: Node, n: Node): boolean {
  if (n.nodeName !== "CANVAS") return false;
  const oc = o as HTMLCanvasElement, nc = n as HTMLCanvasElement;
  return oc.width !== nc.width || oc.height !== nc.height || !oc.getContext("2d");
}

function morphNode(o: Node, n: Node, recycle?: (canvas: HTMLCanvasElement) => void): void {
  if (o.nodeType !== 1) { // text (or a comment)
    if (o.nodeValue !== n.nodeValue) o.nodeValue = n.nodeValue;
    return;
  }
  const oe = o as HTMLElement, ne = n as HTMLElement;
  if (!sameAttributes(oe, ne)) {
    for (const a of Array.from(oe.attributes)) {
      if (!ne.hasAttribute(a.name)) oe.removeAttribute(a.name);
    }
    for (const a of Array.from(ne.attributes)) {
      if (oe.getAttribute(a.name) !== a.value) oe.setAttribute(a.name, a.value);
    }
  }
  if (oe.onclick !== ne.onclick) oe.onclick = ne.onclick;
  if (oe.nodeName === "CANVAS") { // same size (swapped otherwise): the new pixels
    const canvas = oe as HTMLCanvasElement, ctx = canvas.getContext("2d")!;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(ne as HTMLCanvasElement, 0, 0);
    recycle?.(ne as HTMLCanvasElement);
  }
  morphChildren(oe, ne, recycle);
}

/** Whether both have the same attributes in the same order (the builder's usual case). */
function sameAttributes(o: Element, n: Element): boolean {
  const oa = o.attributes, na = n.attributes;
  if (oa.length !== na.length) return false;
  for (let i = 0; i < na.length; i++) {
    if (oa[i].name !== na[i].name || oa[i].value !== na[i].value) return false;
  }
  return true;
}
