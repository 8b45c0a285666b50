"""TrainingDashboard used roughly in a real JupyterLab: an impatient learner's clicks, bad values
typed into the live settings, two views of one dashboard, the panels chosen while training, a
closed dashboard, an interrupted wait(), a restarted kernel. Each time the page and Python must
agree, a message must name the problem, and the kernel must keep running."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# 10,000 bundled digits in mini-batches of 10, 500 epochs: still training whenever a test acts.
SETUP = """
import json, time
from nnwidgets import Network, TrainingDashboard
from nnwidgets.datasets import load_bundled
data = load_bundled()
net = Network([784, 30, 10], seed=0)
dash = TrainingDashboard(net, train=(data.X_train, data.y_train),
                         validation=(data.X_test, data.y_test), epochs=500, batch_size=10,
                         learning_rate=0.1)
dash
"""

STATE = (
    "print(json.dumps({'status': dash.status, 'message': dash.message, 'training': dash.training, "
    "'lr': dash.learning_rate, 'trainer_lr': dash.runs[0].trainer.learning_rate, "
    "'runs': [r.status for r in dash.runs], 'panels_run': dash.panels_run, "
    "'compare_run': dash.compare_run}))"
)


def state(nb):
    return json.loads(nb.run_cell(STATE).strip().splitlines()[-1])


def enabled(root):
    return sorted(
        b.get_attribute("data-action")
        for b in root.locator("button[data-action]").all()
        if b.is_enabled()
    )


def own_errors(nb):
    return [e for e in nb.console_errors if "nnw" in e.lower() or "uplot" in e.lower()]


def type_into(page, box, text, key):
    """Type ``text`` into the number box as a person would (select all, type) and press ``key``."""
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    if text:
        page.keyboard.type(text)
    page.keyboard.press(key)


def test_bad_values_typed_while_training_are_named_and_enter_commits(open_notebook):
    nb = open_notebook([SETUP, "dash", "dash.start()"], app="lab")
    page = nb.page
    a, b = page.locator(".nnw-dash").nth(0), page.locator(".nnw-dash").nth(1)
    expect(a.locator(".nnw-dash__status")).to_have_text("running")
    lr, lr_b = (v.locator(".nnw-dash__input--learning_rate") for v in (a, b))
    message, message_b = (v.locator(".nnw-dash__message") for v in (a, b))

    # Enter commits a good value: Python takes it, and the other view shows it too.
    type_into(page, lr, "0.05", "Enter")
    expect(lr_b).to_have_value("0.05")
    assert state(nb)["trainer_lr"] == 0.05

    # Bad values: each named in the message with what was expected, by Enter or by Tab; the box
    # then shows the setting in effect again, and the trainer keeps it.
    number = "learning_rate must be a number, such as 0.05; got "
    for text, key, said in [
        ("", "Enter", number + "an empty box"),
        ("abc", "Enter", number + "an empty box"),  # Chromium's number box takes no letters
        ("--1", "Enter", number + "text that is not a number"),
        ("1e999", "Tab", number + "text that is not a number"),  # Chromium: no number at all
        ("-0", "Enter", "learning_rate must be a finite number > 0; got 0.0"),  # Python's rule
        ("1e", "Tab", number + "text that is not a number"),
        ("-0", "Tab", "learning_rate must be a finite number > 0; got 0.0"),  # the same, again
    ]:
        type_into(page, lr, text, key)
        expect(message).to_have_text(said)
        if key == "Enter":
            lr.blur()
        expect(lr).to_have_value("0.05")
        expect(lr_b).to_have_value("0.05")
    s = state(nb)
    assert s["trainer_lr"] == 0.05 and s["lr"] == 0.05 and s["training"], s

    # A good value after the refusals: taken, and the refusal is no longer shown.
    type_into(page, lr, "0.02", "Enter")
    expect(lr_b).to_have_value("0.02")
    expect(message).to_have_text("")
    expect(message_b).to_have_text("")
    assert state(nb)["trainer_lr"] == 0.02
    nb.run_cell("dash.stop(); dash.wait(); print(dash.status)")
    assert not own_errors(nb), nb.console_errors


def test_a_restarted_kernel_leaves_a_dashboard_that_says_so(open_notebook):
    nb = open_notebook([SETUP, "dash.start()"], app="lab")
    page = nb.page
    root = page.locator(".nnw-dash")
    status = root.locator(".nnw-dash__status")
    expect(status).to_have_text("running")
    page.evaluate("(p) => window.nnwPanel(p).sessionContext.session.kernel.restart()", nb.path)
    nb.wait_idle()
    # Not "running" with buttons that do nothing: disconnected, every control off, and why.
    expect(status).to_have_text("disconnected")
    assert enabled(root) == []
    for control in root.locator("input, select").all():
        expect(control).to_be_disabled()
    expect(root.locator(".nnw-dash__message")).to_contain_text("the kernel restarted or stopped")
    expect(root.locator(".nnw-dash__message")).to_contain_text("run the cell")
    # The new kernel runs cells, and a new dashboard there trains.
    assert nb.run_cell("print(1 + 1)").strip() == "2"


def test_rapid_clicks_selects_and_add_run_leave_both_views_agreeing_with_python(open_notebook):
    two = SETUP.replace("dash\n", "dash.add_run(Network([784, 30, 10], seed=1), label='second')\n")
    nb = open_notebook([two, "dash", "dash"], app="lab")
    page = nb.page
    a, b = page.locator(".nnw-dash").nth(0), page.locator(".nnw-dash").nth(1)
    a.locator("button[data-action=start]").click()
    expect(b.locator(".nnw-dash__status")).to_have_text("running")
    # Clicks as fast as the page takes them, in odd orders, from both views; a disabled button
    # is clicked anyway (force): it must do nothing.
    for view, action in [
        (a, "pause"),
        (b, "step"),
        (a, "resume"),
        (b, "pause"),
        (a, "step"),
        (a, "step"),
        (b, "start"),
        (a, "resume"),
        (b, "pause"),
        (a, "resume"),
        (b, "step"),
    ]:
        view.locator(f"button[data-action={action}]").click(force=True, no_wait_after=True)
    # The run's panels and a comparison chosen while it trains, from either view.
    for view, select, value in [
        (a, "run", "1"),
        (b, "run", "0"),
        (a, "run", ""),
        (b, "compare", "1"),
        (a, "run", "0"),
    ]:
        view.locator(f".nnw-dash__select--{select}").select_option(value)
    nb.run_cell("dash.add_run(Network([784, 20, 10], seed=2), label='third')")
    page.wait_for_timeout(1000)  # the updates the clicks caused have arrived
    s = state(nb)
    assert s["training"] and s["runs"] == [
        "running" if s["status"] == "running" else s["runs"][0],
        "pending",
        "pending",
    ], s
    assert (s["panels_run"], s["compare_run"]) == (0, 1), s
    for view in (a, b):
        expect(view.locator(".nnw-dash__status")).to_have_text(s["status"])
        expect(view.locator(".nnw-dash__run")).to_have_count(3)
        expect(view.locator(".nnw-dash__select--run")).to_have_value("0")
        expect(view.locator(".nnw-dash__select--compare")).to_have_value("1")
        expect(view.locator(".nnw-dash__select--run option")).to_have_count(4)  # 3 runs + none
    want = ["pause", "step", "stop"] if s["status"] == "running" else ["resume", "step", "stop"]
    assert enabled(a) == enabled(b) == want
    # Whatever state the clicks left, the buttons still steer it.
    if s["status"] == "paused":
        a.locator("button[data-action=resume]").click()
        expect(b.locator(".nnw-dash__status")).to_have_text("running")
    b.locator("button[data-action=stop]").click()
    for view in (a, b):
        expect(view.locator(".nnw-dash__status")).to_have_text("stopped")
        expect(view.locator(".nnw-dash__run").nth(0)).to_contain_text("stopped")
    s = state(nb)
    assert s["status"] == "stopped" and s["runs"] == ["stopped", "pending", "pending"], s
    assert enabled(a) == enabled(b) == ["start", "step"]  # the runs still pending can train
    assert not own_errors(nb), nb.console_errors


WAIT = "dash.wait(); print('waited:', dash.status)"


def test_interrupting_wait_stops_training_and_the_page_says_why(open_notebook):
    nb = open_notebook([SETUP, "dash.start()"], app="lab")
    page = nb.page
    root = page.locator(".nnw-dash")
    expect(root.locator(".nnw-dash__status")).to_have_text("running")
    page.evaluate(
        """async (path) => {
             const app = window.jupyterapp, panel = window.nnwPanel(path), nb = panel.content;
             nb.activeCellIndex = nb.widgets.length - 1;
             await app.commands.execute("notebook:insert-cell-below");
             nb.activeCell.model.sharedModel.setSource(WAIT);
             app.commands.execute("notebook:run-cell");  // not awaited: wait() blocks
           }""".replace("WAIT", json.dumps(WAIT)),
        nb.path,
    )
    page.wait_for_function("(p) => !window.nnwKernelIdle(p)", arg=nb.path, timeout=10_000)
    page.wait_for_timeout(500)
    # The notebook's own stop button (Kernel > Interrupt).
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:interrupt-kernel')")
    nb.wait_idle()
    out = page.evaluate(
        "(p) => window.nnwOutputs(window.nnwPanel(p).content.widgets.at(-1))", nb.path
    )
    assert out == {"text": "waited: stopped\n", "error": None}, out
    expect(root.locator(".nnw-dash__status")).to_have_text("stopped")
    expect(root.locator(".nnw-dash__message")).to_contain_text("(keyboard interrupt)")
    assert enabled(root) == []  # its one run has ended
    s = state(nb)
    assert s["status"] == "stopped" and not s["training"], s
    assert not own_errors(nb), nb.console_errors


def test_close_while_training_frees_the_network_and_the_kernel(open_notebook):
    nb = open_notebook([SETUP, "dash.start()"], app="lab")
    page = nb.page
    expect(page.locator(".nnw-dash__status")).to_have_text("running")
    out = nb.run_cell(
        "dash.close(); print(dash.training, dash.status, [r.status for r in dash.runs])"
    )
    assert out.strip() == "False stopped ['stopped']", out
    expect(page.locator(".nnw-dash")).to_have_count(0)  # the closed widget's view goes
    out = nb.run_cell("net.fit(data.X_train[:100], data.y_train[:100], epochs=1); print('fit')")
    assert out.strip().endswith("fit")
    with pytest.raises(Exception, match="this dashboard was closed"):
        nb.run_cell("dash.start()")
    assert not own_errors(nb), nb.console_errors


CALIBRATED = """
from nnwidgets import Network, TrainingDashboard
from nnwidgets.datasets import load_bundled
from nnwidgets.metrics import reliability
import json
data = load_bundled()
X_val, y_val = data.X_test[:500], data.y_test[:500]
dash = TrainingDashboard(Network([784, 16, 10], seed=0), train=(data.X_train[:3000],
                         data.y_train[:3000]), validation=(X_val, y_val), epochs=500,
                         batch_size=10, calibration=True, layer_speed=50)
dash.add_run(Network([784, 16, 10], seed=1, output="sigmoid", cost="quadratic"))
dash
"""


def test_calibration_and_layer_speed_panels_chosen_while_training(open_notebook):
    nb = open_notebook([CALIBRATED], app="lab")
    page = nb.page
    root = page.locator(".nnw-dash")
    root.locator("button[data-action=start]").click()
    panels = root.locator(".nnw-dash__panels")
    panels.scroll_into_view_if_needed()  # the panels are drawn while on screen
    expect(panels).to_contain_text("calibration of", timeout=30_000)
    for value in ["1", "0", "", "0"]:
        root.locator(".nnw-dash__select--run").select_option(value)
    root.locator(".nnw-dash__select--compare").select_option("1")
    expect(panels).to_have_attribute("data-run", "0")
    expect(panels).to_contain_text("calibration of output=softmax")
    expect(panels).to_contain_text("speed of learning")
    root.locator("button[data-action=pause]").click()
    expect(root.locator(".nnw-dash__status")).to_have_text("paused")
    s = json.loads(
        nb.run_cell(
            "p = dash.refresh_panels(0); print(json.dumps({'run': p['index'], "
            "'ece': p['calibration']['ece'], 'compare': p['compare']['index'], "
            "'own': reliability(dash.runs[0].network.predict_proba(X_val), y_val).ece}))"
        )
        .strip()
        .splitlines()[-1]
    )
    assert s["run"] == 0 and s["compare"] == 1, s
    assert abs(s["ece"] - s["own"]) < 1e-9, s
    # The page shows the ECE Python computed, in percent.
    expect(panels).to_contain_text(f"ECE {100 * s['ece']:.1f}%")
    root.locator("button[data-action=stop]").click()
    expect(root.locator(".nnw-dash__status")).to_have_text("stopped")
    assert not own_errors(nb), nb.console_errors


def reconnect(nb):
    """A dropped connection to the same kernel (a laptop waking up): JupyterLab reconnects."""
    nb.page.evaluate("(p) => window.nnwPanel(p).sessionContext.session.kernel.reconnect()", nb.path)
    nb.wait_idle()
    nb.page.wait_for_timeout(1000)


def test_a_reconnected_kernel_is_not_taken_for_a_restarted_one(open_notebook):
    nb = open_notebook([SETUP, "dash.start()"], app="lab")
    root = nb.page.locator(".nnw-dash")
    expect(root.locator(".nnw-dash__status")).to_have_text("running")
    reconnect(nb)
    # The page asked the kernel whether it still answers (a no-op message): not "disconnected",
    # and no "unknown action" message.
    expect(root.locator(".nnw-dash__status")).to_have_text("running")
    expect(root.locator(".nnw-dash__message")).to_have_text("")
    assert enabled(root) == ["pause", "step", "stop"]
    assert state(nb)["training"]
    assert not own_errors(nb), nb.console_errors
