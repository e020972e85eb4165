"""Live mode: the drawn design run as real processes on this machine, and a deployment to take away.

``app`` is the web application every server node runs (``chat``: its chat socket, what a websocket server
node runs); ``supervisor`` starts, kills and cleans up the real processes (uvicorn, HAProxy, redis-server,
PostgreSQL, moto's S3 server); ``load`` drives the journeys with real HTTP (``chatload``: the chat journey with
real WebSocket clients); ``runner`` ties them into ``statediagram live``; ``feed`` turns a run's events into
what the app's player shows; ``deploy`` writes compose or Kubernetes files.

Nothing here is imported by ``make run`` or ``simulate``: the live dependencies are an optional extra
(``pip install statediagram[live]``), imported only in live mode, with a clear message when missing.
"""

from __future__ import annotations

import importlib.util

LIVE_MODULES = {  # import name -> what to install
    "starlette": "starlette",
    "uvicorn": "uvicorn",
    "httpx": "httpx",
    "websockets": "websockets",
    "psycopg": "psycopg[binary]",
    "boto3": "boto3",
    "moto": "moto[server]",
}


class LiveUnavailable(Exception):
    """Live mode cannot run here; the message says what to install."""


def missing_modules(names=None) -> list[str]:
    """The pip requirements of live mode that cannot be imported (checked without importing the heavy parts)."""
    out = []
    for name in names or LIVE_MODULES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            out.append(LIVE_MODULES[name])
    return out


def require_modules(names=None) -> None:
    missing = missing_modules(names)
    if missing:
        raise LiveUnavailable(
            "live mode needs Python packages that are not installed: " + ", ".join(missing)
            + ". Install them with: pip install 'statediagram[live]'"
        )


MAX_USERS = 200  # real clients on this machine: more would measure the machine, not the design


class CannotRunLive(Exception):
    """The design cannot be run live here, for a reason the message gives."""


def check_runnable(diagram) -> None:
    """Raises CannotRunLive when the design has more users than live mode runs, or kinds it cannot run yet (told
    before anything starts; light to import, for the app)."""
    from ..core.catalog import Role, role_of
    from .kinds import kinds_not_live

    users = sum(int(n.props.get("users", 1)) for n in diagram.nodes if role_of(n.kind) == Role.USERS)
    if users > MAX_USERS:
        raise CannotRunLive(f"live mode runs at most {MAX_USERS} users as real clients on this machine; this "
                            f"design has {users}. Lower the clients' users, or run statediagram simulate.")
    skipped = kinds_not_live(diagram)
    if skipped:
        raise CannotRunLive(f"live mode cannot run these kinds yet: {', '.join(skipped)}")
