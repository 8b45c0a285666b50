"""What watching costs: training throughput with a TrainingDashboard attached, as a ratio to
``net.fit`` on the same data, measured alternately in this one run; and what the page is sent.

Two modes.

``--browser`` (the figure issue 8 asks for): starts JupyterLab on 127.0.0.1 and Debian's
headless chromium (driven by playwright, as the e2e tests do), opens one notebook and, in its
one kernel, alternates a headless ``net.fit`` with the same training driven by a
TrainingDashboard displayed in the page (``dash.start(); dash.wait()`` in a cell, so the page
draws every update while the kernel trains). Throughput is timed in the kernel. Messages are
counted as the page receives them (the kernel websocket's frames that carry the dashboard's
comm id). Then a [4, 3, 2] network trains 200,000 mini-batches of one sample in the page and
the page's JS heap (CDP ``Performance.getMetrics``, after a forced garbage collection) is read
before, during and after: decimation must keep it bounded.

The page draws only what is on screen (curves, panels, progress: an IntersectionObserver), and
a reader watching training sees the whole dashboard, so the timed runs do too: the window is
made as tall as the warm-up dashboard once trained (its panels drawn), and an
IntersectionObserver in the page scrolls each timed dashboard back into view whenever the
notebook scrolls it away (running the timing cell below it does); the output says how often that
happened. Until late on 5 Dec a timer did it, reading the dashboard's position ten times a
second: that forced a layout of the whole JupyterLab page each time, 12-13 ms of the page's main
thread a second on the dashboard's side alone (found with a Chromium trace; the page's main
thread went from 0.28-0.34 of each second to 0.25-0.29 without it; four runs read 0.890-0.928).

Without ``--browser``: the kernel-side cost only. The dashboard trains in its background
thread while its writer serialises the curves exactly as in a notebook, but the comm is
replaced by one that counts messages and bytes instead of sending them.

    python bench/dashboard_overhead.py --browser          # about 35 s
    python bench/dashboard_overhead.py --browser --panels # calibration and layer_speed on
    python bench/dashboard_overhead.py --browser --panels --full-mnist --samples 50000 --epochs 4
    python bench/dashboard_overhead.py                    # kernel side only
    python bench/dashboard_overhead.py --batch-size 1 --epochs 1 --repeats 3

Measured on the 2-core development machine (26 Nov 2026, load average about 1), ``--browser``:
ratio 0.979 best to best, 0.988 mean to mean, at batch size 10 (net.fit 94,500 samples/s);
5.5 messages/s received, the start and end messages included; JS heap after GC 35.2 MB before
and 35.9 MB after 200,000 mini-batches (44.2-46.0 MB while they trained). Chromium used 0.22 of
a core while the dashboard trained (0.30 at ``--update-interval 0.1``, where the ratio was
0.93-0.97). At ``--batch-size 32 --epochs 40`` the dashboard was 1.2 times as fast as net.fit:
the dashboard trains with one BLAS thread beside a page (dashboard/runs.py: threads_beside_a_page),
and net.fit's two threads lost more than they gained in the kernel next to the page.

``--panels`` (calibration and layer_speed on, 2,000 validation digits for both sides) also times
the same dashboard without those two panels, alternated, so their own cost shows on a busy
machine. On the shared 2-core machine (4 Dec 2026, 8 sessions at work): dashboard / net.fit
1.038 best to best, 0.985 mean to mean at load 1.0-2.4; 0.817 at load 3.4; 0.732 at load
2.4-3.1 (single runs varied up to threefold). With / without the two panels over four runs:
0.987, 0.930, 1.155, 0.854 best to best. In the kernel alone the training thread's CPU time per
sample was the same with and without them (10.0 and 10.2 us); the writer used 0.03 of a core
more. On 5 Dec, after net.fit became about a quarter faster at batch size 10 (150,000-157,000
samples/s here): ``--panels`` 0.809 and 0.816 best to best at load 0.9-2.8 (0.97 and 1.04 against
the dashboard without the two panels; chromium 0.32 of a core against 0.11 while net.fit ran),
``--panels --epochs 60`` 0.859 at load 2.2-3.1; kernel side only 0.979. Later on 5 Dec, the page
drawing only what is on screen and this bench keeping the whole dashboard on screen: ``--panels``
0.912 and 0.920 best to best at load 0.2-1.1 (0.94 without the two panels; chromium 0.37 of a
core against 0.12 idle).
On the morning of 5 Dec (after issue 15's third round), ``--panels`` 0.941 and 0.887 best to best
at load 0.9-2.1; kernel side only with runs of 20 epochs (``--epochs 20 --repeats 3``: the
default single epoch is shorter than the panels' once-a-second work and leaves it out) 0.908,
and 0.920 with ``--panels``, at load 1.4. Later on 5 Dec (issue 15's fourth round): ``--panels``
0.905, 0.923 and 0.924 best to best at load 0.5-1.1, against the dashboard without the two
panels 0.975-0.987 (chromium 0.35 of a core, the page's main thread 0.28-0.30 of each second).
That afternoon (load 0.8-2.0): ``--panels`` 0.905, 0.932 and 0.912 best to best; with book-length
epochs (``--panels --full-mnist --samples 50000 --epochs 4``) 1.034, 0.998, 0.996 and 1.000, the
same 200,000 samples in 4 epoch ends instead of 20 (each has the panels' measures); kernel side
only (``--epochs 20 --repeats 3``) 0.955. After the recorder stopped being called at every
mini-batch: ``--panels`` 0.887, 0.919 and 0.895 (alternated with the code before it, 0.895 and
0.915: no change that stands out of the noise here), kernel side only 0.923.

Where the time goes. ``--browser`` also prints the training thread's own clocks for both sides
(a callback on each run reads the thread's wall and CPU time and Linux's per-thread context
switch counts): the share of its wall time it spent on a core, its CPU time per sample, and per
second how often it waited for another thread (voluntary switches: the GIL above all, which
the dashboard's writer holds between its NumPy calls) and how often it was preempted. The
dashboard's ratio to ``net.fit`` is the product of the two: the ratio of those shares over the
ratio of the CPU times. Later on 5 Dec (load 0.5-2.2), ``--panels`` 0.913, 0.923 and 0.922 best to
best: on a core 0.983-0.993 of the time with ``net.fit`` and 0.936-0.946 with the dashboard,
CPU time per sample 1.028-1.040 times ``net.fit``'s, 2-3 waits a second against 459-503, 18-26
preemptions against 67-92. So about 5 points go to time off the core and 3-4 to the training
thread working slower, although its own dashboard work is some 0.1 ms an epoch (copying the
weights for the writer); the writer's measures (2.7 ms of CPU per epoch's copy) run beside it
and share the caches and memory. Without ``--panels`` (no validation data, no calibration, no
speed of learning): 0.975, on a core 0.985 and 0.953, CPU time per sample 0.995 times, 125
waits a second. An experiment not kept: the calibration's ECE taken on the training thread from
the Trainer's validation outputs instead of on the writer, which cut the waits with calibration
alone from about 560 to 200 a run (kernel side) but left ``--panels`` at 0.898 and 0.908.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

TINY_BATCHES = 200_000  # mini-batches of the memory run


def load_average():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# ------------------------------------------------------------------------------ kernel side


def kernel_side(args):
    import comm
    import numpy as np

    from nnwidgets import Network, TrainingDashboard
    from nnwidgets.datasets import load_bundled

    class CountingComm(comm.DummyComm):
        """The widget's comm, counting what would go to the page."""

        messages = []  # (monotonic time, bytes of binary buffers)

        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            if msg_type == "comm_msg":
                CountingComm.messages.append(
                    (time.monotonic(), sum(memoryview(b).nbytes for b in buffers or []))
                )

    comm.create_comm = CountingComm

    def timed_fit(X, y, epochs, batch_size):
        net = Network([784, 100, 10], seed=0)
        began = time.perf_counter()
        net.fit(X, y, epochs=epochs, batch_size=batch_size, learning_rate=0.05)
        return len(X) * epochs / (time.perf_counter() - began)

    def timed_dashboard(X, y):
        net = Network([784, 100, 10], seed=0)
        dash = TrainingDashboard(
            net, train=(X, y), epochs=args.epochs, batch_size=args.batch_size, learning_rate=0.05
        )
        CountingComm.messages.clear()
        began = time.perf_counter()
        dash.start()
        dash.wait()
        seconds = time.perf_counter() - began
        sent = list(CountingComm.messages)
        dash.close()
        return len(X) * args.epochs / seconds, sent, seconds

    def decimation_bound():
        """Points kept and bytes sent per curve after TINY_BATCHES mini-batches of one example."""
        rng = np.random.default_rng(0)
        X = rng.normal(size=(1000, 4)).astype(np.float32)
        y = (X[:, 0] > 0).astype(int)
        dash = TrainingDashboard(
            Network([4, 3, 2], seed=0), train=(X, y), epochs=TINY_BATCHES // 1000, batch_size=1
        )
        dash.run()
        run = dash.runs[0]
        biggest = max(b for _, b in CountingComm.messages)
        dash.close()
        return run.batch.total, len(run.batch), run.batch.stride, biggest

    data = load_bundled()
    X, y = data.X_train[: args.samples], data.y_train[: args.samples]
    timed_fit(X[:2000], y[:2000], 1, args.batch_size)  # warm up
    fits, dashes, rates, biggest = [], [], [], 0
    for _ in range(args.repeats):  # alternate, so drift on a shared machine hits both alike
        fits.append(timed_fit(X, y, args.epochs, args.batch_size))
        speed, sent, seconds = timed_dashboard(X, y)
        dashes.append(speed)
        rates.append(len(sent) / seconds)
        biggest = max([biggest] + [b for _, b in sent])
    fit, dash = max(fits), max(dashes)
    print(
        f"data: {len(X):,} bundled digits, [784, 100, 10], batch_size {args.batch_size}, "
        f"{args.epochs} epoch(s), best of {args.repeats}"
    )
    print(f"net.fit                : {fit:10,.0f} samples/s")
    print(f"dashboard start + wait : {dash:10,.0f} samples/s")
    print(f"ratio dashboard / fit  : {dash / fit:.3f}")
    print(
        f"messages to the page   : {max(rates):.1f} per second at most "
        f"(largest {biggest:,} bytes of buffers)"
    )
    total, kept, stride, size = decimation_bound()
    print(
        f"after {total:,} mini-batches: {kept} points kept per curve (each the mean of {stride}), "
        f"largest message {size:,} bytes of buffers"
    )


# ----------------------------------------------------------------------------- with a browser

# The kernel's half: run in the notebook's first cell. Timing happens in the kernel, so the
# page's work (drawing, the websocket) shows up only as what it takes from the training.
KERNEL_SETUP = """
import time
import numpy as np
from IPython.display import display
from nnwidgets import Network, TrainingDashboard
from nnwidgets.datasets import load_bundled, load_mnist
from nnwidgets.training import Callback

data = load_mnist(download=False) if {full_mnist} else load_bundled()
X, y = data.X_train[:{samples}], data.y_train[:{samples}]
SETTINGS = dict(epochs={epochs}, batch_size={batch_size}, learning_rate=0.05)
if {validation}:  # net.fit evaluates it each epoch too, so both sides pay for it alike
    SETTINGS["validation"] = (data.X_test[:{validation}], data.y_test[:{validation}])
# The dashboard's optional panels (its constructor's calibration= and layer_speed=).
PANELS = dict(calibration={calibration}, layer_speed={layer_speed})
UPDATE_INTERVAL = {update_interval}
dash = None

class ThreadClock(Callback):
    # The training thread's own clocks over a run: its wall and CPU time, and how often it
    # gave up its core (voluntary context switches: waits, for the GIL above all) or had it
    # taken (preemptions). Linux's per-thread counters; -1 where they cannot be read. It hears
    # no mini-batches, so the loop runs as it would without it.
    last = ""

    @staticmethod
    def switches():
        try:
            with open("/proc/thread-self/status") as f:
                fields = dict(line.split(":", 1) for line in f if "ctxt_switches" in line)
            return int(fields["voluntary_ctxt_switches"]), int(fields["nonvoluntary_ctxt_switches"])
        except (OSError, KeyError, ValueError):
            return -1, -1

    def on_train_begin(self, trainer):
        self.began = (time.perf_counter(), time.thread_time(), self.switches())

    def on_train_end(self, trainer):
        wall0, cpu0, (waits0, preempted0) = self.began
        waits, preempted = self.switches()
        ThreadClock.last = (
            f"wall={{time.perf_counter() - wall0}} cpu={{time.thread_time() - cpu0}} "
            f"waits={{waits - waits0 if waits0 >= 0 else -1}} "
            f"preempted={{preempted - preempted0 if preempted0 >= 0 else -1}}"
        )

def timed_fit():
    net = Network([784, 100, 10], seed=0)
    began = time.perf_counter()
    net.fit(X, y, callbacks=[ThreadClock()], **SETTINGS)
    samples = len(X) * SETTINGS["epochs"]
    rate = samples / (time.perf_counter() - began)
    # One line: run_cell may miss a second one.
    print(f"rate={{rate}} samples={{samples}} {{ThreadClock.last}}")

def show_dashboard(network, train, panels=True, **settings):
    # One dashboard on the page at a time: the previous one's views go away with it.
    global dash
    if dash is not None:
        dash.close()
    extra = {{}} if UPDATE_INTERVAL is None else {{"update_interval": UPDATE_INTERVAL}}
    if panels and network.sizes[0] == 784:  # the timed runs, not the [4, 3, 2] memory run
        extra.update(PANELS)
    dash = TrainingDashboard(network, train=train, callbacks=[ThreadClock()], **extra, **settings)
    display(dash)
    print("model_id=" + dash.model_id)

def timed_dashboard(samples):
    began = time.perf_counter()
    dash.start()
    dash.wait()
    seconds = time.perf_counter() - began
    assert dash.status == "completed", (dash.status, dash.message)
    rate = samples / seconds
    print(f"rate={{rate}} seconds={{seconds}} samples={{samples}} {{ThreadClock.last}}")

timed_fit()  # warm up (imports, BLAS)
"""

TINY = """
rng = np.random.default_rng(0)
X_tiny = rng.normal(size=(1000, 4)).astype(np.float32)
y_tiny = (X_tiny[:, 0] > 0).astype(int)
show_dashboard(Network([4, 3, 2], seed=0), (X_tiny, y_tiny), epochs={epochs}, batch_size=1)
"""


# The newest dashboard on the page: its height, and keeping all of it (curves at the top,
# panels at the bottom) within the window while it trains. Running the timing cell below it
# scrolls the notebook to that cell, so the page scrolls the dashboard back at once. An
# IntersectionObserver does it: the browser tells it when the dashboard stops being wholly on
# screen, from the frames it draws anyway. (A timer reading getBoundingClientRect ten times a
# second, as this bench first did, forced a style and layout pass of the whole JupyterLab page
# each time: 12-13 ms of the page's main thread a second, on the dashboard's side alone.)
_NEWEST = "[...document.querySelectorAll('.nnw-dash')].pop()"
DASH_HEIGHT = f"() => Math.ceil({_NEWEST}.getBoundingClientRect().height)"
KEEP_IN_VIEW = f"""() => {{
  if (window.nnwKeep) window.nnwKeep.disconnect();
  window.nnwChecks = [0, 0];  // [the observer's calls, the scrolls back]
  const el = {_NEWEST};
  window.nnwKeep = new IntersectionObserver((entries) => {{
    for (const entry of entries) {{
      window.nnwChecks[0] += 1;
      if (entry.intersectionRatio < 0.999) {{
        window.nnwChecks[1] += 1;
        el.scrollIntoView({{block: "start"}});
      }}
    }}
  }}, {{threshold: [0.999]}});
  window.nnwKeep.observe(el);
}}"""
# Stop, and return [the observer's calls, the scrolls back, 1 if the dashboard is wholly on
# screen now (training over: this one layout pass costs nothing timed)].
STOP_KEEPING = f"""() => {{
  window.nnwKeep.disconnect();
  const r = {_NEWEST}.getBoundingClientRect();
  return [...window.nnwChecks, r.top >= 0 && r.bottom <= window.innerHeight ? 1 : 0];
}}"""


def _value(text, key):
    return text.split(f"{key}=")[1].split()[0]


def thread_clock(out):
    """The training thread's clocks over one timed run, from the ``ThreadClock`` fields the
    kernel printed: the share of its wall time it was on a core, its CPU time per sample in
    microseconds, and per second its waits (voluntary context switches) and preemptions (None
    where the kernel could not read them)."""
    wall, cpu = float(_value(out, "wall")), float(_value(out, "cpu"))
    waits, preempted = int(_value(out, "waits")), int(_value(out, "preempted"))
    return {
        "on_cpu": cpu / wall,
        "us_per_sample": cpu / int(_value(out, "samples")) * 1e6,
        "waits": waits / wall if waits >= 0 else None,
        "preempted": preempted / wall if preempted >= 0 else None,
    }


def clocks_line(fit_clocks, dash_clocks):
    """What the training thread did while net.fit and while the dashboard trained, the means
    over the runs: whether the dashboard costs it work (CPU time per sample) or time off its
    core (waiting for the GIL or a lock, or preempted by the page and the writer)."""

    def mean(clocks, key):
        values = [c[key] for c in clocks]
        return None if None in values else sum(values) / len(values)

    def per_second(key):
        fit, dash = mean(fit_clocks, key), mean(dash_clocks, key)
        return "unknown" if fit is None or dash is None else f"{fit:.0f} and {dash:.0f}"

    fit_us, dash_us = mean(fit_clocks, "us_per_sample"), mean(dash_clocks, "us_per_sample")
    return (
        f"training thread, net.fit and the dashboard (means over runs): on a core "
        f"{mean(fit_clocks, 'on_cpu'):.3f} and {mean(dash_clocks, 'on_cpu'):.3f} of its wall "
        f"time; CPU time per sample {fit_us:.2f} and {dash_us:.2f} us (dashboard / fit "
        f"{dash_us / fit_us:.3f}); waits {per_second('waits')} a second, preempted "
        f"{per_second('preempted')} a second"
    )


class FrameCounter:
    """Websocket frames the page receives that carry one comm's messages (the dashboard's)."""

    def __init__(self, page):
        self.comm_id = None
        self.frames = []  # (monotonic time, bytes)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload):
        if self.comm_id is None:
            return
        raw = payload if isinstance(payload, bytes) else payload.encode()
        if self.comm_id in raw and b"comm_msg" in raw:
            self.frames.append((time.monotonic(), len(raw)))

    def watch(self, comm_id):
        self.comm_id, self.frames = comm_id.encode(), []


def cpu_seconds():
    """CPU seconds used so far by this bench's processes, by kind: the kernel, the Jupyter
    server, chromium (all its processes), the playwright driver and this script."""
    import psutil

    me = psutil.Process()
    totals = {"kernel": 0.0, "server": 0.0, "chromium": 0.0, "driver": 0.0, "bench": 0.0}
    for proc in [me, *me.children(recursive=True)]:
        try:
            cmd = " ".join(proc.cmdline())
            t = proc.cpu_times()
        except psutil.Error:
            continue
        kind = (
            "bench"
            if proc.pid == me.pid
            else "kernel"
            if "ipykernel" in cmd
            else "server"
            if "jupyterlab" in cmd
            else "chromium"
            if "chromium" in cmd
            else "driver"
        )
        totals[kind] += t.user + t.system
    return totals


MAIN_THREAD = {
    "TaskDuration": "all tasks",
    "ScriptDuration": "script",
    "LayoutDuration": "layout",
    "RecalcStyleDuration": "style",
}


def main_thread(cdp):
    """Seconds the page's main thread has spent so far, in all and by kind (CDP metrics)."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {label: metrics[name] for name, label in MAIN_THREAD.items()}


def heap(cdp, collect=True):
    """The page's JS heap in use (bytes), after a full garbage collection unless told not to."""
    if collect:
        cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["JSHeapUsedSize"], int(metrics["Nodes"])


def start_lab(base):
    """A JupyterLab server like the e2e tests' (tests/e2e/conftest.py): returns (server, log)."""
    import secrets
    import subprocess
    import urllib.error

    from conftest import SERVER_START_TIMEOUT, JupyterServer, _free_port, _write_settings

    dirs = {d: base / d for d in ("root", "settings", "workspaces", "config", "runtime")}
    for d in dirs.values():
        d.mkdir()
    _write_settings(dirs["settings"])
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("JUPYTER_TOKEN", None)
    port, token = _free_port(), secrets.token_hex(24)
    log_path = base / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={dirs['root']}",
        "--ServerApp.terminals_enabled=False",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
    ]
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, cwd=dirs["root"], env=env, stdout=log, stderr=subprocess.STDOUT)
    server = JupyterServer(f"http://127.0.0.1:{port}", token, dirs["root"], log_path, proc)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with code {proc.returncode}:\n{server.log_tail()}"
            )
        try:
            server.api("GET", "/api/status", timeout=2)
            return server, log
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(
                    f"jupyter lab did not answer within {SERVER_START_TIMEOUT} s:\n"
                    f"{server.log_tail()}"
                ) from None
            time.sleep(0.1)  # the port is not listening yet


def with_browser(args):
    import json
    import tempfile
    from pathlib import Path

    sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
    from conftest import (
        _JS_PRELUDE,
        CHROMIUM,
        CHROMIUM_ARGS,
        NotebookPage,
        _notebook_json,
        _skip_reason,
    )

    reason = _skip_reason()
    if reason:
        sys.exit(f"--browser: {reason}")
    import playwright.sync_api as pw

    load_before = load_average()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nnw-bench-") as tmp:
        server, log = start_lab(Path(tmp))
        try:
            with pw.sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    headless=True,
                    args=[*CHROMIUM_ARGS, "--enable-precise-memory-info"],
                )
                try:
                    results = _measure(
                        args,
                        browser,
                        server,
                        Path(tmp),
                        NotebookPage,
                        _JS_PRELUDE,
                        _notebook_json,
                        json,
                    )
                finally:
                    browser.close()
        finally:
            server.process.terminate()
            server.process.wait(timeout=15)
            log.close()
    (
        fits,
        dashes,
        rates,
        biggest,
        n_samples,
        memory,
        tiny_rate,
        chromium,
        cpu_use,
        fit_cpu,
        main_use,
        plain,
        seen,
        page_height,
        fit_clocks,
        dash_clocks,
    ) = results
    fit, dash = max(fits), max(dashes)
    print(
        f"command: {' '.join(shlex.quote(a) for a in [os.path.relpath(sys.executable), *sys.argv])}"
    )
    print(
        f"page: JupyterLab in headless {chromium}, one kernel, {len(fits)} alternating repeats "
        f"(best of each); load average (1, 5, 15 min) before {load_before}, after {load_average()}"
    )
    print(
        f"data: {n_samples:,} {'MNIST' if args.full_mnist else 'bundled'} digits, [784, 100, 10], "
        f"batch_size {args.batch_size}, "
        f"{args.epochs} epochs per measurement; dashboard update_interval "
        f"{'default (0.2)' if args.update_interval is None else args.update_interval} s"
    )
    print(
        f"validation: {args.validation or 'none'} digits (both sides); dashboard panels: "
        f"calibration={args.calibration}, layer_speed={args.layer_speed}"
    )
    print(
        f"window: 1280x{page_height} px; the whole dashboard kept on screen while it trained "
        f"(the page draws only what is on screen): found out of view and scrolled back "
        f"{sum(s[1] for s in seen)} times in {sum(s[0] for s in seen)} calls of the observer; "
        f"wholly on screen at the end of {sum(s[2] for s in seen)} of {len(seen)} timed runs"
    )
    print(
        f"net.fit (headless)          : {fit:10,.0f} samples/s   "
        f"(each: {', '.join(f'{v:,.0f}' for v in fits)})"
    )
    print(
        f"dashboard in the page       : {dash:10,.0f} samples/s   "
        f"(each: {', '.join(f'{v:,.0f}' for v in dashes)})"
    )
    print(
        f"ratio dashboard / fit       : {dash / fit:.3f} best to best, "
        f"{sum(dashes) / sum(fits):.3f} mean to mean "
        f"(target >= 0.95)"
    )
    if plain:
        print(
            f"dashboard without the panels: {max(plain):10,.0f} samples/s   "
            f"(each: {', '.join(f'{v:,.0f}' for v in plain)}); with / without "
            f"{dash / max(plain):.3f} best to best, {sum(dashes) / sum(plain):.3f} mean to mean"
        )
    print(
        f"messages received by page   : {max(rates):.1f} per second at most (each run: "
        f"{', '.join(f'{r:.1f}' for r in rates)}; largest frame {biggest:,} bytes)"
    )

    def cores(use):
        return ", ".join(f"{k} {sum(u[k] for u in use) / len(use):.2f}" for k in use[0])

    print(f"CPU in cores, mean over runs: with the dashboard: {cores(cpu_use)}")
    print(f"                              net.fit (page idle): {cores(fit_cpu)}")
    print(f"page main thread, share of each second while the dashboard trained: {cores(main_use)}")
    print(clocks_line(fit_clocks, dash_clocks))
    before, during, after, nodes, tiny_msgs = memory
    print(
        f"page memory, {TINY_BATCHES:,} mini-batches of 1 sample on [4, 3, 2] "
        f"({tiny_rate:,.0f} mini-batches/s, "
        f"{tiny_msgs:.1f} messages/s): JS heap after GC {before / 1e6:.1f} MB before, "
        f"{after / 1e6:.1f} MB after; while training "
        f"{min(during) / 1e6:.1f}-{max(during) / 1e6:.1f} MB "
        f"(no GC forced, {len(during)} samples); DOM nodes {nodes[0]:,} before, {nodes[1]:,} after"
    )
    print(f"total time: {time.monotonic() - began:.0f} s")


def _measure(args, browser, server, tmp, NotebookPage, prelude, notebook_json, json):
    path = "dashboard_overhead.ipynb"
    setup = KERNEL_SETUP.format(
        samples=args.samples,
        full_mnist=args.full_mnist,
        epochs=args.epochs,
        batch_size=args.batch_size,
        update_interval=args.update_interval,
        validation=args.validation,
        calibration=args.calibration,
        layer_speed=args.layer_speed,
    )
    (server.root_dir / path).write_text(json.dumps(notebook_json([setup])))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    counter = FrameCounter(page)
    page.add_init_script(prelude)
    nb = NotebookPage(page, server, path, "lab", tmp)
    page.goto(f"{server.url}/lab/tree/{path}?token={server.token}")
    nb.dismiss_popups()
    nb.run_all()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    chromium = browser.version
    n_samples = int(nb.run_cell("print(len(X))").split()[-1])

    # Warm up the page as the kernel's setup warmed up net.fit: the first dashboard shown pays
    # for compiling its script and uPlot's first draw.
    nb.run_cell("show_dashboard(Network([784, 100, 10], seed=0), (X[:2000], y[:2000]), **SETTINGS)")
    page.locator(".nnw-dash").last.wait_for()
    nb.run_cell("timed_dashboard(2000 * SETTINGS['epochs'])", timeout_ms=300_000)
    # The page draws only what is on screen (charts, panels, progress). A reader watching
    # training sees the whole dashboard, so the timed runs must too: the window is made as tall
    # as the trained dashboard (its panels drawn), and each new one is scrolled to its top.
    page.wait_for_timeout(500)
    tall = page.evaluate(DASH_HEIGHT)
    page_height = max(900, min(6000, tall + 300))
    page.set_viewport_size({"width": 1280, "height": page_height})
    seen = []  # per timed run: [observer calls, scrolls back, wholly on screen at its end]

    fits, dashes, rates, biggest, cpu_use, fit_cpu, main_use = [], [], [], 0, [], [], []
    plain = []  # the dashboard without the optional panels, when they are on
    fit_clocks, dash_clocks = [], []  # the training thread's clocks (thread_clock), per run
    for _ in range(args.repeats):  # alternate, so drift on a shared machine hits both alike
        cpu_before = cpu_seconds()
        began = time.monotonic()
        out = nb.run_cell("timed_fit()")
        fits.append(float(_value(out, "rate")))
        fit_clocks.append(thread_clock(out))
        fit_cpu.append(
            {k: (v - cpu_before[k]) / (time.monotonic() - began) for k, v in cpu_seconds().items()}
        )
        shown = nb.run_cell("show_dashboard(Network([784, 100, 10], seed=0), (X, y), **SETTINGS)")
        page.locator(".nnw-dash").last.wait_for()  # drawn in the page before training starts
        page.evaluate(KEEP_IN_VIEW)
        page.wait_for_timeout(300)
        counter.watch(_value(shown, "model_id"))
        cpu_before, main_before = cpu_seconds(), main_thread(cdp)
        out = nb.run_cell("timed_dashboard(len(X) * SETTINGS['epochs'])", timeout_ms=300_000)
        cpu = {k: v - cpu_before[k] for k, v in cpu_seconds().items()}
        main_use.append(
            {
                k: (v - main_before[k]) / float(_value(out, "seconds"))
                for k, v in main_thread(cdp).items()
            }
        )
        page.wait_for_timeout(300)  # the last update's frame
        seen.append(page.evaluate(STOP_KEEPING))
        dashes.append(float(_value(out, "rate")))
        dash_clocks.append(thread_clock(out))
        cpu_use.append({k: v / float(_value(out, "seconds")) for k, v in cpu.items()})
        rates.append(len(counter.frames) / float(_value(out, "seconds")))
        biggest = max([biggest] + [n for _, n in counter.frames])
        if args.calibration or args.layer_speed:  # the same dashboard without those panels
            nb.run_cell(
                "show_dashboard(Network([784, 100, 10], seed=0), (X, y), panels=False, **SETTINGS)"
            )
            page.locator(".nnw-dash").last.wait_for()
            page.evaluate(KEEP_IN_VIEW)
            page.wait_for_timeout(300)
            out = nb.run_cell("timed_dashboard(len(X) * SETTINGS['epochs'])", timeout_ms=300_000)
            page.evaluate(STOP_KEEPING)
            plain.append(float(_value(out, "rate")))

    shown = nb.run_cell(TINY.format(epochs=TINY_BATCHES // 1000))
    page.locator(".nnw-dash").last.wait_for()
    page.wait_for_timeout(500)
    counter.watch(_value(shown, "model_id"))
    before, nodes_before = heap(cdp)
    page.evaluate("""() => {
        window.nnwHeap = [];
        window.nnwHeapTimer = setInterval(
          () => window.nnwHeap.push(performance.memory.usedJSHeapSize), 500);
    }""")
    out = nb.run_cell(f"timed_dashboard({TINY_BATCHES})", timeout_ms=300_000)
    during = page.evaluate("() => { clearInterval(window.nnwHeapTimer); return window.nnwHeap; }")
    page.wait_for_timeout(500)
    after, nodes_after = heap(cdp)
    tiny_rate = float(_value(out, "rate"))
    tiny_msgs = len(counter.frames) / float(_value(out, "seconds"))
    context.close()
    memory = (before, during, after, (nodes_before, nodes_after), tiny_msgs)
    return (
        fits,
        dashes,
        rates,
        biggest,
        n_samples,
        memory,
        tiny_rate,
        f"Chromium {chromium}",
        cpu_use,
        fit_cpu,
        main_use,
        plain,
        seen,
        page_height,
        fit_clocks,
        dash_clocks,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--browser",
        action="store_true",
        help="JupyterLab in headless chromium: the page draws every update",
    )
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="epochs per measurement (default 1, or 20 with --browser: a few seconds each)",
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--samples", type=int, default=10_000, help="training digits (default all 10,000)"
    )
    parser.add_argument(
        "--full-mnist",
        action="store_true",
        help="train on full MNIST from NNWIDGETS_DATA (--browser): with --samples 50000 "
        "--epochs 4, epochs as long as the book's, where the panels' once-an-epoch measures "
        "weigh a fifth of what they do on 10,000 digits",
    )
    parser.add_argument(
        "--update-interval",
        type=float,
        default=None,
        help="the dashboard's seconds between updates to the page (--browser; default: "
        "the dashboard's own, 0.2)",
    )
    parser.add_argument(
        "--validation",
        type=int,
        default=0,
        help="bundled test digits as validation data, evaluated each epoch by net.fit and the "
        "dashboard alike (--browser; default none; --panels: 2000)",
    )
    parser.add_argument(
        "--calibration", action="store_true", help="the dashboard's calibration panel (--browser)"
    )
    parser.add_argument(
        "--layer-speed",
        type=int,
        default=None,
        help="the dashboard's speed-of-learning panel on this many probe digits (--browser)",
    )
    parser.add_argument(
        "--panels",
        action="store_true",
        help="Section 2's panels on: --calibration --layer-speed 1000 --validation 2000",
    )
    args = parser.parse_args()
    if args.panels:
        args.calibration = True
        args.layer_speed = args.layer_speed or 1000
        args.validation = args.validation or 2000
    if args.epochs is None:
        args.epochs = 20 if args.browser else 1
    if args.browser:
        with_browser(args)
    else:
        kernel_side(args)


if __name__ == "__main__":
    main()
