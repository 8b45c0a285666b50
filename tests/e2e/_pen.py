"""Drawing on the pad with a real mouse: shared by the browser tests of the canvas."""

import json
import pathlib

#: Hand-designed pen paths, six per digit, in 280x280 pad pixels (tests/strokes/make_digits.py).
DIGITS = json.loads((pathlib.Path(__file__).parent.parent / "strokes" / "digits.json").read_text())


def draw(page, pad, strokes, *, hold_last=False):
    """Draw pad-pixel strokes with the real mouse (pointer events), one stroke per press.

    ``hold_last`` leaves the button down at the end of the last stroke: what the page shows
    then was computed in the page alone, before any stroke reached Python.
    """
    box = pad.bounding_box()
    sx, sy = box["width"] / 280, box["height"] / 280
    for k, stroke in enumerate(strokes):
        x, y = stroke[0]
        page.mouse.move(box["x"] + x * sx, box["y"] + y * sy)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * sx, box["y"] + y * sy)
        if not (hold_last and k == len(strokes) - 1):
            page.mouse.up()
