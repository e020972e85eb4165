"""The check of each mission: the simulation's verdict under the mission's scenario, plus what the
mission is about (where every reachable server keeps a kind of state), told in words a learner can act on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ..core.catalog import LOAD_BALANCER, OBJECT_STORAGE, POSTGRES, REDIS, SERVER
from ..core.model import Diagram
from ..core.topology import RAM, TOKEN, ServerHomes, served_servers, state_homes
from ..sim import open_engine, resolve
from ..sim.report import build_report
from ..sim.scenario import DOWN_S, FIRST_CRASH_S, RHYTHM_S, SECOND, TAIL_S, Plan
from . import Mission, MissionResult

Check = Callable[[Mission, Diagram, dict, dict[str, ServerHomes], list[str]], list[str]]


def mission_plan(mission: Mission, diagram: Diagram) -> Plan:
    """The mission's own scenario and journey, with the file's seed."""
    base = resolve(diagram, "standard" if mission.scenario == "cattle" else mission.scenario, mission.journey)
    if mission.scenario != "cattle":
        return base
    faults: list[tuple[int, str, str]] = []
    for i, server in enumerate(diagram.ids_of(SERVER)):
        at = (FIRST_CRASH_S + RHYTHM_S * i) * SECOND
        faults += [(at, server, "crash"), (at + DOWN_S * SECOND, server, "replace")]
    end = (faults[-1][0] + TAIL_S * SECOND) if faults else base.duration_us
    return Plan("cattle", base.journey, base.seed, end, tuple(faults))


def check(mission: Mission, diagram: Diagram) -> MissionResult:
    engine = open_engine(diagram, mission_plan(mission, diagram))
    try:
        engine.run()
        report = build_report(engine)
    finally:
        engine.close()
    homes = state_homes(diagram)
    served = served_servers(diagram)
    reasons: list[str] = []
    if not served:
        reasons.append("No client reaches any server: link a client to a load balancer, and the load balancer "
                       "to the servers.")
    elif not report["survives"]:
        scenario = {"standard": "the crash drill", "chaos": "chaos", "cattle": "the replace drill"}.get(
            report["scenario"], report["scenario"])
        reasons.append(f"The design does not survive {scenario} with journey {report['journey']}.")
        reasons += [f["message"] for f in report["findings"] if f["severity"] == "error"]
    if served:
        reasons += CHECKS.get(mission.id, _no_extra)(mission, diagram, report, homes, served)
    return MissionResult(mission.id, not reasons, reasons, report)


def _labels(diagram: Diagram) -> dict[str, str]:
    return {n.id: n.label for n in diagram.nodes}


def _one_shared(diagram: Diagram, report: dict, homes: dict[str, ServerHomes], served: list[str], attr: str,
                place: str, store_name: str, what: str) -> list[str]:
    """Every served server keeps ``attr`` in one and the same node of kind ``place``."""
    labels = _labels(diagram)
    nodes = [getattr(homes[s], attr).node for s in served if getattr(homes[s], attr).place == place]
    target = Counter(nodes).most_common(1)[0][0] if nodes else None
    reasons = []
    tokens = [labels[s] for s in served if getattr(homes[s], attr).place == TOKEN]
    if tokens:
        verb = "keeps" if len(tokens) == 1 else "keep"
        passes = " The design passes the simulation, but" if report["survives"] else " But"
        reasons.append(f"{_names(tokens)} {verb} logins in a signed token (JWT), not in a shared {store_name}."
                       f"{passes} this mission asks for one shared {store_name}; JWT is the jwt mission "
                       "(statediagram check FILE --mission jwt).")
    for s in served:
        home = getattr(homes[s], attr)
        if home.place == TOKEN or (home.place == place and home.node == target):
            continue
        where = {RAM: "in its own RAM", "disk": "on its own local disk"}.get(
            home.place, f"in {labels.get(home.node or '', '')}")
        article = "an" if store_name[0] in "aeiou" else "a"
        if target is None:
            reasons.append(f"{labels[s]} keeps {what} {where}: link it to {article} {store_name} that every server "
                           "uses.")
        else:
            reasons.append(f"{labels[s]} keeps {what} {where}: link it to {labels[target]}, the {store_name} "
                           f"that {_names([labels[x] for x in served if getattr(homes[x], attr).node == target])} "
                           f"{'uses' if nodes.count(target) == 1 else 'use'}.")
    return reasons


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _no_extra(mission, diagram, report, homes, served) -> list[str]:
    return []


def _stateless(mission, diagram, report, homes, served) -> list[str]:
    return _one_shared(diagram, report, homes, served, "sessions", REDIS, "Redis", "sessions")


def _sticky(mission, diagram, report, homes, served) -> list[str]:
    labels = _labels(diagram)
    nodes = diagram.node_map()
    used = {lb for lb in diagram.ids_of(LOAD_BALANCER) if any(n in served for n in diagram.neighbours(lb))}
    return [f"{labels[lb]} still uses sticky sessions: users stay married to one server. Set its policy to "
            "round_robin or least_connections." for lb in sorted(used) if nodes[lb].props["policy"] == "sticky"]


def _avatars(mission, diagram, report, homes, served) -> list[str]:
    return _one_shared(diagram, report, homes, served, "uploads", OBJECT_STORAGE, "object storage", "uploads")


def _jwt(mission, diagram, report, homes, served) -> list[str]:
    labels = _labels(diagram)
    return [f"{labels[s]} uses session cookies: set its auth to jwt." for s in served if homes[s].sessions.place
            != TOKEN]


def _durable(mission, diagram, report, homes, served) -> list[str]:
    return _one_shared(diagram, report, homes, served, "cart", POSTGRES, "PostgreSQL", "carts")


def _cattle(mission, diagram, report, homes, served) -> list[str]:
    return []  # the replace drill itself tells: anything kept on a server is lost with it


CHECKS: dict[str, Check] = {
    "stateless": _stateless,
    "sticky": _sticky,
    "avatars": _avatars,
    "jwt": _jwt,
    "durable": _durable,
    "cattle": _cattle,
}
