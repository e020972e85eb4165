"""The application every server runs: each kind of state kept where its environment says, real JWTs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import warnings

import pytest

pytest.importorskip("starlette")
with warnings.catch_warnings():  # starlette asks for httpx2 in its test client; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from statediagram.live.app import Config, create_app  # noqa: E402

SECRET = "k" * 40


def client(tmp_path, **env) -> TestClient:
    base = {"SERVER_NAME": "server-a", "UPLOAD_STORE": f"disk:{tmp_path}/uploads"}
    return TestClient(create_app({**base, **env}))


def login(c: TestClient, user: str = "users-1"):
    r = c.post("/login", json={"user": user})
    assert r.status_code == 200, r.text
    return r


def test_session_in_ram_is_only_known_to_the_server_that_made_it(tmp_path) -> None:
    a, b = client(tmp_path), client(tmp_path, SERVER_NAME="server-b")
    r = login(a)
    sid = r.cookies["session"]
    mine = a.get("/profile", headers={"Cookie": f"session={sid}"})
    assert mine.json() == {"user": "users-1", "answered_by": "server-a"}
    other = b.get("/profile", headers={"Cookie": f"session={sid}"})
    assert other.status_code == 401
    assert other.headers["x-server"] == "server-b"


def test_cart_and_avatar_round_trip_on_own_ram_and_disk(tmp_path) -> None:
    c = client(tmp_path)
    login(c)
    for product in ("book", "book", "mug"):
        assert c.post("/cart", json={"product": product}).status_code == 200
    assert c.get("/cart").json() == {"items": {"book": 2, "mug": 1}}
    assert c.get("/avatar").status_code == 404
    assert c.post("/avatar", content=b"\x89PNG me").status_code == 200
    assert c.get("/avatar").content == b"\x89PNG me"
    assert (tmp_path / "uploads" / "avatars" / "users-1.png").read_bytes() == b"\x89PNG me"


def test_jwt_is_accepted_by_every_server_with_the_shared_key(tmp_path) -> None:
    a = client(tmp_path, AUTH="jwt", JWT_SECRET=SECRET)
    b = client(tmp_path, AUTH="jwt", JWT_SECRET=SECRET, SERVER_NAME="server-b")
    token = login(a).json()["token"]
    assert b.get("/profile", headers={"Authorization": f"Bearer {token}"}).json()["user"] == "users-1"
    stranger = client(tmp_path, AUTH="jwt", JWT_SECRET="x" * 40)
    assert stranger.get("/profile", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_unreachable_store_answers_503_naming_its_role(tmp_path) -> None:
    c = client(tmp_path, SESSION_STORE="redis://127.0.0.1:1/0")
    r = c.post("/login", json={"user": "u-1"})
    assert r.status_code == 503
    assert r.headers["x-store-down"] == "sessions"


def test_bad_settings_and_bad_input_are_refused_clearly(tmp_path) -> None:
    with pytest.raises(ValueError, match="JWT_SECRET"):
        Config({"AUTH": "jwt"})
    with pytest.raises(ValueError, match="CART_STORE"):
        Config({"CART_STORE": "mysql://x"})
    c = client(tmp_path)
    assert c.post("/login", json={"user": "../../etc/passwd"}).status_code == 400
    assert c.post("/login", content=b"not json").status_code == 400
    assert c.get("/profile").status_code == 401


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (apt-get install redis-server)")
def test_sessions_and_carts_in_a_real_redis_are_shared_by_two_servers(tmp_path) -> None:
    from statediagram.live.supervisor import free_port

    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        with client(tmp_path, SESSION_STORE=url, CART_STORE=url) as a, \
                client(tmp_path, SESSION_STORE=url, CART_STORE=url, SERVER_NAME="server-b") as b:
            for _ in range(50):  # until redis-server listens
                if a.post("/login", json={"user": "u-1"}).status_code == 200:
                    break
                time.sleep(0.1)
            sid = a.post("/login", json={"user": "u-1"}).cookies["session"]
            added = a.post("/cart", json={"product": "lamp"}, headers={"Cookie": f"session={sid}"})
            assert added.headers["x-store-calls"] == "cart=1,sessions=1"
            r = b.get("/cart", headers={"Cookie": f"session={sid}"})
            assert r.json() == {"items": {"lamp": 1}}
            assert r.headers["x-server"] == "server-b"
    finally:
        proc.kill()
        proc.wait()


def test_live_mode_is_qt_free_and_simulate_needs_none_of_its_packages() -> None:
    code = ("import sys, statediagram.cli, statediagram.live.runner, statediagram.live.app, statediagram.live.deploy;"
            "from statediagram.cli import main;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6',)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    code = ("import sys; from statediagram.cli import main; main(['simulate', 'examples/jwt.statediagram.json']);"
            "import statediagram.gui.live.run;"  # the app's Run for real part, imported ahead by the app's warm-up
            "mods = ('starlette', 'uvicorn', 'httpx', 'psycopg', 'boto3', 'moto', 'websockets', 'redis');"
            "print(sorted(m for m in mods if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr
