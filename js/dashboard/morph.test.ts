import { describe, expect, it } from "vitest";
import { morphChildren } from "./morph";

// A minimal DOM (vitest runs under node): elements with attributes, children and onclick,
// text nodes, and the four tree operations morphChildren uses. Writes are counted, since what
// morphChildren is for is writing only what changed.
let writes = 0;

class FakeNode {
  parentNode: FakeElement | null = null;
  constructor(readonly nodeType: number, readonly nodeName: string) {}
}

class FakeText extends FakeNode {
  private value: string;
  constructor(text: string) {
    super(3, "#text");
    this.value = text;
  }
  get nodeValue(): string {
    return this.value;
  }
  set nodeValue(v: string) {
    writes++;
    this.value = v;
  }
}

class FakeElement extends FakeNode {
  childNodes: FakeNode[] = [];
  private attrs = new Map<string, string>();
  private click: (() => void) | null = null;
  nodeValue = null;
  constructor(tag: string, attrs: Record<string, string> = {}, kids: (FakeNode | string)[] = []) {
    super(1, tag.toUpperCase());
    for (const [k, v] of Object.entries(attrs)) this.attrs.set(k, v);
    for (const k of kids) this.appendChild(typeof k === "string" ? new FakeText(k) : k);
  }
  get attributes() {
    return [...this.attrs].map(([name, value]) => ({ name, value }));
  }
  get onclick() {
    return this.click;
  }
  set onclick(f: (() => void) | null) {
    writes++;
    this.click = f;
  }
  hasAttribute(k: string) {
    return this.attrs.has(k);
  }
  getAttribute(k: string) {
    return this.attrs.get(k) ?? null;
  }
  setAttribute(k: string, v: string) {
    writes++;
    this.attrs.set(k, v);
  }
  removeAttribute(k: string) {
    writes++;
    this.attrs.delete(k);
  }
  appendChild(n: FakeNode) {
    n.parentNode?.removeChild(n);
    n.parentNode = this;
    this.childNodes.push(n);
    return n;
  }
  removeChild(n: FakeNode) {
    this.childNodes.splice(this.childNodes.indexOf(n), 1);
    n.parentNode = null;
    return n;
  }
  replaceChild(n: FakeNode, o: FakeNode) {
    n.parentNode?.removeChild(n);
    this.childNodes[this.childNodes.indexOf(o)] = n;
    n.parentNode = this;
    o.parentNode = null;
    return o;
  }
}

/** A canvas whose pixels are a list of what was drawn, so a copy can be seen. */
class FakeCanvas extends FakeElement {
  drawn: string[] = [];
  constructor(readonly width: number, readonly height: number, ...drawn: string[]) {
    super("canvas");
    this.drawn = drawn;
  }
  getContext() {
    return {
      clearRect: () => (this.drawn = []),
      drawImage: (from: FakeCanvas) => this.drawn.push(...from.drawn),
    };
  }
}

const el = (tag: string, attrs: Record<string, string> = {}, ...kids: (FakeNode | string)[]) =>
  new FakeElement(tag, attrs, kids);
const morph = (target: FakeElement, source: FakeElement) =>
  morphChildren(target as unknown as Node, source as unknown as Node);

/** The tree as text, to compare two trees. */
function html(n: FakeNode): string {
  if (n instanceof FakeText) return n.nodeValue;
  const e = n as FakeElement;
  const attrs = e.attributes.map((a) => ` ${a.name}="${a.value}"`).join("");
  return `<${e.nodeName}${attrs}>${e.childNodes.map(html).join("")}</${e.nodeName}>`;
}

describe("morphChildren", () => {
  it("makes the target look like the source, keeping the nodes that stay", () => {
    const cell = el("td", { class: "c", style: "background: red" }, "3");
    const row = el("tr", {}, cell, el("td", { title: "old" }, "1"));
    const target = el("div", {},
      el("h4", {}, "epoch 1"), el("table", {}, row), el("p", {}, "gone"));
    const source = el("div", {},
      el("h4", {}, "epoch 2"),
      el("table", {}, el("tr", {}, el("td", { class: "c", style: "background: blue" }, "4"),
        el("td", {}, "1"))));
    morph(target, source);
    expect(html(target)).toBe(html(el("div", {},
      el("h4", {}, "epoch 2"),
      el("table", {}, el("tr", {}, el("td", { class: "c", style: "background: blue" }, "4"),
        el("td", {}, "1"))))));
    expect(target.childNodes[1].nodeName).toBe("TABLE");
    expect((target.childNodes[1] as FakeElement).childNodes[0]).toBe(row); // kept, not swapped
    expect(row.childNodes[0]).toBe(cell);
  });

  it("writes nothing when nothing changed", () => {
    const make = () => el("div", {}, el("section", { class: "a", "data-epoch": "2" },
      el("span", {}, "text"), el("img", { src: "data:1", alt: "a digit" })));
    const target = make(), img = (target.childNodes[0] as FakeElement).childNodes[1];
    writes = 0;
    morph(target, make());
    expect(writes).toBe(0);
    expect((target.childNodes[0] as FakeElement).childNodes[1]).toBe(img); // same source: kept
  });

  it("copies a canvas's pixels into one of the same size, and swaps one of another size", () => {
    const same = new FakeCanvas(150, 48, "old bars"), other = new FakeCanvas(150, 48, "old");
    const target = el("div", {}, same, other);
    const bigger = new FakeCanvas(300, 48, "new");
    const fresh = new FakeCanvas(150, 48, "new bars", "zero line");
    const free: unknown[] = [];
    morphChildren(target as unknown as Node, el("div", {}, fresh, bigger) as unknown as Node,
      (c) => free.push(c));
    expect(target.childNodes[0]).toBe(same);
    expect(same.drawn).toEqual(["new bars", "zero line"]);
    expect(target.childNodes[1]).toBe(bigger);
    expect(free).toEqual([fresh]); // copied, so free for reuse; the swapped one is on the page
  });

  it("gives an image its new source in place, and swaps nodes of another kind", () => {
    const img = el("img", { src: "data:1", alt: "a digit" });
    const target = el("div", {}, img, el("span", {}, "x"));
    const div = el("div", {}, "x");
    morph(target, el("div", {}, el("img", { src: "data:2", alt: "a digit" }), div));
    expect(target.childNodes).toEqual([img, div]);
    expect(img.getAttribute("src")).toBe("data:2");
  });

  it("adds and removes children to match, and carries the click handlers over", () => {
    const handler = () => {};
    const target = el("ul", {}, el("li", {}, "1"));
    const li = el("li", {}, "1");
    li.onclick = handler;
    morph(target, el("ul", {}, li, el("li", {}, "2"), el("li", {}, "3")));
    expect(target.childNodes.map((n) => html(n)))
      .toEqual(["<LI>1</LI>", "<LI>2</LI>", "<LI>3</LI>"]);
    expect((target.childNodes[0] as FakeElement).onclick).toBe(handler);
    morph(target, el("ul", {}, el("li", {}, "1")));
    expect(target.childNodes.length).toBe(1);
    expect((target.childNodes[0] as FakeElement).onclick).toBe(null);
  });
});
