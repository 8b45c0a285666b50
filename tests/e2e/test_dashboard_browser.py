"""TrainingDashboard in a real JupyterLab: training started from the page's button, curves that
grow while another cell runs, pause, the learning-rate input, stop, and two runs compared."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# 10,000 bundled digits in mini-batches of 10: 1,000 mini-batches an epoch, so the run lasts
# long enough to act on it from the page (500 epochs: about a minute on a quiet machine, so it
# is still training whenever the test acts; it ends with Stop).
SETUP = """
import json, time
from nnwidgets import Network, TrainingDashboard, load_bundled
data = load_bundled()
net = Network([784, 30, 10], seed=0)
dash = TrainingDashboard(net, train=(data.X_train, data.y_train),
                         validation=(data.X_test, data.y_test), epochs=500, batch_size=10,
                         learning_rate=0.1)
dash
"""

STATE = (
    "print(json.dumps({'batches': len(dash.history.batch_loss), 'status': dash.status, "
    "'lr': dash.runs[0].trainer.learning_rate, 'changes': dash.runs[0].changes, "
    "'history': dash.history.status}))"
)


def state(nb):
    return json.loads(nb.run_cell(STATE).strip().splitlines()[-1])


def loss_pixels(page):
    return page.evaluate(
        "() => document.querySelector('.nnw-dash__chart--loss canvas').toDataURL()"
    )


def test_train_from_the_page_while_the_notebook_stays_usable(open_notebook):
    nb = open_notebook([SETUP], app="lab")
    page = nb.page
    root = page.locator(".nnw-dash")
    expect(root).to_have_count(1)
    status = root.locator(".nnw-dash__status")
    expect(status).to_have_text("ready")
    start = root.locator("button[data-action=start]")
    expect(start).to_be_enabled()
    expect(root.locator(".u-legend").first).to_be_attached()  # uPlot drew its chart

    start.click()
    expect(status).to_have_text("running")

    # Another cell runs for 3 s; meanwhile the progress line and the loss curve keep changing.
    page.evaluate(
        """async (path) => {
             const app = window.jupyterapp, panel = window.nnwPanel(path), nb = panel.content;
             nb.activeCellIndex = nb.widgets.length - 1;
             await app.commands.execute("notebook:insert-cell-below");
             nb.activeCell.model.sharedModel.setSource("time.sleep(3); print('slept')");
             app.commands.execute("notebook:run-cell");  // not awaited: it runs while we look
           }""",
        nb.path,
    )
    page.wait_for_function("(p) => !window.nnwKernelIdle(p)", arg=nb.path, timeout=10_000)
    progress = root.locator(".nnw-dash__progress")
    first_text, first_pixels = progress.text_content(), loss_pixels(page)
    page.wait_for_timeout(1200)
    assert not page.evaluate("(p) => window.nnwKernelIdle(p)", nb.path)  # the sleep still runs
    assert progress.text_content() != first_text
    assert loss_pixels(page) != first_pixels
    assert "samples/s" in first_text and "ETA" in first_text
    nb.wait_idle()

    # Pause from the page: the mini-batch counter stops.
    root.locator("button[data-action=pause]").click()
    expect(status).to_have_text("paused")
    paused_text = progress.text_content()
    before = state(nb)
    page.wait_for_timeout(800)
    assert state(nb)["batches"] == before["batches"]
    assert progress.text_content() == paused_text

    # A new learning rate from the input reaches the trainer; a bad one is refused with a message.
    lr = root.locator(".nnw-dash__input--learning_rate")
    lr.fill("-1")
    lr.blur()  # commits the value: a change event
    expect(root.locator(".nnw-dash__message")).to_contain_text(
        "learning_rate must be a finite number > 0"
    )  # the Trainer's own rule, in its words
    lr.fill("0.03")
    lr.blur()  # commits the value: a change event
    root.locator("button[data-action=step]").click()
    page.wait_for_timeout(300)
    after = state(nb)
    assert after["batches"] == before["batches"] + 1
    assert after["lr"] == 0.03
    assert [c["name"] for c in after["changes"]] == ["learning_rate"]

    root.locator("button[data-action=resume]").click()
    expect(status).to_have_text("running")
    root.locator("button[data-action=stop]").click()
    expect(status).to_have_text("stopped")
    final = state(nb)
    assert final["history"] == "stopped" and final["batches"] > after["batches"]
    expect(start).to_be_disabled()  # nothing left to train
    assert not [e for e in nb.console_errors if "nnw" in e or "uplot" in e.lower()]


COMPARE = """
from nnwidgets import Network, TrainingDashboard, load_bundled
data = load_bundled()
X, y = data.X_train[:2000], data.y_train[:2000]
dash = TrainingDashboard(Network([784, 30, 10], seed=0), train=(X, y),
                         validation=(data.X_test[:500], data.y_test[:500]), epochs=2, batch_size=20)
dash.add_run(Network([784, 30, 10], output="sigmoid", cost="quadratic", seed=0))
dash
"""


def test_two_runs_compared_with_their_labels(open_notebook):
    nb = open_notebook([COMPARE, "dash.run(); print(dash.status)"], app="lab")
    root = nb.page.locator(".nnw-dash")
    chips = root.locator(".nnw-dash__run")
    expect(chips).to_have_count(2)
    expect(chips.nth(0)).to_contain_text("output=softmax, cost=cross_entropy")
    expect(chips.nth(1)).to_contain_text("output=sigmoid, cost=quadratic")
    expect(chips.nth(1)).to_contain_text("completed")
    legend = root.locator(".nnw-dash__chart--loss .u-legend")
    expect(legend).to_contain_text("cost=quadratic · validation")
    # The legend hides a run: its series are switched off in the chart.
    chips.nth(1).click()
    expect(chips.nth(1)).to_have_class("nnw-dash__run nnw-dash__run--hidden")
    expect(legend.locator("tr.u-off")).to_have_count(4)


INTERLEAVED = """
from nnwidgets import Network, TrainingDashboard, load_bundled
data = load_bundled()
X, y = data.X_train[:2000], data.y_train[:2000]
dash = TrainingDashboard(Network([784, 30, 10], seed=0), train=(X, y), epochs=300, batch_size=10,
                         interleave=True)
dash.add_run(Network([784, 30, 10], output="sigmoid", cost="quadratic", seed=0))
dash
"""

# Pixels of the loss canvas close to each run's colour at full strength (palette.ts): the
# smoothed curve of a run drawn faded (alpha 0.55 on white) does not count.
COLOUR_PIXELS = """() => {
  const c = document.querySelector('.nnw-dash__chart--loss canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const runs = [[47, 111, 223], [217, 84, 43]], counts = [0, 0];
  for (let i = 0; i < d.length; i += 4) {
    runs.forEach(([r, g, b], k) => {
      if (d[i + 3] > 240 &&
          Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 40) counts[k]++;
    });
  }
  return counts;
}"""


def test_interleaved_runs_grow_side_by_side(open_notebook):
    nb = open_notebook([INTERLEAVED, "dash.start()"], app="lab")
    page = nb.page
    root = page.locator(".nnw-dash")
    chips = root.locator(".nnw-dash__run")
    expect(chips).to_have_count(2)
    for k in range(2):  # the run waiting for its turn is training too
        expect(chips.nth(k)).to_contain_text("running")
    page.wait_for_timeout(1500)
    done = json.loads(
        nb.run_cell(
            "import json; dash.pause(); "
            "print(json.dumps([len(h.batch_loss) for h in dash.histories]))"
        )
        .strip()
        .splitlines()[-1]
    )
    assert min(done) > 0 and abs(done[0] - done[1]) <= 200, done  # at most one epoch apart
    expect(root.locator(".nnw-dash__status")).to_have_text("paused")
    page.wait_for_timeout(300)  # the frame after the last update
    first, second = page.evaluate(COLOUR_PIXELS)
    assert first > 50 and second > 50, (first, second)  # both curves drawn, neither faded
    nb.run_cell("dash.stop(); dash.wait(timeout=30); print(dash.status)")
    for k in range(2):
        expect(chips.nth(k)).to_contain_text("stopped")
