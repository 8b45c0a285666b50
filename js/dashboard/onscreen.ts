// Drawing only what is on screen. While the dashboard trains, its charts and panels redraw
// several times a second; a part scrolled out of view (the charts while the reader looks at the
// panels below them, or the panels while they watch the curves) costs the page that work for
// nothing, and on a small machine the kernel pays for it in training speed. A part that is off
// screen skips its redraws and remembers it is behind; it catches up, once, with the latest
// state when it scrolls back into view, so the reader never sees it out of date.

/** Whether a part draws now, and whether it owes a drawing when it comes into view. Pure: the
 * IntersectionObserver that feeds it is in `watchOnScreen`. */
export class OnScreen {
  private visible = true; // until the observer says otherwise (hosts without one: always)
  private behind = false;

  /** Whether the part is on screen (as last observed). */
  get shown(): boolean {
    return this.visible;
  }

  /** Whether it skipped a drawing that it has not caught up with. */
  get stale(): boolean {
    return this.behind;
  }

  /** Asked before each redraw: true to draw now; false (off screen) remembers the skip. */
  due(): boolean {
    if (this.visible) {
      this.behind = false;
      return true;
    }
    this.behind = true;
    return false;
  }

  /** The observer's news: true when the part just came into view owing a drawing. */
  seen(visible: boolean): boolean {
    const catchUp = visible && !this.visible && this.behind;
    this.visible = visible;
    return catchUp;
  }
}

/**
 * Feed `gate` from an IntersectionObserver on `els` (the part is on screen while any of them
 * is; a margin of `margin` pixels counts as on screen, so a part scrolled towards is drawn
 * before it shows), calling `catchUp` when it comes into view owing a drawing. Returns the
 * function that stops watching; where the host has no IntersectionObserver the part stays
 * "on screen" and always draws.
 */
export function watchOnScreen(els: Element | Element[], gate: OnScreen, catchUp: () => void,
  margin = 200): () => void {
  if (typeof IntersectionObserver !== "function") return () => {};
  const list = Array.isArray(els) ? els : [els];
  const showing = new Set<Element>();
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) showing.add(e.target);
      else showing.delete(e.target);
    }
    if (gate.seen(showing.size > 0)) catchUp();
  }, { rootMargin: `${margin}px 0px` });
  for (const el of list) observer.observe(el);
  return () => observer.disconnect();
}
