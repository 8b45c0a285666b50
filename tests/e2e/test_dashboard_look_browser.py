"""The dashboard's look in a real JupyterLab, light and dark: one legend that tells the four
line styles apart and shows each run's latest values, and a live change's label clear of the
plotted area.

Two runs of a small network train on the bundled digits, the first with a learning-rate change
part-way (a mark on both charts). ``NNWIDGETS_E2E_SCREENSHOTS=1`` saves the dashboard in both
themes into the artifacts folder, for looking at by eye.
"""

import json
import os

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SETUP = """
import json, time
from nnwidgets import Network, TrainingDashboard, load_bundled
data = load_bundled()
dash = TrainingDashboard(Network([784, 16, 10], seed=0), train=(data.X_train, data.y_train),
                         validation=(data.X_test, data.y_test), epochs=3, batch_size=20,
                         learning_rate=0.2, label="relu")
dash.add_run(Network([784, 16, 10], activation="sigmoid", seed=1), label="sigmoid",
             learning_rate=1.0)
dash
"""

# A live change during the first run: the chart marks it with "learning_rate 0.2 → 0.05".
TRAIN = """
dash.start()
while dash.runs[0].batches_done < 300:
    time.sleep(0.05)  # polling the trainer's count: nothing to wait on
dash.learning_rate = 0.05
dash.wait(timeout=300)
print(json.dumps({"status": dash.status, "marks": [m["text"] for m in dash.runs[0].marks]}))
"""


def boxes_overlap(a, b) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def set_theme(page, name):
    page.evaluate(
        "(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", name
    )
    page.wait_for_function("(t) => document.body.dataset.jpThemeName === t", arg=name)


@pytest.fixture
def trained(open_notebook):
    nb = open_notebook([SETUP], app="lab")
    out = json.loads(nb.run_cell(TRAIN, timeout_ms=300_000).strip().splitlines()[-1])
    assert out["marks"] and out["marks"][0].startswith("learning_rate 0.2"), out
    root = nb.page.locator(".nnw-dash")
    expect(root.locator(".nnw-dash__status")).to_have_text(out["status"])
    # the page drew the final curves (the writer's last update, then a frame)
    expect(root.locator(".nnw-dash__runvalues").first).to_contain_text("validation")
    return nb, root


def test_one_legend_tells_line_styles_apart_and_shows_each_runs_values(trained):
    nb, root = trained
    legend = root.locator(".nnw-dash__legend")
    expect(legend).to_have_count(1)  # one for the dashboard, not one per chart
    expect(root.locator(".u-legend").first).to_be_hidden()  # uPlot's own, nine rows a chart
    # The key: four styles, each drawn differently (dash or marker), compared as pictures.
    items = legend.locator(".nnw-dash__keyitem")
    expect(items).to_have_count(4)
    assert items.all_inner_texts() == ["mini-batch", "smoothed", "end of epoch", "validation"]
    pictures = [s.screenshot() for s in legend.locator(".nnw-dash__sample").all()]
    assert len(set(pictures)) == 4, "two line styles look the same in the legend"
    # Each run: its colour, and its latest values without hovering (not "–").
    chips = legend.locator(".nnw-dash__run")
    expect(chips).to_have_count(2)
    for chip in chips.all():
        text = chip.inner_text()
        assert "–" not in text, text
        assert "loss 0." in text and "accuracy " in text and "% " in text or text.endswith("%"), (
            text
        )
    # Over a chart, the values are those at the cursor (both charts share it); off it, the latest.
    values = chips.first.locator(".nnw-dash__runvalues")
    latest = values.text_content()
    plot = root.locator(".nnw-dash__chart--loss .u-over")
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    nb.page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] / 2)
    expect(legend.locator(".nnw-dash__cursor")).to_contain_text("values at epoch 0.")
    assert values.text_content() != latest
    nb.page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 60)  # off the chart
    expect(legend.locator(".nnw-dash__cursor")).to_have_text("")
    expect(values).to_have_text(latest)
    # No x label repeats a series name: the axis says "epoch", no series is called that.
    series = root.locator(".nnw-dash__chart--loss .u-legend .u-series .u-label").all_text_contents()
    assert series and not [s for s in series if s.endswith("· epoch")], series


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_change_label_sits_clear_of_the_plotted_area_in_either_theme(trained, theme, e2e_artifacts):
    nb, root = trained
    set_theme(nb.page, theme)
    for chart in ("loss", "accuracy"):
        box = root.locator(f".nnw-dash__chart--{chart}")
        label = box.locator(".nnw-dash__mark").first
        expect(label).to_contain_text("learning_rate 0.2")
        plot = box.locator(".u-over").bounding_box()  # uPlot's plotted area
        assert not boxes_overlap(label.bounding_box(), plot), (chart, label.bounding_box(), plot)
    # Readable in this theme: the legend's text contrasts with the page behind it.
    ink, paper = nb.page.evaluate("""() => {
        const lum = (c) => { const [r, g, b] = c.match(/[0-9.]+/g).map(Number);
                             return (0.299 * r + 0.587 * g + 0.114 * b) / 255; };
        const run = document.querySelector('.nnw-dash__runvalues');
        let el = run, bg = 'rgba(0, 0, 0, 0)';
        while (el && /rgba\\(.*, 0\\)$|transparent/.test(bg)) {
          bg = getComputedStyle(el).backgroundColor; el = el.parentElement;
        }
        return [lum(getComputedStyle(run).color), lum(bg)];
    }""")
    assert abs(ink - paper) > 0.5, (theme, ink, paper)
    if os.environ.get("NNWIDGETS_E2E_SCREENSHOTS"):
        name = theme.split()[-1].lower()
        for part in ("charts", "panels"):  # each shorter than the window, so both fit a shot
            top = root.locator(".nnw-dash__controls" if part == "charts" else ".nnw-dash__panels")
            top.evaluate("(e) => e.scrollIntoView()")
            box = top.bounding_box()
            nb.page.screenshot(
                path=str(e2e_artifacts / f"dashboard-{part}-{name}.png"),
                clip={"x": box["x"], "y": box["y"], "width": 860, "height": 820},
            )


def test_panel_captions_keep_their_phrases_whole_and_histogram_labels_are_readable(trained):
    nb, root = trained
    captions = root.locator(".nnw-dash__gallery figcaption")
    expect(captions.first).to_be_attached()
    lines = nb.page.evaluate("""() =>
        [...document.querySelectorAll('.nnw-dash__gallery figcaption')]
        .map((f) => [...f.children].map((s) => {
            const r = s.getBoundingClientRect(), lh = parseFloat(getComputedStyle(s).lineHeight);
            return [s.textContent, Math.round(r.height / lh)];
        }))""")
    for caption in lines:  # "said 6 (74%)" over "was 4": two phrases, one line each
        assert [n for _, n in caption] == [1, 1], caption
        assert caption[0][0].startswith("said ") and caption[1][0].startswith("was "), caption
    sizes = nb.page.evaluate("""() => [...document.querySelectorAll('.nnw-dash__hist figcaption')]
        .map((f) => parseFloat(getComputedStyle(f).fontSize))""")
    assert sizes and min(sizes) >= 12, sizes
