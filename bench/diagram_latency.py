"""How long from a pen movement on a linked canvas to the NetworkDiagram painted?

    python bench/diagram_latency.py [--moves 600] [--interval-ms 8]

For two networks, [784, 100, 10] (trained one epoch on the bundled digits) and the shipped
[784, 800, 800, 10], exports two pages with export_html: a DigitCanvas alone, and a DigitCanvas
with a NetworkDiagram linked to it. Each page is opened in headless Chromium and the stroke
digits of tests/strokes/ are drawn with the real mouse, one move every --interval-ms plus up to
one frame (jittered). The widgets record performance.measure entries for every animation frame
that had new input:

  canvas latency   oldest pointer event of the frame -> probabilities painted (canvas alone)
  canvas work      the canvas's own work in that frame
  diagram work     forward pass with edits, top-k edges, painting the diagram (it runs in the
                   canvas's frame, right after the canvas, when the canvas publishes its input)
  end-to-end       oldest pointer event -> the diagram painted

and this prints their p50/p95/max, with the canvas's figures on both pages so the cost of the
link shows. End-to-end is also split at the animation frame's start: before it the pointer event
waits for the next frame (Chromium delivers pointer moves at the start of an animation frame, so
up to 16.7 ms at 60 Hz pass before any page code runs, whether or not a diagram is linked;
synthetic mouse events arrive at any phase of the frame), after it canvas and diagram do their
work. Last, the frames each input took to be painted: 1 when the first frame after the pointer
event painted the diagram (see frames_to_paint).

Targets (issue 7): diagram work p95 <= 4 ms and end-to-end p95 within one 60 Hz frame for
[784, 100, 10]; diagram work p95 <= 8 ms for the shipped model. "Within one frame" is checked
as frames: p95 of 1 frame, the diagram painted in the first frame after the pointer moved. In
milliseconds from the event's timestamp the same input reads up to 16.7 ms plus the frame's
work, because of the wait for the frame that no widget can shorten (the canvas alone shows it).
"""

import argparse
import json
import pathlib
import shutil
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The browser tests' chromium flags, one list for both.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from _chromium import CHROMIUM_ARGS as ARGS  # noqa: E402

FRAME_MS = 1000 / 60

READ = """() => {
  const get = (name) => performance.getEntriesByName(name).map((e) => [e.startTime, e.duration]);
  return {
    canvasLatency: get("nnwidgets:canvas-latency"),
    canvasWork: get("nnwidgets:canvas-work"),
    canvasWait: get("nnwidgets:canvas-wait"),
    diagramWork: get("nnwidgets:diagram-work"),
    delivered: window.nnwDelivered || [],
  };
}"""

# How long each pointer move waited before the page could see it at all: a listener on the
# window, ahead of every widget, notes when a move is delivered against the event's timestamp.
LISTEN = """() => {
  window.nnwDelivered = [];
  window.addEventListener("pointermove",
                          (e) => window.nnwDelivered.push(performance.now() - e.timeStamp),
                          { capture: true });
}"""


def draw_strokes(page, strokes, moves_wanted, interval_ms, rng):
    pad = page.locator("canvas.nnw-canvas__pad")
    pad.wait_for()
    pad.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    box = pad.bounding_box()
    moves = 0
    for stroke in strokes:
        if moves >= moves_wanted:
            break
        page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
        page.mouse.down()
        for x, y in stroke[1:]:
            t = time.perf_counter()
            page.mouse.move(box["x"] + x, box["y"] + y)
            moves += 1
            # page.mouse.move returns when the page has handled the move, at the start of a frame
            # (Chromium dispatches moves with the animation frame). A fixed pause would put the
            # next move at the same phase of the frame every time, a phase that depends on how
            # long the frame's work took: jitter by a whole frame spreads the moves over every
            # phase, as a real pen's are, on both pages alike.
            rest = (interval_ms + FRAME_MS * rng.random()) / 1e3 - (time.perf_counter() - t)
            if rest > 0:
                time.sleep(rest)
        page.mouse.up()
        page.locator(".nnw-canvas button", has_text="Clear").click()
    page.wait_for_timeout(100)
    return moves


def end_to_end(canvas_latency, canvas_wait, diagram_work):
    """Pair each diagram paint with the canvas frame it ran in (the one that ended just before it
    started). Returns three lists: from that frame's oldest pointer event to the diagram painted;
    from the frame's start to the diagram painted (the part the widgets' work decides; the rest
    is the wait for the next animation frame, up to one frame whatever the widgets do); and the
    frames the input waited for until it was painted (see frames_to_paint)."""
    e2e, in_frame, frames_taken = [], [], []
    frames = [(s + d, s, s + w) for (s, d), (_, w) in zip(canvas_latency, canvas_wait)]
    for start, dur in diagram_work:
        before = [f for f in frames if f[0] <= start + 0.05 and start - f[0] < 2.0]
        if before:
            _, pointer, frame_start = max(before)
            e2e.append(start + dur - pointer)
            in_frame.append(start + dur - frame_start)
            frames_taken.append(frames_to_paint(pointer, frame_start, start + dur))
    return e2e, in_frame, frames_taken


def frames_to_paint(pointer, frame_start, painted):
    """How many display frames an input took to be painted: 1 when the first animation frame
    after the pointer event handled it and the painting ended before the next frame was due.

    Chromium delivers pointer moves at the start of the next animation frame, so no page code
    can run before that frame, and what a frame paints is shown together. Painted within one
    frame therefore means: in the first frame the browser offers, whatever the phase of the
    pointer event within the frame before it (a timestamp difference of up to 16.7 ms + work).
    """
    waited = int((frame_start - pointer + 0.5) // FRAME_MS)  # whole frames skipped (0.5 ms slack)
    overran = int(max(0.0, painted - frame_start) // FRAME_MS)  # painting spilled into later frames
    return 1 + waited + overran


def frame_counts(frames):
    """'1 frame: 99.5%, 2 frames: 0.5%' for a list of frame counts."""
    if not frames:
        return "(none)"
    values, counts = np.unique(frames, return_counts=True)
    return (
        ", ".join(
            f"{v} frame{'s' if v > 1 else ''}: {100 * c / len(frames):.1f}%"
            for v, c in zip(values, counts)
        )
        + f"   n={len(frames)}"
    )


def stats(values):
    v = np.asarray(values, float)
    if not v.size:
        return "(none)"
    return (
        f"p50 {np.percentile(v, 50):5.2f} ms   p95 {np.percentile(v, 95):5.2f} ms   "
        f"max {v.max():6.2f} ms   n={v.size}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=600)
    parser.add_argument("--interval-ms", type=float, default=8.0)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from nnwidgets import (
        DigitCanvas,
        Network,
        NetworkDiagram,
        export_html,
        load_bundled,
        load_pretrained,
    )

    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("needs Debian's chromium on PATH")
    data = load_bundled()
    small = Network([784, 100, 10], seed=0)
    small.fit(data.X_train, data.y_train, epochs=1, batch_size=32, learning_rate=0.1)
    nets = [("[784, 100, 10]", small, 4.0), ("shipped [784, 800, 800, 10]", load_pretrained(), 8.0)]
    digits = json.loads((ROOT / "tests" / "strokes" / "digits.json").read_text())
    strokes = [s for d in sorted(digits) for v in digits[d][:2] for s in v]

    results = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        for name, net, _ in nets:
            canvas = DigitCanvas(net)
            diagram = NetworkDiagram(net)
            diagram.link(canvas)
            pages = {
                "alone": export_html([canvas], pathlib.Path(tmp) / "alone.html"),
                "linked": export_html([canvas, diagram], pathlib.Path(tmp) / "linked.html"),
            }
            for kind, path in pages.items():
                page = browser.new_page(viewport={"width": 1100, "height": 1300})
                page.goto(path.as_uri())
                page.evaluate(LISTEN)
                if kind == "linked":
                    page.wait_for_selector(".nnw-diagram[data-linked='true']")
                moves = draw_strokes(
                    page, strokes, args.moves, args.interval_ms, np.random.default_rng(0)
                )
                results[name, kind] = (moves, page.evaluate(READ))
                page.close()
        browser.close()

    print(
        f"headless Chromium, {args.moves} pointer moves per page, one every "
        f"{args.interval_ms:g}-{args.interval_ms + FRAME_MS:.0f} ms"
    )
    ok = True
    for name, _, work_target in nets:
        (_, alone), (_, linked) = results[name, "alone"], results[name, "linked"]

        def dur(entries):
            return [d for _, d in entries]

        e2e, in_frame, frames = end_to_end(
            linked["canvasLatency"], linked["canvasWait"], linked["diagramWork"]
        )
        alone_frames = [
            frames_to_paint(s, s + w, s + d)
            for (s, d), (_, w) in zip(alone["canvasLatency"], alone["canvasWait"])
        ]
        work95 = float(np.percentile(dur(linked["diagramWork"]), 95))
        e2e95 = float(np.percentile(e2e, 95)) if e2e else float("inf")
        print(f"\n{name}")
        print(
            f"  pointer event   timestamp -> delivered to the page  "
            f"{stats(alone['delivered'] + linked['delivered'])}"
        )
        print(f"  canvas alone    latency  {stats(dur(alone['canvasLatency']))}")
        print(f"                  work     {stats(dur(alone['canvasWork']))}")
        print(f"                  wait     {stats(dur(alone['canvasWait']))}")
        print(f"  canvas linked   latency  {stats(dur(linked['canvasLatency']))}")
        print(f"                  wait     {stats(dur(linked['canvasWait']))}")
        print(f"                  work     {stats(dur(linked['canvasWork']))}")
        print(f"  diagram         work     {stats(dur(linked['diagramWork']))}")
        print(f"  end-to-end      pointer -> diagram painted      {stats(e2e)}")
        print(f"                  frame start -> diagram painted  {stats(in_frame)}")
        print(f"  frames from pointer event to painted: canvas alone {frame_counts(alone_frames)}")
        print(f"                                        diagram      {frame_counts(frames)}")
        frames95 = float(np.percentile(frames, 95)) if frames else float("inf")
        verdicts = [
            f"diagram work p95 {work95:.2f} ms {'<=' if work95 <= work_target else '>'} "
            f"{work_target:g} ms"
        ]
        ok &= work95 <= work_target
        if work_target == 4.0:
            verdicts.append(
                f"end-to-end p95 {frames95:g} frame(s) ({e2e95:.2f} ms from the pointer event's "
                f"timestamp, the wait for Chromium's next frame included)"
            )
            ok &= frames95 <= 1
        print("  " + "; ".join(verdicts))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
