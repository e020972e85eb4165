"""A run on real processes sends the engine's requests: the load generator takes each request's method and path
from its one name in ``sim.nodes`` ("POST /login") and the user's next step from ``sim.shop``, so a request added
to or renamed in the journey cannot drift between a simulated and a real run."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest

from statediagram.sim.nodes import FULL_ROUND, LOGIN, User, method_and_path
from statediagram.sim.shop import advance, next_action

LOAD = Path(__file__).resolve().parents[2] / "src" / "statediagram" / "live" / "load.py"


def test_every_request_of_the_journeys_is_one_the_live_app_answers(tmp_path):
    pytest.importorskip("starlette")
    from starlette.routing import Route

    from statediagram.live.app import create_app

    app = create_app({"SERVER_NAME": "server-a", "UPLOAD_STORE": f"disk:{tmp_path}/uploads"})
    answered = {(m, r.path) for r in app.routes if isinstance(r, Route) for m in r.methods or ()}
    for action in (LOGIN, *FULL_ROUND):
        assert method_and_path(action) in answered, action


def test_the_load_generator_writes_no_request_path_of_its_own():
    paths = {method_and_path(a)[1] for a in (LOGIN, *FULL_ROUND)}
    literals = [tok for tok in tokenize.generate_tokens(io.StringIO(LOAD.read_text(encoding="utf-8")).readline)
                if tok.type == tokenize.STRING and any(p in tok.string for p in paths)]
    assert literals == [], [f"live/load.py:{t.start[0]}: {t.string}" for t in literals]


def test_a_user_logs_in_then_goes_round_the_full_journey_uploading_until_an_avatar_is_kept():
    user = User("users-1", "users")
    assert next_action(user, "full") == LOGIN
    user.needs_login = False
    seen = []
    for _ in range(6):
        seen.append(next_action(user, "full"))
        if seen[-1] == "POST /avatar":
            user.needs_upload = False
        advance(user, "full")
    assert seen == ["GET /profile", "POST /cart", "POST /avatar", "GET /avatar", "GET /cart", "GET /profile"]
    assert [next_action(user, "sessions") for _ in range(2)] == ["GET /profile", "GET /profile"]
