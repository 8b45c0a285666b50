"""The collapse watch: a built-in training callback that notices a run which blew up without a
NaN, the network collapsed to guessing one class.

Measured on MNIST (learning rates 30 to 100 with sigmoid outputs, 3 with ReLU and softmax),
such runs end with a network whose output no longer depends on its input: it predicts one class
for nearly every example of a mini-batch (which class may change from step to step as the
biases swing), is right no more often than always guessing the commonest class, and some
layer's weights moved several times their own starting size. Slow starts (weights barely moved,
as with deep sigmoid networks) and lively runs that still learn (predictions spread over the
classes) do not match it. Judged on the second half of each epoch, after the first steps'
transient. Only for classification with one-hot targets and two or more outputs.
"""

from __future__ import annotations

import numpy as np

from .training import Callback, EndTraining, snapshot

__all__ = ["CollapseWatch"]


class CollapseWatch(Callback):
    """Ends a collapsed run as "diverged", restoring the last healthy weights.

    The :class:`~nnwidgets.training.Trainer` runs it before the user's callbacks, and its
    ``on_epoch_end`` before the epoch is recorded, so a collapsed epoch leaves no trace in the
    history beyond its mini-batches.
    """

    MOVED = 3.0  # some layer's weights moved by this many times their starting norm
    ONE_CLASS = 0.9  # share of a mini-batch's predictions that went to a single class
    MARGIN = 0.02  # accuracy at most this far above the commonest class's share

    def on_train_begin(self, trainer):
        net, Y, labels = trainer.network, trainer.Y, trainer.labels
        n_out = Y.shape[1]
        self.applies = (
            n_out >= 2
            and labels is not None
            and bool(((Y == 0) | (Y == 1)).all() and (Y.sum(1) == 1).all())
        )
        if not self.applies:
            return
        self.n_out = n_out
        self.half = len(Y) // 2
        self.baseline = np.bincount(labels, minlength=n_out).max() / len(labels)
        self.start = snapshot(net)
        self.start_norms = [float(np.linalg.norm(w)) for w in net.weights]
        self.healthy, self.healthy_when = self.start, "before training"

    def on_epoch_begin(self, trainer, epoch):
        self.seen = self.same = self.correct = 0

    def on_batch_end(self, trainer, batch, logs):
        if not self.applies:
            return
        predicted = trainer.batch_predictions
        if batch * trainer.batch_size + len(predicted) > self.half:  # the epoch's second half
            self.seen += len(predicted)
            self.same += int(np.bincount(predicted, minlength=self.n_out).max())
            self.correct += round(logs["accuracy"] * len(predicted))

    def on_batches_end(self, trainer, first, sizes, predicted, correct):
        """:meth:`on_batch_end` for consecutive mini-batches at once (the loop records them so
        when nothing else reads them at each step): ``first`` is the first one's number,
        ``sizes`` their sizes, ``predicted`` their examples' classes one after the other, and
        ``correct`` how many each got right."""
        if not self.applies:
            return
        count = len(sizes)
        late = (first + np.arange(count)) * trainer.batch_size + sizes > self.half
        if not late.any():
            return
        # How many of each mini-batch's examples went to each class: one bincount for all.
        batch_of = np.repeat(np.arange(count), sizes)
        per_class = np.bincount(batch_of * self.n_out + predicted, minlength=count * self.n_out)
        most = per_class.reshape(count, self.n_out).max(axis=1)
        self.seen += int(sizes[late].sum())
        self.same += int(most[late].sum())
        self.correct += int(correct[late].sum())

    def on_epoch_end(self, trainer, epoch, logs):
        if not self.applies:
            return
        net = trainer.network
        collapse = self.collapse(net)
        if collapse:
            net.weights, net.biases = self.healthy
            raise EndTraining(
                "diverged",
                f"training diverged in epoch {epoch + 1} at learning_rate="
                f"{trainer.current_learning_rate(epoch):g}: {collapse}. Restored the weights "
                f"from {self.healthy_when}; try a smaller learning rate.",
            )
        self.healthy, self.healthy_when = snapshot(net), f"the end of epoch {epoch + 1}"

    def collapse(self, net):
        """A description of the collapse, or None when training looks alive."""
        if not self.seen:
            return None
        share, accuracy = self.same / self.seen, self.correct / self.seen
        if share < self.ONE_CLASS or accuracy > self.baseline + self.MARGIN:
            return None
        moved = max(
            float(np.linalg.norm(w - w0)) / max(norm0, 1e-12)
            for w, w0, norm0 in zip(net.weights, self.start[0], self.start_norms)
        )
        if moved < self.MOVED:
            return None
        return (
            f"the network's output no longer depends on its input (it gives one class to "
            f"{share:.0%} of each mini-batch) and it gets {accuracy:.1%} right, no better "
            f"than always guessing the commonest class ({self.baseline:.1%}), after its "
            f"weights moved {moved:.0f} times their starting size"
        )
