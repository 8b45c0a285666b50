"""NetworkDiagram: every neuron's activation for one input, live with the pen and with training.

>>> from nnwidgets import DigitCanvas, NetworkDiagram
>>> canvas = DigitCanvas()
>>> diagram = NetworkDiagram(canvas.network)   # or NetworkDiagram(net), NetworkDiagram()
>>> diagram.link(canvas)                       # follows the pen in the page, no kernel round trip
>>> diagram.show(X_test[7])                    # or any input from Python (28x28 or 784)
>>> diagram.activations                        # [x, a1, ..., aL] as the diagram shows them
>>> diagram.ablate(1, 17)                      # switch off neuron 17 of the first hidden layer
>>> diagram.ablated, diagram.prediction
>>> diagram.ablated_network()                  # a copy of the network with the edits applied
>>> diagram.show_errors(X_test[7], 7)          # backpropagation's errors for that input and target
>>> diagram.errors                             # [delta1, ..., deltaL], delta^l = dC/dz^l
>>> diagram.mode = "activations"               # back to activations (the target is kept)

Layers are numbered as in the book: 0 is the input, 1 the first hidden layer, L the output.
An *edit* multiplies a hidden neuron's activation by a factor (0 switches it off); the page
applies the same edits in its own forward pass (js/diagram/edits.ts), so a click changes the
picture at once and ``prediction`` follows here. The network itself is never changed.

**Errors flowing back.** :meth:`NetworkDiagram.show_errors` colours every neuron by its error
delta^l_j = dC/dz^l_j for one example and its target, on a diverging scale (red: raising z would
raise the cost), one scale per layer because errors shrink as they flow back, each layer's
range in the legend. Python computes them (errors.py: BP1 and BP2, the edits applied;
for a single example they equal ``Network.backprop``'s ``nabla_b``, by BP3) and sends them
with the input they belong to. The connections drawn are the errors flowing back: into each
neuron of layer l, the ``top_k`` largest |w^{l+1}_kj delta^{l+1}_k|. The mode and the target
stay until changed; whenever the input changes in Python (``show``, a linked canvas's stroke
ending), the errors are recomputed for the new input against the same target. While the pen of
a linked canvas moves, the page has no errors for what it shows, so it shows activations (and
says so in the legend) until Python's errors for the finished stroke arrive; on a page with no
kernel (export_html, export_esm) it stays on activations after a stroke.

In the page: hover a neuron for its z, bias and activation (a first-hidden neuron also shows
its 784 incoming weights as a 28x28 image, an output neuron its strongest inputs); click a
hidden neuron to switch it off or on, the card's + and - buttons (or the + and - keys) to
scale it by 0.25, Reset to undo every edit. Keyboard: see the class docstring.

While linked, the page reads the canvas's live 28x28 input from the canvas's own model (the
canvas front end sets ``_live`` there on every frame without save_changes, js/lib/live.ts), and
Python's ``input`` follows ``canvas.pixels`` when a stroke ends. While linked, the canvas's
pen decides what the page shows, and :meth:`NetworkDiagram.show` puts the digit on the canvas.

The package: ``widget.py`` (the widget), ``forward.py`` (one example's forward pass with the
edits, which both views are drawn from), ``errors.py`` (the errors, from that same pass).
"""

from .errors import cost_of, edited_deltas, target_vector
from .forward import edited_forward, edited_pass
from .widget import NetworkDiagram

__all__ = [
    "NetworkDiagram",
    "edited_forward",
    "edited_pass",
    "edited_deltas",
    "cost_of",
    "target_vector",
]
