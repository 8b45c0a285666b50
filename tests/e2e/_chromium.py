"""Debian's chromium and the flags it runs headless with here, for the browser tests and the
page benches (bench/*_latency.py, bench/decision_map.py import this module too)."""

import shutil

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
