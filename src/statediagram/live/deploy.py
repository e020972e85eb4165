"""``statediagram deploy``: the drawn design as files a user can take away and run with Docker or Kubernetes.

Writes ``compose.yaml`` (one service per node: the app image with each server's environment, HAProxy with
its generated config, Redis, PostgreSQL, MinIO for object storage), ``haproxy/<name>.cfg``, ``app/`` (the
application and its Dockerfile), ``.env`` (secrets made for this deployment) and a README; or, with
``--kubernetes``, plain manifests (a Deployment and a Service per node). Names are the safe names of
``layout.safe_names``; every string is written by a YAML library, never pasted into text.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.catalog import Role
from ..core.model import Diagram
from .haproxy import haproxy_config
from .kinds import APP_PORT, LIVE_KINDS, kinds_not_live
from .layout import Address, Layout, layout, server_env

HOST_PORTS = {Role.BALANCER: 8080, Role.SERVER: 8100}  # entries a client reaches are published from here on
S3_USER = "statediagram"
UPLOADS = "/var/uploads"
SCHEMA = Path(__file__).resolve().parents[1] / "assets" / "compose-spec" / "compose-spec.json"
APP_REQUIREMENTS = ("starlette>=0.37", "uvicorn>=0.29", "redis>=5.0", "psycopg[binary]>=3.1", "boto3>=1.34",
                    "PyJWT>=2.8", "websockets>=12")  # websockets: uvicorn speaks WebSocket (the chat socket) with it


class DeployError(Exception):
    """The deployment cannot be written; the message says where and why."""


def _yaml(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100)


def _port(lay: Layout, node: str) -> int:
    return LIVE_KINDS[lay.kind(node)].port


def _addr(lay: Layout) -> Callable[[str], Address]:
    return lambda node: Address(lay.names[node], _port(lay, node))


def _published(lay: Layout) -> dict[str, int]:
    """Entry nodes (what a client links to) and the host port each is published on, in node id order."""
    entries = sorted({e for c in lay.clients() for e in lay.entries(c)})
    out: dict[str, int] = {}
    used = dict.fromkeys(HOST_PORTS, 0)
    for e in entries:
        role = lay.role(e)
        out[e] = HOST_PORTS[role] + used[role]
        used[role] += 1
    return out


def lb_config(lay: Layout, lb: str, dns: bool = True) -> str:
    servers = [(lay.names[s], Address(lay.names[s], _port(lay, s))) for s in lay.servers_behind(lb)]
    policy = lay.diagram.node(lb).props.get("policy", "round_robin")
    return haproxy_config(lay.names[lb], Address("", _port(lay, lb)), policy, servers, dns=dns)


def server_environment(lay: Layout, server: str) -> dict[str, str]:
    """A server's environment as the compose file gives it (secrets as ${...} from .env)."""
    env = server_env(lay, server, _addr(lay), "${JWT_SECRET}", UPLOADS, pg_password="${POSTGRES_PASSWORD}")
    env.update({"HOST": "0.0.0.0", "PORT": str(_port(lay, server))})
    if env.get("UPLOAD_STORE", "").startswith("s3://"):
        env.update({"AWS_ACCESS_KEY_ID": S3_USER, "AWS_SECRET_ACCESS_KEY": "${MINIO_ROOT_PASSWORD}",
                    "AWS_DEFAULT_REGION": "us-east-1"})
    if env["AUTH"] != "jwt":
        env.pop("JWT_SECRET", None)
    return env


def compose_file(lay: Layout) -> dict[str, Any]:
    """A service per running node (stores, then servers, then load balancers), in node id order."""
    services: dict[str, Any] = {}
    volumes: dict[str, Any] = {}
    published = _published(lay)
    names = lay.names
    for node in lay.in_start_order():
        entry = LIVE_KINDS[lay.kind(node)]
        name = names[node]
        svc: dict[str, Any] = {"image": entry.image}
        role = lay.role(node)
        if role == Role.SERVER:
            svc = {"build": "./app", "image": entry.image, "environment": server_environment(lay, node)}
            needs = sorted({names[n] for n in lay.diagram.neighbours(node) if lay.role(n) == Role.STORE})
        elif role == Role.BALANCER:
            svc["volumes"] = [f"./haproxy/{name}.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"]
            needs = [names[s] for s in lay.servers_behind(node)]
        else:
            svc.update(entry.compose(lay.diagram.node(node).props, f"{name}-data"))
            needs = []
            if entry.volume:
                volumes[f"{name}-data"] = {}
                svc["volumes"] = [f"{name}-data:{entry.volume}"]
        if needs:
            svc["depends_on"] = needs
        if node in published:
            svc["ports"] = [f"{published[node]}:{entry.port}"]
        services[name] = svc
    out: dict[str, Any] = {"name": _project_name(lay.diagram), "services": services}
    if volumes:
        out["volumes"] = volumes
    return out


def _project_name(diagram: Diagram) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", (diagram.title or "").lower()).strip("-")[:40].strip("-")
    return slug or "statediagram"


def check_compose(data: dict[str, Any]) -> None:
    """Raise DeployError when ``data`` breaks the Compose Specification's JSON schema (vendored)."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        raise DeployError(f"compose.yaml breaks the Compose schema at {'/'.join(map(str, e.path))}: {e.message}")


def dockerfile() -> str:
    reqs = " ".join(f'"{r}"' for r in APP_REQUIREMENTS)
    return ("# The statediagram application: one image for every server; its environment says where it keeps state.\n"
            "FROM python:3.11-slim\n"
            f"RUN pip install --no-cache-dir {reqs}\n"
            "WORKDIR /app\n"
            "COPY app.py chat.py /app/\n"
            f"RUN mkdir -p {UPLOADS}\n"
            f"ENV HOST=0.0.0.0 PORT={APP_PORT}\n"
            f"EXPOSE {APP_PORT}\n"
            'CMD ["python", "/app/app.py"]\n')


def _plain(text: str) -> str:
    """A label as one plain line of Markdown table text."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    return text.replace("|", "\\|").replace("`", "'")[:80]


def readme(lay: Layout, kubernetes: bool) -> str:
    d = lay.diagram
    published = _published(lay)
    rows = []
    for node, name in lay.names.items():
        port = f"localhost:{published[node]}" if node in published else ""
        rows.append(f"| {_plain(d.node(node).label)} | `{name}` | {lay.kind(node).replace('_', ' ')} | {port} |")
    first = next(iter(published.items()), None)
    url = f"http://localhost:{first[1]}" if first else "http://localhost:8080"
    servers = [lay.names[s] for s in lay.nodes_with(Role.SERVER)]
    victim = servers[0] if servers else "server-a"
    title = _plain(d.title or "Untitled design")
    head = [f"# {title}: the drawn design, deployable", "",
            "Written by `statediagram deploy`. Every server runs the same application image; its environment "
            "says where it keeps sessions, carts and uploads, exactly as the wiring of the diagram does.", "",
            "| node | service | kind | published on |", "|---|---|---|---|", *rows, ""]
    if kubernetes:
        body = ["## Run it on Kubernetes", "",
                "```sh", "docker build -t statediagram-app:latest app/   # then push it where your cluster pulls",
                "kubectl apply -f k8s/", "```", "",
                "Entry points are Services of type LoadBalancer. Crash a server and watch what the users lose:", "",
                "```sh", f"kubectl delete pod -l app={victim}", "```", "",
                "Kubernetes starts a new blank pod at once (cattle, not pets): state kept in the pod's RAM or disk "
                "is gone; state kept in Redis, PostgreSQL or object storage is not."]
    else:
        body = ["## Run it", "", "Needs Docker with the compose plugin.", "",
                "```sh", "docker compose up --build -d", "```", "",
                "Try it as a user (a cookie jar keeps the session):", "",
                "```sh",
                f"curl -c jar -b jar -X POST {url}/login -H 'content-type: application/json' "
                "-d '{\"user\": \"ann\"}'",
                f"curl -c jar -b jar {url}/profile", f"curl -c jar -b jar -X POST {url}/cart "
                "-H 'content-type: application/json' -d '{\"product\": \"book\"}'",
                f"curl -c jar -b jar {url}/cart", "```", "",
                "## Crash a server and watch the lesson happen for real", "",
                "```sh", f"docker compose kill {victim}      # the server dies: its RAM goes with it",
                f"curl -c jar -b jar {url}/profile      # still logged in? only if sessions live in a shared store",
                f"docker compose start {victim}", "```", "",
                f"`docker compose up -d --force-recreate {victim}` replaces it with a new blank machine: its local "
                "disk goes too.", "",
                "Stop and remove everything: `docker compose down -v`.", "",
                "`.env` holds secrets made for this deployment (the JWT key, the database and MinIO passwords). "
                "Keep it private."]
    return "\n".join(head + body) + "\n"


def kubernetes_manifests(lay: Layout) -> dict[str, str]:
    """A file per node: its Deployment and Service (and, for a load balancer, its HAProxy ConfigMap)."""
    published = _published(lay)
    files: dict[str, str] = {}
    compose = compose_file(lay)["services"]
    for node, name in lay.names.items():
        entry = LIVE_KINDS[lay.kind(node)]
        svc = compose[name]
        port = entry.port
        container: dict[str, Any] = {"name": name, "image": svc["image"], "ports": [{"containerPort": port}]}
        if "command" in svc:
            container["args" if entry.args_only else "command"] = svc["command"]
        if "environment" in svc:
            env = svc["environment"]
            used = sorted({m for v in env.values() for m in re.findall(r"\$\{([A-Z_]+)\}", v)} - set(env))
            container["env"] = [_k8s_env(k, "${" + k + "}") for k in used]  # secrets first: $(VAR) needs them
            container["env"] += [_k8s_env(k, v) for k, v in env.items()]
        docs: list[dict[str, Any]] = []
        pod: dict[str, Any] = {"containers": [container]}
        if lay.role(node) == Role.BALANCER:
            docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{name}-config"},
                         "data": {"haproxy.cfg": lb_config(lay, node)}})
            container["volumeMounts"] = [{"name": "config", "mountPath": "/usr/local/etc/haproxy"}]
            pod["volumes"] = [{"name": "config", "configMap": {"name": f"{name}-config"}}]
        labels = {"app": name}
        pod["enableServiceLinks"] = False  # no REDIS_PORT=tcp://... variables beside the app's own PORT
        docs.append({"apiVersion": "apps/v1", "kind": "Deployment",
                     "metadata": {"name": name, "labels": dict(labels)},
                     "spec": {"replicas": 1, "selector": {"matchLabels": dict(labels)},
                              "template": {"metadata": {"labels": dict(labels)}, "spec": pod}}})
        service: dict[str, Any] = {"selector": dict(labels), "ports": [{"port": port, "targetPort": port}]}
        if node in published:
            service["type"] = "LoadBalancer"
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": service})
        import yaml

        files[f"k8s/{name}.yaml"] = yaml.safe_dump_all(docs, sort_keys=False, width=100)
    return files


def _k8s_env(key: str, value: str) -> dict[str, Any]:
    m = re.fullmatch(r"(.*)\$\{([A-Z_]+)\}(.*)", value)
    if not m:
        return {"name": key, "value": value}
    if m.group(1) or m.group(3):  # a secret inside a URL: Kubernetes expands $(VAR) from an earlier variable
        return {"name": key, "value": f"{m.group(1)}$({m.group(2)}){m.group(3)}"}
    return {"name": key, "valueFrom": {"secretKeyRef": {"name": "statediagram-secrets", "key": m.group(2)}}}


def deployment_files(diagram: Diagram, kubernetes: bool = False) -> dict[str, str]:
    """Every file of the deployment, by relative path."""
    skipped = kinds_not_live(diagram)
    if skipped:
        raise DeployError(f"deploy cannot run these kinds yet: {', '.join(skipped)}")
    lay = layout(diagram)
    secrets_env = {"JWT_SECRET": secrets.token_hex(32), "POSTGRES_PASSWORD": secrets.token_hex(16),
                   "MINIO_ROOT_PASSWORD": secrets.token_hex(16)}
    files = {"app/Dockerfile": dockerfile(), "app/app.py": (Path(__file__).parent / "app.py").read_text(),
             "app/chat.py": (Path(__file__).parent / "chat.py").read_text(),
             "README.md": readme(lay, kubernetes)}
    if kubernetes:
        files.update(kubernetes_manifests(lay))
        import yaml

        secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "statediagram-secrets"},
                  "stringData": secrets_env}
        files["k8s/secrets.yaml"] = yaml.safe_dump(secret, sort_keys=False)
        return files
    data = compose_file(lay)
    check_compose(data)
    files["compose.yaml"] = _yaml(data)
    files[".env"] = "".join(f"{k}={v}\n" for k, v in secrets_env.items())
    for lb in lay.nodes_with(Role.BALANCER):
        files[f"haproxy/{lay.names[lb]}.cfg"] = lb_config(lay, lb)
    return files


def write_deployment(diagram: Diagram, out: str | os.PathLike[str], kubernetes: bool = False) -> list[Path]:
    """Write the deployment into ``out`` (new or empty): all files or none."""
    try:
        import yaml  # noqa: F401
    except ImportError:
        raise DeployError("deploy needs PyYAML: pip install 'statediagram[live]'") from None
    target = Path(out)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DeployError(f"{target}: must be a new or empty folder")
    files = deployment_files(diagram, kubernetes)
    parent = target.resolve().parent
    if not parent.is_dir():
        raise DeployError(f"{target}: its folder {parent} does not exist")
    staging = Path(tempfile.mkdtemp(prefix=".deploy-", dir=parent))
    try:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        if (staging / ".env").exists():
            os.chmod(staging / ".env", 0o600)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise DeployError(f"{target}: cannot write the deployment ({exc.strerror or exc})") from None
    return [target / rel for rel in files]
