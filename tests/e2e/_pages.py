"""A fresh page in the shared browser, with the errors it reported: for the static-page tests."""

from contextlib import contextmanager


@contextmanager
def fresh_page(browser, *, viewport, offline=False, console=True, timeout=None, **options):
    """Yield ``(page, errors)`` in a context of its own, closed on exit.

    ``errors`` collects uncaught page errors and, with ``console``, console errors too;
    ``offline`` cuts the context off the network; ``timeout`` (ms) is the page's default wait;
    other ``options`` go to the context (``device_scale_factor=2`` for a high-DPI screen).
    """
    context = browser.new_context(offline=offline, viewport=viewport, **options)
    page = context.new_page()
    if timeout is not None:
        page.set_default_timeout(timeout)
    errors = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    if console:
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        yield page, errors
    finally:
        context.close()


def drag(page, handle, dy, steps=8):
    """Press the mouse on ``handle``'s centre, move it ``dy`` CSS pixels down, release."""
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + dy, steps=steps)
    page.mouse.up()
