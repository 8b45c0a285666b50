"""A notebook saved with widget state and exported with ``jupyter nbconvert --to html``: the
DigitCanvas still draws and reads digits in the page, with no kernel, and a NetworkDiagram
linked to it (``diagram.link(canvas)``) still follows the pen there.

How the page is made, as a user would make it: the notebook runs in a real JupyterLab kernel
(``open_notebook``), "Save Widget State Automatically" is switched on with the Settings menu's own
command, the notebook is saved (JupyterLab writes the widget state, binary buffers included, into
``metadata.widgets``), and ``jupyter nbconvert --to html`` turns it into a page.

What such a page loads from the internet (nbconvert 7's ``lab`` template; a stored page, not
guessed: the test checks the list of requests):

* ``https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js``
  (``HTMLExporter.require_js_url``; no ``integrity`` attribute),
* ``https://unpkg.com/@jupyter-widgets/html-manager@*/dist/embed-amd.js``
  (``jupyter_widgets_base_url`` + ``html_manager_semver_range``), then the manager's icon fonts
  from the same ``dist/`` if a widget needs them,
* ``https://cdn.jsdelivr.net/npm/anywidget@~0.11.*/dist/index.js``: the widget manager asks
  require.js for the module ``anywidget`` (the widget's ``_model_module``); that fails next to
  the page (``anywidget.js`` beside the .html), and it falls back to jsDelivr with the
  ``_model_module_version`` as the version,
* MathJax from cdnjs (the template always includes it; nothing here needs it).

This machine has no internet, so ``page.route`` answers those URLs from files of the npm
packages in ``package.json``'s devDependencies (``requirejs`` 2.1.10, the version nbconvert
names; ``@jupyter-widgets/html-manager``; ``anywidget``, whose ``dist/index.js`` is the AMD
module the CDN serves), after checking that the installed version satisfies the version range
in the URL. MathJax is answered with an abort. Only the network is stood in for: require.js,
the html-manager, anywidget's runtime and our ESM (from the saved ``_esm``) really run, on the
weights from the saved state.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _pen import DIGITS, draw
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
SAVE_STATE = "@jupyter-widgets/jupyterlab-manager:saveWidgetState"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

SETUP_CELL = """
from nnwidgets import DigitCanvas
canvas = DigitCanvas()
canvas
"""

# The example: the shipped model, a canvas and a diagram linked to it.
LINKED_CELL = """
from nnwidgets import DigitCanvas, NetworkDiagram
canvas = DigitCanvas()
diagram = NetworkDiagram(canvas.network)
diagram.link(canvas)
display(canvas, diagram)
"""

# CDN URL -> npm package and the file inside it. Group "range" is the version (range) the page
# asks for; "path" the file within the package.
CDN_FILES = [
    (
        re.compile(
            r"https://cdnjs\.cloudflare\.com/ajax/libs/require\.js/(?P<range>[^/]+)/require(\.min)?\.js"
        ),
        "requirejs",
        lambda m: "require.js",
    ),
    (
        re.compile(
            r"https://(?:unpkg\.com|cdn\.jsdelivr\.net/npm)/(?P<pkg>@jupyter-widgets/html-manager)"
            r"@(?P<range>[^/]+)/(?P<path>dist/[\w.-]+)"
        ),
        "@jupyter-widgets/html-manager",
        lambda m: m["path"],
    ),
    (
        re.compile(
            r"https://(?:unpkg\.com|cdn\.jsdelivr\.net/npm)/(?P<pkg>anywidget)@(?P<range>[^/]+)/(?P<path>dist/index\.js)"
        ),
        "anywidget",
        lambda m: m["path"],
    ),
]
NOT_NEEDED = re.compile(r"https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/")
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
    ".svg": "image/svg+xml",
}


def satisfies(version: str, spec: str) -> bool:
    """npm semver, the forms these URLs use.

    ``*``, ``1.2.3``, ``^1.2.3``, ``~0.11.*``, ``1.0.*``.
    """
    from urllib.parse import unquote

    spec = unquote(spec).strip()
    v = [int(p) for p in version.split("-")[0].split(".")]
    if spec in ("*", "", "latest"):
        return True
    op = spec[0] if spec[0] in "^~" else ""
    parts = spec[len(op) :].split(".")
    fixed = [int(p) for p in parts if p not in ("*", "x")]
    if op == "^":
        first = next((i for i, p in enumerate(fixed) if p != 0), len(fixed) - 1)
        return v[: first + 1] == fixed[: first + 1] and v >= fixed + [0] * (3 - len(fixed))
    if op == "~":
        keep = 2 if len(fixed) >= 2 else 1
        return v[:keep] == fixed[:keep] and v >= fixed + [0] * (3 - len(fixed))
    return v[: len(fixed)] == fixed


def test_satisfies():
    assert (
        satisfies("1.0.15", "*")
        and satisfies("1.0.15", "^1.0.1")
        and not satisfies("2.0.0", "^1.0.1")
    )
    assert (
        satisfies("0.11.0", "~0.11.*")
        and satisfies("0.11.3", "%7E0.11.*")
        and not satisfies("0.12.0", "~0.11.*")
    )
    assert satisfies("2.1.10", "2.1.10") and not satisfies("2.3.8", "2.1.10")


class CdnFromNodeModules:
    """``page.route`` handler: answers CDN URLs with files of the installed npm packages."""

    def __init__(self):
        self.served: dict[str, str] = {}  # url -> "package@version/path"
        self.aborted: list[str] = []
        self.unknown: list[str] = []

    def __call__(self, route):
        url = route.request.url
        for pattern, package, path in CDN_FILES:
            m = pattern.fullmatch(url.split("?")[0])
            if not m:
                continue
            meta = json.loads((NODE_MODULES / package / "package.json").read_text())
            file = NODE_MODULES / package / path(m)
            if not satisfies(meta["version"], m["range"]):
                self.unknown.append(
                    f"{url} (installed {package}@{meta['version']} does not satisfy it)"
                )
            elif file.is_file():
                self.served[url] = f"{package}@{meta['version']}/{path(m)}"
                return route.fulfill(
                    status=200,
                    path=str(file),
                    headers={
                        "Content-Type": CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
                        "Access-Control-Allow-Origin": "*",
                    },
                )
            else:
                self.unknown.append(f"{url} (no {file})")
            return route.abort()
        (self.aborted if NOT_NEEDED.match(url) else self.unknown).append(url)
        return route.abort()


@pytest.fixture
def save_widget_state(jupyter_server):
    """Turn "Save Widget State Automatically" back off after the test (the server is shared)."""
    yield
    jupyter_server.api(
        "PUT",
        "/lab/api/settings/@jupyter-widgets/jupyterlab-manager:plugin",
        {"raw": json.dumps({"saveState": False})},
    )


def require_cdn_packages():
    for package in ("requirejs", "@jupyter-widgets/html-manager", "anywidget"):
        if not (NODE_MODULES / package / "package.json").is_file():
            pytest.fail(
                f"npm package {package} is missing: "
                "run `npm install` (package.json devDependencies)"
            )


def save_with_widget_state(nb, jupyter_server) -> tuple[Path, dict]:
    """Switch on "Save Widget State Automatically" with the Settings menu's command and save the
    notebook, as a user would. Returns the .ipynb and its saved widget state (model id -> model)."""
    nb.page.evaluate(
        """async ([path, cmd]) => {
             const app = window.jupyterapp, panel = window.nnwPanel(path);
             if (!app.commands.isToggled(cmd)) await app.commands.execute(cmd);
             app.shell.activateById(panel.id);
             await panel.context.save();
           }""",
        [nb.path, SAVE_STATE],
    )
    ipynb = jupyter_server.root_dir / nb.path
    saved = json.loads(ipynb.read_text())
    return ipynb, saved["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def nbconvert_html(ipynb: Path, tmp_path: Path) -> Path:
    """``jupyter nbconvert --to html``, the way a user would run it."""
    html = tmp_path / "exported.html"
    subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "html", str(ipynb), "--output", str(html)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = html.read_text()
    assert "application/vnd.jupyter.widget-view+json" in text and WIDGET_STATE in text
    return html


@dataclass
class ExportedPage:
    page: object
    cdn: CdnFromNodeModules
    errors: list[str] = field(default_factory=list)  # uncaught exceptions in the page
    console: list[str] = field(default_factory=list)  # console errors and warnings
    requests: list[str] = field(default_factory=list)


@contextmanager
def exported_page(browser, html: Path):
    """Open the exported page from disk.

    The CDNs are answered from node_modules, nothing else is reachable.
    """
    cdn = CdnFromNodeModules()
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.route(re.compile(r"^https?://"), cdn)
    opened = ExportedPage(context.new_page(), cdn)
    opened.page.on("pageerror", lambda e: opened.errors.append(str(e)))
    opened.page.on(
        "console", lambda m: m.type in ("error", "warning") and opened.console.append(m.text)
    )
    opened.page.on("request", lambda r: opened.requests.append(r.url))
    try:
        opened.page.goto(html.as_uri())
        yield opened
    finally:
        context.close()


def test_nbconvert_html_of_saved_notebook_draws_and_reads(
    open_notebook, browser, jupyter_server, save_widget_state, tmp_path
):
    require_cdn_packages()

    # 1. Run the notebook in a real kernel and save it with the widget state, as a user would.
    nb = open_notebook([SETUP_CELL], app="lab")
    expect(nb.page.locator(".nnw-canvas")).to_have_count(1)
    ipynb, state = save_with_widget_state(nb, jupyter_server)
    models = [m for m in state.values() if m["model_name"] == "AnyModel"]
    assert len(models) == 1, (
        f"expected one saved AnyModel, got {[m['model_name'] for m in state.values()]}"
    )
    assert models[0]["model_module"] == "anywidget"
    assert "_esm" in models[0]["state"] and models[0].get("buffers"), (
        "saved state lacks the ESM or the weights"
    )

    # 2. Export it the way a user would.
    html = nbconvert_html(ipynb, tmp_path)

    # 3. Open it from disk, the CDNs answered from node_modules, nothing else reachable.
    with exported_page(browser, html) as opened:
        page, cdn, requests = opened.page, opened.cdn, opened.requests
        root = page.locator(".nnw-canvas")
        expect(root).to_have_count(1, timeout=20_000)
        pad = root.locator("canvas.nnw-canvas__pad")
        expect(root.locator(".nnw-canvas__hint")).to_be_visible()
        expect(root.locator(".nnw-canvas__error")).to_have_text("")
        expect(root).to_have_attribute("data-prediction", "")

        draw(page, pad, DIGITS["7"][0])
        expect(root).to_have_attribute("data-prediction", "7")
        expect(root.locator(".nnw-canvas__prediction")).to_have_text("7")
        probs = [float(p) for p in root.get_attribute("data-probabilities").split(",")]
        assert len(probs) == 10 and abs(sum(probs) - 1) < 1e-5 and max(probs) == probs[7]

        root.locator("button", has_text="Clear").click()
        expect(root).to_have_attribute("data-prediction", "")
        draw(page, pad, DIGITS["0"][0])
        expect(root).to_have_attribute("data-prediction", "0")

        # What the page fetched: exactly the CDN files named in the module docstring.
        assert not cdn.unknown, f"requests not answered from node_modules: {cdn.unknown}"
        fetched = sorted(cdn.served)
        print(
            "\n[export] served from node_modules:\n  "
            + "\n  ".join(f"{u} <- {f}" for u, f in cdn.served.items())
        )
        print("[export] aborted (not needed): " + ", ".join(cdn.aborted))
        print(
            "[export] other requests: "
            + ", ".join(u for u in requests if u not in cdn.served and u not in cdn.aborted)
        )
        print("[export] console errors and warnings: " + " | ".join(opened.console))
        assert any(
            u.startswith("https://cdnjs.cloudflare.com/ajax/libs/require.js/") for u in fetched
        ), fetched
        assert any(
            "/@jupyter-widgets/html-manager@" in u and u.endswith("/dist/embed-amd.js")
            for u in fetched
        ), fetched
        assert any("/anywidget@" in u and u.endswith("/dist/index.js") for u in fetched), fetched
        # every request left the page through the router (nothing reached a network)
        assert {u for u in requests if re.match(r"^https?://", u)} <= set(cdn.served) | set(
            cdn.aborted
        )
        assert not opened.errors, opened.errors


def test_nbconvert_html_links_diagram_to_canvas(
    open_notebook, browser, jupyter_server, save_widget_state, tmp_path
):
    """The diagram follows the pen on the exported page: the html-manager resolves its `_source`
    reference to the canvas's model, whose `_live` 28x28 the diagram redraws from (no kernel)."""
    require_cdn_packages()

    nb = open_notebook([LINKED_CELL], app="lab")
    expect(nb.page.locator(".nnw-diagram")).to_have_attribute("data-linked", "true")
    ipynb, state = save_with_widget_state(nb, jupyter_server)
    # Told apart by a trait only each has: the canvas's `_drawn`, the diagram's `_source`.
    canvases = [ref for ref, m in state.items() if "_drawn" in m["state"]]
    diagrams = [m["state"] for m in state.values() if "_source" in m["state"]]
    assert len(canvases) == 1 and len(diagrams) == 1, (
        f"expected a saved canvas and diagram, got {len(state)} models"
    )
    assert diagrams[0]["_source"] == f"IPY_MODEL_{canvases[0]}", (
        f"the saved diagram follows {diagrams[0]['_source']!r}"
    )

    html = nbconvert_html(ipynb, tmp_path)

    with exported_page(browser, html) as opened:
        page = opened.page
        canvas_root, diagram = page.locator(".nnw-canvas"), page.locator(".nnw-diagram")
        expect(diagram).to_have_attribute("data-linked", "true", timeout=20_000)
        expect(diagram).to_have_attribute("data-prediction", "")
        pad = canvas_root.locator("canvas.nnw-canvas__pad")
        pad.evaluate(
            "(el) => el.scrollIntoView({block: 'center'})"
        )  # the mouse reaches only the viewport

        draw(page, pad, DIGITS["7"][0])
        expect(canvas_root).to_have_attribute("data-prediction", "7")
        reading = canvas_root.get_attribute("data-prediction")
        expect(diagram).to_have_attribute("data-prediction", reading)

        canvas_root.locator("button", has_text="Clear").click()
        expect(diagram).to_have_attribute("data-prediction", "")
        draw(page, pad, DIGITS["0"][0])
        expect(canvas_root).to_have_attribute("data-prediction", "0")
        expect(diagram).to_have_attribute(
            "data-prediction", canvas_root.get_attribute("data-prediction")
        )
        assert not opened.errors, opened.errors


@pytest.mark.xfail(
    strict=True,
    reason=(
        "nbconvert's HTML templates embed the widget state with json_dumps | escape_html_script, "
        "which escapes only '/': '<!--<script>' in any string of the state puts the tokenizer "
        "into its double-escaped script state, the state's <script> swallows the rest of the page "
        "and no widget "
        "renders. Upstream (nbconvert); export_html escapes '<' and so is not affected "
        "(tests/e2e/test_export_page.py). Flips to a pass when nbconvert escapes '<'."
    ),
)
def test_nbconvert_page_survives_comment_script_in_widget_state(browser, tmp_path):
    """A notebook whose saved widget state holds a ModelInfo title with '<!--<script>', turned
    into a page by nbconvert as a user would: the page's widget state must still parse."""
    title = "<!--<script>window.pwned=1</script>"
    state = {
        "version_major": 2,
        "version_minor": 0,
        "state": {
            "abc": {
                "model_name": "AnyModel",
                "model_module": "anywidget",
                "model_module_version": "~0.11.*",
                "state": {"title": title},
            }
        },
    }
    nb = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "a page"}],
        "metadata": {"widgets": {WIDGET_STATE: state}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    ipynb = tmp_path / "hostile.ipynb"
    ipynb.write_text(json.dumps(nb))
    html = tmp_path / "hostile.html"
    command = [sys.executable, "-m", "nbconvert", "--to", "html", str(ipynb), "--output", str(html)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    context = browser.new_context(offline=True)
    try:
        page = context.new_page()
        page.goto(html.as_uri())
        query = f"script[type='{WIDGET_STATE}']"
        text = page.evaluate("(q) => document.querySelector(q).textContent", query)
        assert json.loads(text)["state"]["abc"]["state"]["title"] == title
    finally:
        context.close()
