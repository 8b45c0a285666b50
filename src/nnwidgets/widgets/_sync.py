"""The one writer that sends a network's new weights to its widgets, throttled.

A network notifies its subscribers on whatever thread changed it: often a training thread,
many times a second. Serialising megabytes of weights there would slow training, and several
threads writing traits of one widget would interleave their messages. So a widget's subscriber
callback only calls :func:`request`, which marks the widget dirty (a dict entry: nothing queues
up however often it is called), and this module's single daemon thread sends each dirty widget
its current state, at most once per ``MIN_INTERVAL`` per widget. The latest weights win: the
state is read when it is sent, not when it was requested. A send that takes long (a big
network's weights copied and re-predicted) spaces the next one out further, so that the writer
is busy at most ``MAX_DUTY`` of the time per widget and training keeps the cores.
"""

from __future__ import annotations

import logging
import threading
import time

__all__ = ["MIN_INTERVAL", "request", "cancel", "flush"]

logger = logging.getLogger("nnwidgets.widgets")

#: Seconds between two sends to the same widget: at most 10 updates a second each.
MIN_INTERVAL = 0.1

#: Largest share of time the writer may spend sending to one widget (bench/widget_overhead.py:
#: without it, the shipped model's 2.4M weights sent ten times a second cost training 12%).
MAX_DUTY = 0.01


class _Writer:
    def __init__(self):
        self._cond = threading.Condition()
        self._dirty = {}  # widget -> time it became dirty (insertion order: oldest first)
        self._next_allowed = {}  # widget -> monotonic time its next send may start
        self._busy = False  # a send is in progress (flush waits for it)
        self._thread = None

    def request(self, widget):
        # Already dirty: the writer has it in hand and will read the state when it sends, so
        # there is nothing to add and no reason to wake it (a training thread notifies after
        # every epoch, hundreds of times a second for a small network, and each wake-up would
        # take the GIL from it). A dict lookup is atomic; a widget the writer takes meanwhile
        # is sent with the state read after it was taken, so this request is covered.
        # (A writer that died is restarted below, as before.)
        thread = self._thread
        if widget in self._dirty and thread is not None and thread.is_alive():
            return
        with self._cond:
            self._dirty.setdefault(widget, time.monotonic())
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="nnwidgets-writer", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def cancel(self, widget):
        with self._cond:
            self._dirty.pop(widget, None)
            self._next_allowed.pop(widget, None)
            self._cond.notify_all()

    def flush(self, timeout):
        """Wait until nothing is dirty and no send is running; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._dirty or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _next_due(self, now):
        """The dirty widget that may be sent soonest, and when."""
        best, best_due = None, None
        for widget in self._dirty:
            due = self._next_allowed.get(widget, -float("inf"))
            if best_due is None or due < best_due:
                best, best_due = widget, due
        return best, best_due

    def _run(self):
        while True:
            with self._cond:
                while True:
                    now = time.monotonic()
                    widget, due = self._next_due(now)
                    if widget is not None and due <= now:
                        break
                    self._cond.wait(None if widget is None else due - now)
                del self._dirty[widget]
                self._next_allowed[widget] = now + MIN_INTERVAL
                self._busy = True
            try:
                widget._send_network_state()
            except Exception:  # a writer that died would silently freeze every widget
                logger.exception(
                    "nnwidgets: could not send new weights to %r", type(widget).__name__
                )
            finally:
                end = time.monotonic()
                with self._cond:
                    if widget in self._next_allowed:  # not cancelled meanwhile
                        rest = (end - now) * (1 / MAX_DUTY - 1)  # idle time owed for this send
                        self._next_allowed[widget] = max(now + MIN_INTERVAL, end + rest)
                    self._busy = False
                    self._cond.notify_all()


_writer = _Writer()


def request(widget):
    """Mark ``widget`` as needing its network's current state; returns at once (any thread)."""
    _writer.request(widget)


def cancel(widget):
    """Forget ``widget`` (it is closing): no send after this returns, except one in progress."""
    _writer.cancel(widget)


def flush(timeout=5.0):
    """Block until every requested send has happened; False if ``timeout`` passed first.

    For tests and scripts that need the widgets up to date before they go on.
    """
    return _writer.flush(timeout)
