"""TrainingDashboard under marimo (`marimo run` on tests/e2e/marimo_dashboard_app.py): Start in
the page trains in the dashboard's background thread, and the page's progress line and loss
curve keep changing while it does, then Pause and Stop act from the page.

marimo delivers trait changes made from a plain background thread to the page (since marimo
0.23.14); this is the dashboard's whole way of showing training there.
"""

from pathlib import Path

import pytest
from _marimo import marimo_run
from _pages import fresh_page
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

marimo = pytest.importorskip("marimo", reason="pip install -e '.[test]' installs marimo")

APP = Path(__file__).parent / "marimo_dashboard_app.py"


@pytest.fixture(scope="module")
def marimo_dashboard(tmp_path_factory):
    """``marimo run`` on the dashboard app: (url, log path)."""
    with marimo_run(APP, tmp_path_factory.mktemp("marimo-dashboard")) as served:
        yield served


def loss_pixels(root):
    # A locator, not document.querySelector: marimo puts the widget in a shadow root.
    return root.locator(".nnw-dash__chart--loss canvas").first.evaluate("(c) => c.toDataURL()")


def batches_done(text: str) -> tuple[int, int]:
    """(epoch, mini-batch) from the progress line 'epoch 2/500 · batch 340/1000 · ...'."""
    parts = dict(p.split(" ", 1) for p in text.split(" · ")[:2])
    return int(parts["epoch"].split("/")[0]), int(parts["batch"].split("/")[0])


def test_dashboard_trains_in_a_background_thread_under_marimo(browser, marimo_dashboard):
    url, log_path = marimo_dashboard
    with fresh_page(browser, viewport={"width": 1200, "height": 1000}, timeout=30_000) as (
        page,
        errors,
    ):
        try:
            page.goto(url)
            root = page.locator(".nnw-dash")
            expect(root).to_have_count(1, timeout=60_000)  # the kernel runs the cell first
            status = root.locator(".nnw-dash__status")
            expect(status).to_have_text("ready")
            expect(root.locator(".u-legend").first).to_be_attached()  # uPlot drew its chart

            root.locator("button[data-action=start]").click()
            expect(status).to_have_text("running")
            progress = root.locator(".nnw-dash__progress")
            expect(progress).to_contain_text("samples/s")

            # Three looks a second apart: the mini-batch counter and the loss curve move each
            # time, with nothing running in the notebook (marimo's cell returned long ago).
            seen, pictures = [], []
            for _ in range(3):
                page.wait_for_timeout(1000)
                seen.append(batches_done(progress.text_content()))
                pictures.append(loss_pixels(root))
            assert seen[0] < seen[1] < seen[2], seen
            assert len(set(pictures)) == 3, "the loss curve did not change between looks"
            # The panels, after epoch 1.
            expect(root.locator(".nnw-dash__panels canvas").first).to_be_attached()

            root.locator("button[data-action=pause]").click()
            expect(status).to_have_text("paused")
            paused = progress.text_content()
            page.wait_for_timeout(800)
            assert progress.text_content() == paused

            root.locator("button[data-action=stop]").click()
            expect(status).to_have_text("stopped")
            chip = root.locator(".nnw-dash__run").first
            expect(chip).to_contain_text("stopped")
            assert not errors, errors
        except Exception:
            print(f"[e2e] marimo log tail:\n{log_path.read_text()[-3000:]}")
            raise
