"""An assistive-technology client for test_screen_reader_atspi.py: reads the app's canvas over AT-SPI (D-Bus), as a
screen reader such as Orca does, presses keys with xdotool and records what the app told it after each key.

Run by the system's Python (``/usr/bin/python3``, with ``gi.repository.Atspi``: Debian's python3-gi and
gir1.2-atspi-2.0), not the project's: PyGObject is not a dependency of the app. It prints one JSON object:
``{"canvas": {...}, "items": [...], "steps": [{"key": ..., "events": [...], "focused": {...}}, ...]}``, or
``{"error": ...}`` with exit status 1 when the app or its canvas does not show up in time.

Usage: atspi_probe.py APP_NAME KEY [KEY ...]   (keys in xdotool's words: Tab, shift+Tab, alt+Right, Escape)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402 - after require_version, as PyGObject asks

FIND_SECONDS = 40.0  # the app starting under load on a shared machine, then its window filling in
QUIET_SECONDS = 1.0  # a key's events have all come once none came for this long
KEY_SECONDS = 20.0  # at most this long per key
EVENTS = ("focus:", "object:state-changed:focused", "object:property-change:accessible-description",
          "object:property-change:accessible-name", "object:children-changed")


def described(acc) -> dict:
    states = acc.get_state_set()
    return {"name": acc.get_name(), "role": acc.get_role_name(), "description": acc.get_description(),
            "focused": states.contains(Atspi.StateType.FOCUSED),
            "selected": states.contains(Atspi.StateType.SELECTED),
            "focusable": states.contains(Atspi.StateType.FOCUSABLE)}


def find(acc, wanted, depth: int = 0):
    if wanted(acc):
        return acc
    if depth > 12:
        return None
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        found = find(child, wanted, depth + 1) if child is not None else None
        if found is not None:
            return found
    return None


def the_app(name: str):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_name() == name:
            return app
    return None


def is_canvas(acc) -> bool:
    return acc.get_role() == Atspi.Role.LIST and (acc.get_name() or "").startswith("Diagram canvas")


def wait_for_canvas(name: str):
    end = time.monotonic() + FIND_SECONDS
    while time.monotonic() < end:
        try:
            app = the_app(name)
            canvas = find(app, is_canvas) if app is not None else None
            if canvas is not None and canvas.get_child_count() > 0:
                return canvas
        except GLib.Error:
            pass  # the app still building its window: ask again
        time.sleep(0.3)
    return None


def wait_for_findings(canvas) -> None:
    """Until a node's description carries a design finding ("Warning: ..."): the app works the findings out in a
    child process, a moment after the diagram shows (up to a second or two while the app is starting)."""
    end = time.monotonic() + FIND_SECONDS
    while time.monotonic() < end:
        try:
            if any("Warning:" in (canvas.get_child_at_index(i).get_description() or "")
                   for i in range(canvas.get_child_count())):
                return
        except GLib.Error:
            pass  # an item gone meanwhile: ask again
        time.sleep(0.3)


def press(key: str) -> None:
    """Press ``key`` as a hand does: modifiers held down a moment around the key. xdotool's "alt+Right" in one go
    had the menu bar take the Alt now and then on a busy machine (1 run in 3), opening File instead."""
    *modifiers, last = key.split("+")
    xdotool = ["xdotool"]
    for modifier in modifiers:
        xdotool += ["keydown", modifier, "sleep", "0.1"]
    xdotool += ["key", "--clearmodifiers", last] if not modifiers else ["key", last]
    for modifier in reversed(modifiers):
        xdotool += ["sleep", "0.1", "keyup", modifier]
    subprocess.run(xdotool, check=True, timeout=10)


def main() -> int:
    app_name, keys = sys.argv[1], sys.argv[2:]
    canvas = wait_for_canvas(app_name)
    if canvas is None:
        print(json.dumps({"error": f"no {app_name!r} application with a 'Diagram canvas' list over AT-SPI "
                                   f"within {FIND_SECONDS:.0f} s"}))
        return 1
    wait_for_findings(canvas)  # not found in time: the test says which finding is missing
    items = [described(canvas.get_child_at_index(i)) for i in range(canvas.get_child_count())]
    ancestors, parent = [], canvas.get_parent()
    while parent is not None and parent.get_role() != Atspi.Role.APPLICATION:
        ancestors.append({"name": parent.get_name(), "role": parent.get_role_name()})
        parent = parent.get_parent()
    report = {"canvas": described(canvas), "ancestors": ancestors, "items": items, "steps": []}

    heard: list[dict] = []

    def on_event(event) -> None:
        source = event.source
        try:
            said = {"type": event.type, "detail1": event.detail1, "name": source.get_name(),
                    "role": source.get_role_name(), "description": source.get_description()}
        except GLib.Error as error:  # gone by the time it is asked
            said = {"type": event.type, "detail1": event.detail1, "error": str(error)}
        heard.append(said)

    listener = Atspi.EventListener.new(on_event)
    for kind in EVENTS:
        listener.register(kind)
    context = GLib.MainContext.default()

    def settle(reaction: bool = True) -> None:
        """Listen until the canvas or its items said something (every key here makes them: a busy machine may
        take seconds), then until they have been quiet a while (during a run the clock and counters change their
        names every frame: they do not count)."""
        start = time.monotonic()
        last_at = None if reaction else start
        count = 0
        while time.monotonic() - start < KEY_SECONDS:
            context.iteration(False)
            about_canvas = sum(1 for e in heard if e.get("role") in ("list", "list item"))
            if about_canvas != count:
                count, last_at = about_canvas, time.monotonic()
            elif last_at is not None and time.monotonic() - last_at > QUIET_SECONDS:
                return
            time.sleep(0.01)

    settle(reaction=False)  # what was on its way before the first key
    heard.clear()
    for key in keys:
        press(key)
        settle()
        focused = find(canvas, lambda a: a.get_state_set().contains(Atspi.StateType.FOCUSED)
                       and a.get_role() == Atspi.Role.LIST_ITEM, depth=11)
        report["steps"].append({"key": key, "events": list(heard), "canvas": described(canvas),
                                "focused": described(focused) if focused is not None else None})
        heard.clear()
    for kind in EVENTS:
        listener.deregister(kind)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
