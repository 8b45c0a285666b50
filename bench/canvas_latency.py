"""How long from a pen movement to the ten probabilities on screen?

    python bench/canvas_latency.py [--model path.npz] [--moves 400] [--interval-ms 8]

Exports a DigitCanvas page with export_html (the default model, or --model; an untrained
network of the same [784, 800, 800, 10] shape when no model is available: the cost is the
same), opens it in headless Chromium, and draws the stroke digits of tests/strokes/ with the
real mouse, one move every --interval-ms (a pen reports at about 60-240 Hz). The widget
records, for every animation frame that had new input (performance.measure):

  latency  oldest pointer event of the frame -> probabilities painted into the bars
  wait     oldest pointer event -> the frame starting (requestAnimationFrame's wait)
  work     ink -> to_mnist -> forward pass -> bars, inside the frame

and this prints their p50/p95/max. Target: latency p95 < 16 ms (one 60 Hz frame).
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--moves", type=int, default=400)
    parser.add_argument("--interval-ms", type=float, default=8.0)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from nnwidgets import Network, load_pretrained
    from nnwidgets.widgets.canvas import DigitCanvas
    from nnwidgets.widgets.export import export_html

    net, name = (
        (Network.load(args.model), args.model)
        if args.model
        else (load_pretrained(), "load_pretrained()")
    )
    digits = json.loads((ROOT / "tests" / "strokes" / "digits.json").read_text())
    strokes = [s for d in sorted(digits) for v in digits[d][:2] for s in v]
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("needs Debian's chromium on PATH")

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_path = export_html(DigitCanvas(network=net), pathlib.Path(tmp) / "canvas.html")
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 900, "height": 700})
        page.goto(page_path.as_uri())
        pad = page.locator("canvas.nnw-canvas__pad")
        pad.wait_for()
        box = pad.bounding_box()
        moves = 0
        for stroke in strokes:
            if moves >= args.moves:
                break
            page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
            page.mouse.down()
            for x, y in stroke[1:]:
                t = time.perf_counter()
                page.mouse.move(box["x"] + x, box["y"] + y)
                moves += 1
                rest = args.interval_ms / 1e3 - (time.perf_counter() - t)
                if rest > 0:
                    time.sleep(rest)
            page.mouse.up()
            page.locator("button", has_text="Clear").click()
        page.wait_for_timeout(100)
        res = page.evaluate("""() => Object.fromEntries(["latency", "wait", "work"].map((m) =>
            [m, performance.getEntriesByName(`nnwidgets:canvas-${m}`).map((e) => e.duration)]))""")
        browser.close()

    print(f"model: {name}")
    print(
        f"{moves} pointer moves, one every {args.interval_ms:g} ms; "
        f"{len(res['latency'])} frames with new input"
    )
    for m in ("latency", "wait", "work"):
        v = np.array(res[m])
        print(
            f"  {m:8s} p50 {np.percentile(v, 50):5.1f} ms   "
            f"p95 {np.percentile(v, 95):5.1f} ms   max {v.max():5.1f} ms"
        )
    p95 = float(np.percentile(res["latency"], 95))
    print(f"latency p95 {p95:.1f} ms: {'within' if p95 < 16 else 'over'} the 16 ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
