"""The check of each mission: the simulation's verdict under the mission's own scenario, plus what the
mission is about (where every server a client reaches keeps a kind of state), told in words a learner can
act on.

Where a server keeps its state always comes from ``core.topology.state_homes``: the same table the
simulation and the editor's badges use. A check returns the problems it sees in the wiring; the verdict of
the run is added here, so no mission can pass while the simulation fails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.catalog import KINDS, Role, best_store
from ..core.model import Diagram, Fault, ScenarioSpec
from ..core.topology import DISK, RAM, TOKEN, Home, ServerHomes, served_servers, state_homes

REPLACE_DRILL = "cattle"  # a mission scenario of its own: every server in turn is replaced by a blank machine

_DRILL_WORDS = {
    "calm": "a calm day",
    "standard": "the crash drill",
    "chaos": "chaos",
    REPLACE_DRILL: "the replace drill",
}


@dataclass
class Context:
    """What a check looks at: the drawing, where each reachable server keeps its state, and the run."""

    diagram: Diagram
    report: dict[str, Any]
    homes: dict[str, ServerHomes]
    served: list[str]  # servers some client reaches, in node id order
    names: dict[str, str]  # node id -> the name a learner sees (label, with the id when labels repeat)

    @property
    def survives(self) -> bool:
        return bool(self.report["survives"])

    def name_list(self, ids: list[str]) -> str:
        return join_names([self.names[i] for i in ids])


Check = Callable[[Context], list[str]]


# --- running the mission's scenario -----------------------------------------------------------------------


def replace_drill(diagram: Diagram) -> list[Fault]:
    """The standard drill's rhythm, but each server restarts as a new blank machine (RAM and disk gone)."""
    from ..sim.scenario import drill

    return [Fault(f.at, f.node, "replace" if f.action == "restart" else f.action) for f in
            drill(diagram.ids_playing(Role.SERVER))]


def run_mission_scenario(mission, diagram: Diagram, redis_url: str | None = None) -> dict[str, Any]:
    """The report of the mission's own scenario and journey, with the file's seed (default 1)."""
    from ..sim import simulate

    if mission.scenario != REPLACE_DRILL:
        return simulate(diagram, scenario=mission.scenario, journey=mission.journey, redis_url=redis_url).report
    # The replace drill is a fault list, run through the public API like a file's own faults ("custom").
    drilled = diagram.copy()
    seed = diagram.scenario.seed if diagram.scenario else None
    drilled.scenario = ScenarioSpec(seed=seed, journey=mission.journey, faults=replace_drill(diagram))
    return simulate(drilled, journey=mission.journey, redis_url=redis_url).report


def verdict_reasons(mission, report: dict[str, Any]) -> list[str]:
    """One sentence for the run's verdict, then every loss the report explains."""
    t = report["totals"]
    drill = (f"{_DRILL_WORDS.get(mission.scenario, mission.scenario)} (scenario {report['scenario']}, "
             f"journey {report['journey']}, seed {report['seed']})")
    if report["survives"]:
        extra = f", {t['failover_errors']} failover errors (retried)" if t["failover_errors"] else ""
        return [f"Survives {drill}: {t['ok']} of {t['requests']} requests ok, nothing lost{extra}."]
    losses = [f"{t[key]} {words}" for key, words in (
        ("lost_sessions", "sessions lost"), ("lost_files", "files lost"), ("lost_data", "carts missing items"),
        ("outages", "outages")) if t[key]]
    if t["ok"] == 0:
        losses.insert(0, "no request was answered ok")
    out = [f"Does not survive {drill}: {', '.join(losses)}."]
    out += [f["message"][:1].upper() + f["message"][1:] + "." for f in report["findings"] if f["severity"] == "error"]
    return out


# --- words -----------------------------------------------------------------------------------------------


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def display_names(diagram: Diagram) -> dict[str, str]:
    """Labels as the learner sees them; a label shared by several nodes gets the node's id after it."""
    counts = Counter(n.label for n in diagram.nodes)
    return {n.id: n.label if counts[n.label] == 1 else f"{n.label} ({n.id})" for n in diagram.nodes}


def _keeps(servers: list[str]) -> tuple[str, str, str]:
    """Verb, possessive and object pronoun for one server or several."""
    return ("keeps", "its", "it") if len(servers) == 1 else ("keep", "their", "them")


def _where(home: Home, ctx: Context, pronoun: str) -> str:
    if home.place == RAM:
        return f"in {pronoun} own RAM"
    if home.place == DISK:
        return f"on {pronoun} own local disk"
    if home.place == TOKEN:
        return "in a signed token (JWT)"
    return f"in {ctx.names.get(home.node or '', home.node)}"


# --- the shared-home rule behind most missions -------------------------------------------------------------

# Why keeping a kind of state somewhere other than the wanted store is wrong, by (state, place).
_WHY = {
    ("sessions", RAM): "a user logged in through one server is a stranger to the others, and a crash logs them out",
    ("uploads", DISK): "an avatar uploaded to one server is \"image not found\" on the others",
    ("cart", RAM): "a crash empties it, and the other servers never see it",
}  # and, for a store, its kind's own caveat (Redis for carts)
_WHAT = {"sessions": "sessions", "uploads": "uploads", "cart": "carts"}


def one_shared_store(ctx: Context, attr: str, kind: str | None = None, skip_tokens: bool = False) -> list[str]:
    """Problems unless every reachable server keeps ``attr`` in one and the same node of ``kind`` (by default
    the store kind that ranks first for ``attr``: Redis for sessions, PostgreSQL for carts...)."""
    kind = kind or best_store(attr).name
    store_word = KINDS[kind].word
    what = _WHAT[attr]
    homes = {s: getattr(ctx.homes[s], attr) for s in ctx.served}
    if skip_tokens:
        homes = {s: h for s, h in homes.items() if h.place != TOKEN}
    users: dict[str, list[str]] = {}
    for s, h in homes.items():
        if h.place == kind:
            users.setdefault(h.node or "", []).append(s)
    # The node most servers already use is the one the others should join (ties: node id order).
    target = min(users, key=lambda n: (-len(users[n]), n)) if users else None
    out: list[str] = []
    if len(users) > 1:
        parts = "; ".join(f"{ctx.name_list(servers)} {'uses' if len(servers) == 1 else 'use'} {ctx.names[node]}"
                          for node, servers in sorted(users.items()))
        out.append(f"{what.capitalize()} are split over {len(users)} {store_word} nodes ({parts}): what one keeps "
                   f"the others cannot see. Link every server to the same {store_word}, {ctx.names[target]}.")
    elsewhere: dict[tuple[str, str | None], list[str]] = {}
    for s, h in homes.items():
        if h.place != kind:
            key = (h.place, None if h.place in (RAM, DISK) else h.node)
            elsewhere.setdefault(key, []).append(s)
    for (place, _node), servers in elsewhere.items():
        verb, its, it = _keeps(servers)
        where = _where(getattr(ctx.homes[servers[0]], attr), ctx, its)
        why = _WHY.get((attr, place)) or (KINDS[place].caveat(attr) if place in KINDS else None)
        head = f"{ctx.name_list(servers)} {verb} {what} {where}" + (f" ({why})" if why else "")
        if target is not None:
            fix = (f"link {it} to {ctx.names[target]}, the {store_word} that "
                   f"{ctx.name_list(users[target])} {'uses' if len(users[target]) == 1 else 'use'}")
        elif len(ctx.served) == 1:
            fix = f"link it to a {store_word}"
        else:
            fix = f"add one {store_word} and link every server to it"
        out.append(f"{head}: {fix}.")
    return out


# --- the missions ----------------------------------------------------------------------------------------


def _stateless(ctx: Context) -> list[str]:
    out: list[str] = []
    tokens = [s for s in ctx.served if ctx.homes[s].sessions.place == TOKEN]
    if tokens and len(tokens) == len(ctx.served) and ctx.survives:
        out.append("The design survives the crash drill with JWT (auth: jwt), but this mission asks for sessions "
                   "kept in one shared Redis: tokens are the jwt mission (statediagram check FILE --mission jwt). "
                   "Here, set every server's auth to session and link all of them to one Redis.")
    elif tokens:
        verb, its, it = _keeps(tokens)
        out.append(f"{ctx.name_list(tokens)} {verb} logins in a signed token (JWT): this mission asks for sessions "
                   f"kept in one shared Redis (tokens are the jwt mission, --mission jwt). Set {its} auth to "
                   f"session and link {it} to the Redis.")
    return out + one_shared_store(ctx, "sessions", skip_tokens=True)


def _sessions_shared(ctx: Context) -> list[str]:
    """Sessions where every server finds them: all servers on tokens, or all in one Redis."""
    tokens = [s for s in ctx.served if ctx.homes[s].sessions.place == TOKEN]
    if tokens and len(tokens) == len(ctx.served):
        return []
    if tokens:
        others = [s for s in ctx.served if s not in tokens]
        return [f"{ctx.name_list(tokens)} {'uses' if len(tokens) == 1 else 'use'} JWT while "
                f"{ctx.name_list(others)} {'uses' if len(others) == 1 else 'use'} session cookies: a user logged in "
                "on one kind is rejected by the other. Give every server the same auth."]
    return one_shared_store(ctx, "sessions")


def _load_balancers_in_use(ctx: Context) -> list[str]:
    nodes = ctx.diagram.node_map()
    served = set(ctx.served)
    return [lb for lb in ctx.diagram.ids_playing(Role.BALANCER)
            if any(KINDS[nodes[n].kind].role == Role.USERS for n in ctx.diagram.neighbours(lb))
            and any(n in served for n in ctx.diagram.neighbours(lb))]


def _sticky(ctx: Context) -> list[str]:
    nodes = ctx.diagram.node_map()
    out = [f"{ctx.names[lb]} still uses sticky sessions: it marries each user to one server, so that server's "
           "crash still logs its users out, and load piles up unevenly. Set its policy to round_robin or "
           "least_connections." for lb in _load_balancers_in_use(ctx) if nodes[lb].props["policy"] == "sticky"]
    return out + _sessions_shared(ctx)


def _avatars(ctx: Context) -> list[str]:
    return one_shared_store(ctx, "uploads")


def _jwt(ctx: Context) -> list[str]:
    in_redis = [s for s in ctx.served if ctx.homes[s].sessions.place in KINDS]  # in a store: Redis
    in_ram = [s for s in ctx.served if ctx.homes[s].sessions.place == RAM]
    out: list[str] = []
    if in_redis:
        verb, its, _ = _keeps(in_redis)
        redis_nodes = sorted({ctx.homes[s].sessions.node or "" for s in in_redis})
        where = ctx.names[redis_nodes[0]] if len(redis_nodes) == 1 else "Redis"
        out.append(f"{ctx.name_list(in_redis)} {verb} sessions in {where}: a sound stateless design, but that is the "
                   f"stateless mission; this one asks for signed tokens. Set {its} auth to jwt.")
    if in_ram:
        verb, its, _ = _keeps(in_ram)
        out.append(f"{ctx.name_list(in_ram)} still {verb} sessions in {its} own RAM (auth: session): set {its} auth "
                   "to jwt, so the login travels in a signed token that any server can verify.")
    return out


def _durable(ctx: Context) -> list[str]:
    return one_shared_store(ctx, "cart")


def _cattle(ctx: Context) -> list[str]:
    out: list[str] = []
    pets: dict[tuple[str, ...], list[str]] = {}
    for s in ctx.served:
        h = ctx.homes[s]
        kept = tuple(what for what, home in (("sessions", h.sessions), ("carts", h.cart), ("uploads", h.uploads))
                     if home.place in (RAM, DISK))
        if kept:
            pets.setdefault(kept, []).append(s)
    fixes = {"sessions": "sessions in one Redis (or JWT)", "carts": "carts in PostgreSQL",
             "uploads": "uploads in object storage"}
    for kept, servers in pets.items():
        verb, its, _ = _keeps(servers)
        out.append(f"{ctx.name_list(servers)} {'is a pet' if len(servers) == 1 else 'are pets'}: "
                   f"{'it' if len(servers) == 1 else 'they'} {verb} {join_names(list(kept))} on the machine itself, "
                   f"and a new blank machine starts without them. Keep {join_names([fixes[k] for k in kept])}.")
    return out


CHECKS: dict[str, Check] = {
    "stateless": _stateless,
    "sticky": _sticky,
    "avatars": _avatars,
    "jwt": _jwt,
    "durable": _durable,
    "cattle": _cattle,
}


def check(mission, diagram: Diagram, redis_url: str | None = None):
    """Grade ``diagram`` against ``mission``: passed only when the run survives and the wiring is the lesson's."""
    from . import MissionResult

    report = run_mission_scenario(mission, diagram, redis_url)
    served = served_servers(diagram)
    ctx = Context(diagram, report, state_homes(diagram), served, display_names(diagram))
    if not served:
        problems = ["No client reaches any server: link a client to a load balancer, and the load balancer to the "
                    "servers."]
    else:
        problems = CHECKS[mission.id](ctx)
    verdict = verdict_reasons(mission, report)
    if report["survives"] and not problems:
        return MissionResult(True, verdict, report, mission.id)
    # The wiring problems come first: they say what to change; the run's losses follow as evidence.
    reasons = problems + (verdict if not report["survives"] else [])
    return MissionResult(False, reasons, report, mission.id)
