"""Messages as a browser sends them, for widget tests that need no browser."""

from ipywidgets.widgets.widget import _remove_buffers


def front_end_update(widget, state: dict) -> None:
    """Deliver ``state`` to ``widget`` the way a browser update arrives: buffers split out of the
    JSON and handed back as memoryviews onto the message, through the widget's comm handler."""
    json_state, buffer_paths, buffers = _remove_buffers(state)
    msg = {
        "content": {
            "data": {"method": "update", "state": json_state, "buffer_paths": buffer_paths}
        },
        "buffers": [memoryview(bytes(b)) for b in buffers],
    }
    widget._handle_msg(msg)
