"""statediagram deploy writes files a user can run: valid compose (schema), valid HAProxy, an app that starts
from the environment the compose file gives it; hostile node ids never reach a name, a config or a path."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")

from livehelp import EXAMPLES, have_postgres, needs_live  # noqa: E402

from statediagram.core.fileio import load_diagram, parse_diagram  # noqa: E402
from statediagram.live.deploy import SCHEMA, write_deployment  # noqa: E402
from statediagram.live.kinds import kinds_not_live  # noqa: E402
from statediagram.live.services import http_ok  # noqa: E402

SAFE = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
HOSTILE_IDS = ["a; rm -rf ~", "$(touch pwned)", "../../etc/passwd", "b\nbackend evil", "{{ x }}", "Ünïcode ☃",
               "server-a", "server a", "'quote\"", "lb\tx"]


def hostile_diagram():
    ids = HOSTILE_IDS
    nodes = [{"id": "users", "kind": "client", "props": {"users": 2}},
             {"id": ids[2], "kind": "load_balancer", "props": {"policy": "sticky"}},
             {"id": ids[4], "kind": "redis"}, {"id": ids[5], "kind": "postgres"},
             {"id": ids[9], "kind": "object_storage"}]
    servers = [ids[0], ids[1], ids[3], ids[6], ids[7], ids[8]]
    nodes += [{"id": s, "kind": "server", "label": s} for s in servers]
    edges = [{"source": "users", "target": ids[2]}]
    for s in servers:
        edges += [{"source": ids[2], "target": s}, {"source": s, "target": ids[4]}, {"source": s, "target": ids[5]},
                  {"source": s, "target": ids[9]}]
    return parse_diagram(json.dumps({"format": "statediagram", "version": 1, "title": "x\n# injected",
                                     "nodes": nodes, "edges": edges})).diagram


def check_schema(compose_path: Path) -> dict:
    data = yaml.safe_load(compose_path.read_text())
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(data)  # the schema says draft 7
    return data


def deployable_examples() -> list[Path]:
    """The examples whose every kind runs for real (all of them, websocket servers included)."""
    return [p for p in sorted(EXAMPLES.glob("*.statediagram.json")) if not kinds_not_live(load_diagram(p).diagram)]


def test_a_chat_design_deploys_its_websocket_servers_with_their_history_and_pubsub(tmp_path: Path) -> None:
    write_deployment(load_diagram(EXAMPLES / "chat-redis.statediagram.json").diagram, tmp_path / "out")
    data = check_schema(tmp_path / "out" / "compose.yaml")
    env = data["services"]["chat-a"]["environment"]
    assert env["HISTORY_STORE"] == env["PUBSUB_STORE"] == "redis://redis:6379/0"
    assert data["services"]["chat-a"]["depends_on"] == ["redis"]
    assert (tmp_path / "out" / "app" / "chat.py").is_file()  # the chat socket ships beside the app
    assert "COPY app.py chat.py /app/" in (tmp_path / "out" / "app" / "Dockerfile").read_text()
    assert '"websockets' in (tmp_path / "out" / "app" / "Dockerfile").read_text()  # uvicorn's WebSocket protocol
    assert "timeout tunnel" in (tmp_path / "out" / "haproxy" / "lb.cfg").read_text()  # a chat stays open idle
    assert "docker compose kill chat-a" in (tmp_path / "out" / "README.md").read_text()


def test_compose_file_passes_the_compose_schema_and_names_a_service_per_node(tmp_path: Path) -> None:
    for example in deployable_examples():
        out = tmp_path / example.name.split(".")[0]
        write_deployment(load_diagram(example).diagram, out)
        data = check_schema(out / "compose.yaml")
        diagram = load_diagram(example).diagram
        assert len(data["services"]) == sum(1 for n in diagram.nodes if n.kind != "client")
        assert (out / "app" / "Dockerfile").read_text().startswith("# The statediagram application")
        assert re.search(r"docker compose kill (server|chat)-", (out / "README.md").read_text())


def test_schema_check_really_rejects_a_broken_compose_file() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate({"services": {"a": {"image": 5}}})


def test_hostile_node_ids_become_safe_names_everywhere(tmp_path: Path) -> None:
    out = tmp_path / "deploy"
    written = write_deployment(hostile_diagram(), out)
    assert all(p.resolve().is_relative_to(out.resolve()) for p in written)
    assert not (tmp_path / "pwned").exists()
    data = check_schema(out / "compose.yaml")
    assert all(SAFE.match(name) for name in data["services"]), list(data["services"])
    cfgs = list((out / "haproxy").iterdir())
    assert len(cfgs) == 1 and SAFE.match(cfgs[0].stem)
    text = cfgs[0].read_text()
    assert "backend evil" not in text and "rm -rf" not in text and "$(" not in text
    assert (out / "README.md").read_text().count("\n# ") == 0  # the title's newline did not make a heading
    k8s = tmp_path / "k8s"
    write_deployment(hostile_diagram(), k8s, kubernetes=True)
    for f in (k8s / "k8s").iterdir():
        for doc in yaml.safe_load_all(f.read_text()):
            assert SAFE.match(doc["metadata"]["name"].removesuffix("-config")) or doc["kind"] == "Secret"


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="needs haproxy (apt-get install haproxy)")
def test_generated_haproxy_configs_pass_haproxy_check(tmp_path: Path) -> None:
    designs = [load_diagram(p).diagram for p in deployable_examples()] + [hostile_diagram()]
    for i, diagram in enumerate(designs):
        out = tmp_path / str(i)
        write_deployment(diagram, out)
        for cfg in (out / "haproxy").glob("*.cfg"):
            run = subprocess.run(["haproxy", "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
            assert run.returncode == 0, run.stdout + run.stderr
        k8s = tmp_path / f"k8s{i}"
        write_deployment(diagram, k8s, kubernetes=True)
        for f in (k8s / "k8s").iterdir():
            for doc in yaml.safe_load_all(f.read_text()):
                if doc["kind"] == "ConfigMap":
                    cfg = tmp_path / "cm.cfg"
                    cfg.write_text(doc["data"]["haproxy.cfg"])
                    run = subprocess.run(["haproxy", "-c", "-f", str(cfg)], capture_output=True, text=True)
                    assert run.returncode == 0, run.stdout + run.stderr


def test_deploy_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    run = subprocess.run([sys.executable, "-m", "statediagram", "deploy", str(EXAMPLES / "jwt.statediagram.json"),
                          "-o", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "new or empty folder" in run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.mark.live
@needs_live
@pytest.mark.skipif(not have_postgres(), reason="needs postgresql (apt-get install postgresql)")
def test_the_app_starts_from_the_environment_the_compose_file_gives_it(tmp_path: Path) -> None:
    """server-a's environment from compose.yaml and .env, its hosts mapped to local stores: a user's journey works."""
    from statediagram.live.layout import layout
    from statediagram.live.services import build_specs
    from statediagram.live.supervisor import Supervisor, free_port

    diagram = load_diagram(EXAMPLES / "stateless-full.statediagram.json").diagram
    out = tmp_path / "deploy"
    write_deployment(diagram, out)
    compose = check_schema(out / "compose.yaml")
    secrets = dict(line.split("=", 1) for line in (out / ".env").read_text().splitlines())
    env = {k: re.sub(r"\$\{(\w+)\}", lambda m: secrets[m.group(1)], v)
           for k, v in compose["services"]["server-a"]["environment"].items()}
    lay = layout(diagram)
    with Supervisor() as sup:
        specs, ctx = build_specs(lay, sup, 1000)
        stores = [s for s in specs if s.name in ("redis", "postgres-pg", "s3")]
        sup.start_all(stores)
        hosts = {f"{lay.names[n]}:{port}": f"127.0.0.1:{ctx.ports[n]}"
                 for n, port in (("redis", 6379), ("pg", 5432), ("s3", 9000))}
        for k, v in env.items():
            for host, local in hosts.items():
                v = v.replace(host, local)
            env[k] = v
        env["CART_STORE"] = re.sub(r"//statediagram:[^@]*@", "//statediagram@", env["CART_STORE"])  # trust auth
        port = free_port()
        env.update({"HOST": "127.0.0.1", "PORT": str(port), "UPLOAD_STORE": env["UPLOAD_STORE"],
                    "PATH": os.environ["PATH"]})
        app = subprocess.Popen([sys.executable, str(out / "app" / "app.py")], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            import httpx

            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(base + "/health", timeout=0.5).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            with httpx.Client(base_url=base, timeout=10) as c:
                assert c.post("/login", json={"user": "ann"}).status_code == 200
                assert c.post("/cart", json={"product": "book"}).status_code == 200
                assert c.get("/cart").json() == {"items": {"book": 1}}
                assert c.post("/avatar", content=b"\x89PNG ann").status_code == 200
                got = c.get("/avatar")
                assert got.status_code == 200 and got.content == b"\x89PNG ann"
                assert "cart=1" in c.get("/cart").headers["x-store-calls"]
        finally:
            app.kill()
            app.wait()


@pytest.mark.live
@needs_live
def test_the_deployed_chat_servers_start_from_their_environment_and_publish_through_redis(tmp_path: Path) -> None:
    """chat-a and chat-b from compose.yaml, run as the image runs them (app.py as a script, chat.py beside it),
    their Redis a real redis-server: a message sent on A is acknowledged, reaches a user on B through pub/sub, and
    a user reconnecting to B reads it back from the history in Redis."""
    from websockets.sync.client import connect

    from statediagram.live.layout import layout
    from statediagram.live.services import build_specs
    from statediagram.live.supervisor import Supervisor, free_port

    diagram = load_diagram(EXAMPLES / "chat-redis.statediagram.json").diagram
    out = tmp_path / "deploy"
    write_deployment(diagram, out)
    compose = check_schema(out / "compose.yaml")
    lay = layout(diagram)
    apps, ports = [], {}
    with Supervisor() as sup:
        specs, ctx = build_specs(lay, sup, 1000)
        sup.start_all([s for s in specs if s.name == "redis"])
        try:
            for name in ("chat-a", "chat-b"):
                env = {k: v.replace("redis:6379", f"127.0.0.1:{ctx.ports['redis']}")
                       for k, v in compose["services"][name]["environment"].items()}
                ports[name] = free_port()
                env.update({"HOST": "127.0.0.1", "PORT": str(ports[name]), "PATH": os.environ["PATH"]})
                apps.append(subprocess.Popen([sys.executable, str(out / "app" / "app.py")], env=env, cwd=tmp_path,
                                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
            for name in ports:
                for _ in range(150):
                    if http_ok(ports[name]):
                        break
                    time.sleep(0.1)

            sockets = contextlib.ExitStack()

            def room(name: str, user: str, after: int = -1):
                ws = sockets.enter_context(connect(f"ws://127.0.0.1:{ports[name]}/chat?room=r&user={user}&after={after}",
                                                   open_timeout=10))
                return ws, json.loads(ws.recv(timeout=10))

            ann, hello = room("chat-a", "ann")
            assert hello["hello"] == "chat-a" and hello["calls"] == {"history": 1, "pubsub": 1}
            bob, hello_b = room("chat-b", "bob")
            time.sleep(0.3)  # chat-b's subscription is in place
            ann.send(json.dumps({"send": "ann:1"}))
            ack = json.loads(ann.recv(timeout=10))
            while "ack" not in ack:
                ack = json.loads(ann.recv(timeout=10))
            assert ack["ack"] == "ann:1" and "error" not in ack
            assert json.loads(bob.recv(timeout=10)) == {"msg": "ann:1", "t": ack["t"]}
            bob.close()
            again, hello = room("chat-b", "bob", after=hello_b["t"])
            assert hello["history"] == [["ann:1", ack["t"]]]
            sockets.close()
        finally:
            for app in apps:
                app.kill()
                app.wait()
