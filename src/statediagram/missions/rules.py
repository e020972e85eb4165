"""The rule vocabulary of mission files: each rule is data a teacher writes, and a check in the lesson's words.

A rule is read from one JSON object (``{"rule": "shared_store", "state": "sessions", "kind": "redis"}``),
validated with a message that says where and how to fix it, and asked two things: ``describe`` (the line a
learner sees in the mission's checklist, unless the rule is ``hidden``) and ``check`` (the problems it sees,
each naming the nodes it is about). docs/missions.md documents every rule with an example; adding a rule is
one class here and one entry in ``RULES``.

Where a server keeps its state always comes from ``core.topology.state_homes``: the table the simulation and
the editor's badges use.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..core.catalog import KINDS, STATES, Role, kinds_with, show_value, stores_for
from ..core.fileio import DiagramError
from ..core.model import Diagram
from ..core.topology import DISK, RAM, TOKEN, Home, linked_store, served_servers, state_homes
from .fields import Fields

if TYPE_CHECKING:
    from ..sim.report import Report

ALONE = "alone"  # a pub/sub "home" of a server linked to no Redis: it tells only its own users

STATE_WORDS = {"sessions": "sessions", "cart": "carts", "uploads": "uploads", "history": "chat history",
               "pubsub": "chat messages"}
# The store kinds that can hold each kind of state (the contract's table, from the kind registry's ranks); the
# first is the lesson's choice.
STATE_STORES = {state: stores_for(state) for state in STATE_WORDS}


@dataclass(frozen=True)
class Problem:
    """One reason a mission is not passed: the learner's words, the rule that says so, the nodes it names."""

    rule: str
    reason: str
    nodes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "reason": self.reason, "nodes": list(self.nodes)}


class Context:
    """What the rules look at: the drawing, the mission's starter, where servers keep state, and the run."""

    def __init__(self, diagram: Diagram, report: Report, starter: Diagram | None = None,
                 drill_words: str = "the scenario") -> None:
        self.diagram = diagram
        self.report = report
        self.starter = starter
        self.drill_words = drill_words
        self.homes = state_homes(diagram)
        self._nodes = diagram.node_map()
        self._reached = served_servers(diagram)
        # The servers that keep sessions, carts and uploads (an application server, not a websocket server): the
        # ones the rules about those states, auth, stickiness and pets look at.
        self.served = [s for s in self._reached
                       if any(state in dict(KINDS[self.kind_of(s)].keeps) for state in STATES)]
        self.names = display_names(diagram)

    @property
    def survives(self) -> bool:
        return self.report.survives

    def name_list(self, ids: list[str]) -> str:
        return join_names([self.names[i] for i in ids])

    def kind_of(self, node_id: str) -> str:
        return self._nodes[node_id].kind

    def prop(self, node_id: str, name: str) -> Any:
        return self._nodes[node_id].props.get(name)

    def reached(self, kind: str) -> list[str]:
        """Nodes of ``kind`` that some client's requests reach (directly or through a load balancer)."""
        if KINDS[kind].role == Role.SERVER:
            return [s for s in self._reached if self.kind_of(s) == kind]
        found: set[str] = set()
        for c in self.diagram.ids_playing(Role.USERS):
            for n in self.diagram.neighbours(c):
                if self.kind_of(n) == kind:
                    found.add(n)
                elif KINDS[self.kind_of(n)].role == Role.BALANCER:
                    found.update(s for s in self.diagram.neighbours(n) if self.kind_of(s) == kind)
        return sorted(found)

    def home(self, server: str, state: str) -> Home:
        """Where ``server`` keeps ``state``: the contract's table (chat history and pub/sub for chat servers)."""
        kept = self.homes[server].of(state) if server in self.homes else None
        if kept is not None:  # a state the server's kind keeps: the registry's table (state_homes)
            return kept
        for kind in STATE_STORES[state]:
            store = linked_store(self.diagram, server, kind, self._nodes)
            if store is not None:
                return Home(kind, store)
        return Home(ALONE if state == "pubsub" else RAM, server)


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


def _uses(ids: list[str]) -> str:
    return "uses" if len(ids) == 1 else "use"


def _where(home: Home, ctx: Context, pronoun: str) -> str:
    if home.place == RAM:
        return f"in {pronoun} own RAM"
    if home.place == DISK:
        return f"on {pronoun} own local disk"
    if home.place == TOKEN:
        return "in a signed token (JWT)"
    if home.place == ALONE:
        return f"to {pronoun} own users only (no Redis to publish through)"
    return f"in {ctx.names.get(home.node or '', home.node)}"


def kind_words(kind: str) -> str:
    """The kind in a sentence: "Redis", "PostgreSQL", "object storage", "Load balancer"."""
    if kind not in KINDS:
        return kind
    return KINDS[kind].word if KINDS[kind].role == Role.STORE else KINDS[kind].label


def server_kinds() -> tuple[str, ...]:
    return tuple(k.name for k in kinds_with(Role.SERVER))


# --- the rules ---------------------------------------------------------------------------------------------


class Rule:
    """A rule of a mission. ``hidden`` rules are left out of the learner's checklist, never out of the grading."""

    name: ClassVar[str]
    hidden: bool = False

    @classmethod
    def read(cls, f: Fields) -> Rule:
        return cls()

    def describe(self) -> str:
        raise NotImplementedError

    def check(self, ctx: Context) -> list[Problem]:
        raise NotImplementedError

    def problem(self, reason: str, nodes: list[str] | tuple[str, ...] = ()) -> Problem:
        return Problem(self.name, reason, tuple(dict.fromkeys(nodes)))


class Survives(Rule):
    """The mission's scenario and journey survive (checked from the run's report: see checks.verdict_problems)."""

    name = "survives"

    def __init__(self) -> None:
        self.words = "the mission's scenario"

    def describe(self) -> str:
        return f"The design survives {self.words}: no session, file or cart lost, no outage."

    def check(self, ctx: Context) -> list[Problem]:
        return []  # the run's verdict is told by checks.verdict_problems, after the wiring rules


@dataclass
class SharedStore(Rule):
    """Every reached server keeps one kind of state in one and the same node of a store kind."""

    name: ClassVar[str] = "shared_store"
    state: str = "sessions"
    kind: str = ""  # a store kind that can hold ``state`` (required in the file)
    servers: str = ""  # the server kind whose nodes are checked (default: the first in the registry)
    jwt: str = "refused"  # sessions only: "allowed" (every server on JWT is shared too) or "refused"
    jwt_mission: str | None = None  # the mission tokens belong to, named when they are refused

    @classmethod
    def read(cls, f: Fields) -> Rule:
        state = f.choice("state", tuple(STATE_STORES))
        kind = f.choice("kind", STATE_STORES[state])
        servers = f.choice("servers", server_kinds(), server_kinds()[0])
        jwt = f.choice("jwt", ("refused", "allowed"), "refused")
        return cls(state, kind, servers, jwt, f.text("jwt_mission"))

    def describe(self) -> str:
        who = KINDS[self.servers].word.lower()
        what = "links to" if self.state == "pubsub" else f"keeps {STATE_WORDS[self.state]} in"
        alt = " (or every server uses JWT)" if self.state == "sessions" and self.jwt == "allowed" else ""
        return f"Every {who} a client reaches {what} one and the same {kind_words(self.kind)}{alt}."

    def check(self, ctx: Context) -> list[Problem]:
        servers = ctx.reached(self.servers)
        if self.state != "sessions":
            return self._one_shared(ctx, servers)
        tokens = [s for s in servers if ctx.home(s, "sessions").place == TOKEN]
        if self.jwt == "allowed":
            if tokens and len(tokens) == len(servers):
                return []
            if tokens:
                others = [s for s in servers if s not in tokens]
                return [self.problem(
                    f"{ctx.name_list(tokens)} {_uses(tokens)} JWT while {ctx.name_list(others)} {_uses(others)} "
                    "session cookies: a user logged in on one kind is rejected by the other. Give every server the "
                    "same auth.", servers)]
            return self._one_shared(ctx, servers)
        out: list[Problem] = []
        store = kind_words(self.kind)
        if tokens and len(tokens) == len(servers) and ctx.survives:
            elsewhere = (f": tokens are the {self.jwt_mission} mission (statediagram check FILE --mission "
                         f"{self.jwt_mission})" if self.jwt_mission else "")
            out.append(self.problem(
                f"The design survives {ctx.drill_words} with JWT (auth: jwt), but this mission asks for sessions "
                f"kept in one shared {store}{elsewhere}. Here, set every server's auth to session and link all of "
                f"them to one {store}.", tokens))
        elif tokens:
            verb, its, it = _keeps(tokens)
            elsewhere = (f" (tokens are the {self.jwt_mission} mission, --mission {self.jwt_mission})"
                         if self.jwt_mission else "")
            out.append(self.problem(
                f"{ctx.name_list(tokens)} {verb} logins in a signed token (JWT): this mission asks for sessions "
                f"kept in one shared {store}{elsewhere}. Set {its} auth to session and link {it} to the {store}.",
                tokens))
        return out + self._one_shared(ctx, [s for s in servers if s not in tokens])

    _WHY: ClassVar[dict[tuple[str, str], str]] = {
        ("sessions", RAM): "a user logged in through one server is a stranger to the others, and a crash logs them "
                           "out",
        ("uploads", DISK): "an avatar uploaded to one server is \"image not found\" on the others",
        ("cart", RAM): "a crash empties it, and the other servers never see it",
        ("history", RAM): "a crash wipes it, and users on the other servers never see it",
        ("pubsub", ALONE): "users connected to the other servers never hear them",
    }

    def _one_shared(self, ctx: Context, servers: list[str]) -> list[Problem]:
        """Problems unless every one of ``servers`` keeps the state in one and the same node of ``kind``."""
        store_word = kind_words(self.kind)
        what = STATE_WORDS[self.state]
        homes = {s: ctx.home(s, self.state) for s in servers}
        users: dict[str, list[str]] = {}
        for s, h in homes.items():
            if h.place == self.kind:
                users.setdefault(h.node or "", []).append(s)
        # The node most servers already use is the one the others should join (ties: node id order).
        target = min(users, key=lambda n: (-len(users[n]), n)) if users else None
        out: list[Problem] = []
        if len(users) > 1:
            parts = "; ".join(f"{ctx.name_list(ss)} {_uses(ss)} {ctx.names[node]}"
                              for node, ss in sorted(users.items()))
            out.append(self.problem(
                f"{what[:1].upper() + what[1:]} are split over {len(users)} {store_word} nodes ({parts}): what one "
                f"keeps the others cannot see. Link every server to the same {store_word}, {ctx.names[target]}.",
                [*sorted(users), *(s for ss in users.values() for s in ss)]))
        elsewhere: dict[tuple[str, str | None], list[str]] = {}
        for s, h in homes.items():
            if h.place != self.kind:
                key = (h.place, None if h.place in (RAM, DISK, ALONE) else h.node)
                elsewhere.setdefault(key, []).append(s)
        for (place, node), ss in elsewhere.items():
            verb, its, it = _keeps(ss)
            where = _where(homes[ss[0]], ctx, its)
            why = self._WHY.get((self.state, place)) or (KINDS[place].caveat(self.state) if place in KINDS else None)
            verb_what = f"{'tells' if len(ss) == 1 else 'tell'} chat messages" if self.state == "pubsub" \
                else f"{verb} {what}"
            head = f"{ctx.name_list(ss)} {verb_what} {where}" + (f" ({why})" if why else "")
            if target is not None:
                fix = f"link {it} to {ctx.names[target]}, the {store_word} that {ctx.name_list(users[target])} " \
                      f"{_uses(users[target])}"
            elif len(servers) == 1:
                fix = f"link it to a {store_word}"
            else:
                fix = f"add one {store_word} and link every server to it"
            named = [*ss, *([node] if node else []), *([target] if target else [])]
            out.append(self.problem(f"{head}: {fix}.", named))
        return out


@dataclass
class Auth(Rule):
    """Every reached server uses one auth (``jwt``: signed tokens; ``session``: session cookies)."""

    name: ClassVar[str] = "auth"
    auth: str = "jwt"
    other_mission: str | None = None  # the mission the other auth belongs to

    @classmethod
    def read(cls, f: Fields) -> Rule:
        auths = next(k.prop("auth").choices for k in kinds_with(Role.SERVER) if k.prop("auth"))
        return cls(f.choice("auth", tuple(auths)), f.text("other_mission"))

    def describe(self) -> str:
        words = "JWT (auth: jwt)" if self.auth == "jwt" else "session cookies (auth: session)"
        return f"Every server a client reaches uses {words}."

    def check(self, ctx: Context) -> list[Problem]:
        servers = ctx.served
        wrong = [s for s in servers if ctx.prop(s, "auth") != self.auth]
        if not wrong:
            return []
        that = f"that is the {self.other_mission} mission; this one" if self.other_mission else "this mission"
        if self.auth != "jwt":
            verb, its, _ = _keeps(wrong)
            return [self.problem(f"{ctx.name_list(wrong)} {verb} logins in a signed token (JWT): {that} asks for "
                                 f"session cookies. Set {its} auth to session.", wrong)]
        in_store = [s for s in wrong if ctx.home(s, "sessions").place in KINDS]  # a store: Redis
        in_ram = [s for s in wrong if s not in in_store]
        out: list[Problem] = []
        if in_store:
            verb, its, _ = _keeps(in_store)
            stores = sorted({ctx.home(s, "sessions").node or "" for s in in_store})
            where = ctx.names[stores[0]] if len(stores) == 1 else "Redis"
            out.append(self.problem(f"{ctx.name_list(in_store)} {verb} sessions in {where}: a sound stateless design, "
                                    f"but {that} asks for signed tokens. Set {its} auth to jwt.", in_store + stores))
        if in_ram:
            verb, its, _ = _keeps(in_ram)
            out.append(self.problem(f"{ctx.name_list(in_ram)} still {verb} sessions in {its} own RAM (auth: session): "
                                    f"set {its} auth to jwt, so the login travels in a signed token that any server "
                                    "can verify.", in_ram))
        return out


class NoSticky(Rule):
    """No load balancer that clients use and that reaches a server is sticky."""

    name = "no_sticky"

    def describe(self) -> str:
        return "No load balancer in use is sticky (round_robin or least_connections)."

    def check(self, ctx: Context) -> list[Problem]:
        served = set(ctx.served)
        in_use = [lb for lb in ctx.diagram.ids_playing(Role.BALANCER)
                  if any(KINDS[ctx.kind_of(n)].role == Role.USERS for n in ctx.diagram.neighbours(lb))
                  and any(n in served for n in ctx.diagram.neighbours(lb))]
        return [self.problem(
            f"{ctx.names[lb]} still uses sticky sessions: it marries each user to one server, so that server's "
            "crash still logs its users out, and load piles up unevenly. Set its policy to round_robin or "
            "least_connections.", [lb]) for lb in in_use if ctx.prop(lb, "policy") == "sticky"]


@dataclass
class Replicas(Rule):
    """Every node of a store kind that keeps some state for a reached server has at least N replicas."""

    name: ClassVar[str] = "replicas"
    kind: str = ""  # a store kind with replicas (required in the file)
    at_least: int = 1

    @classmethod
    def read(cls, f: Fields) -> Rule:
        kind = f.choice("kind", tuple(k.name for k in kinds_with(Role.STORE) if k.prop("replicas")))
        top = KINDS[kind].prop("replicas").maximum or 5
        return cls(kind, f.number("at_least", 1, top, 1))

    def describe(self) -> str:
        n = "1 replica" if self.at_least == 1 else f"{self.at_least} replicas"
        return f"Every {kind_words(self.kind)} that keeps state has at least {n}."

    def check(self, ctx: Context) -> list[Problem]:
        held: dict[str, dict[str, list[str]]] = {}  # store -> what it keeps -> for which servers
        for s in ctx.served:
            for state in ("sessions", "cart"):
                home = ctx.home(s, state)
                if home.place == self.kind and home.node:
                    held.setdefault(home.node, {}).setdefault(STATE_WORDS[state], []).append(s)
        out: list[Problem] = []
        for store in sorted(held):
            have = ctx.prop(store, "replicas") or 0
            if have >= self.at_least:
                continue
            whats = held[store]
            servers = sorted({s for ss in whats.values() for s in ss})
            want = "1 replica" if self.at_least == 1 else f"{self.at_least} replicas"
            out.append(self.problem(
                f"{ctx.names[store]} keeps {join_names(list(whats))} for {ctx.name_list(servers)} with {have} "
                f"{'replica' if have == 1 else 'replicas'}: while it is down, nobody reaches them. Give it at least "
                f"{want}.", [store]))
        return out


@dataclass
class Palette(Rule):
    """Only these kinds may be added to the starter (the app's palette offers only them)."""

    name: ClassVar[str] = "palette"
    kinds: tuple[str, ...] = ()

    @classmethod
    def read(cls, f: Fields) -> Rule:
        return cls(f.choices("kinds", tuple(KINDS)))

    def describe(self) -> str:
        if not self.kinds:
            return "Add no component: change only the links and properties of the starter."
        return f"Add only: {', '.join(kind_words(k) for k in self.kinds)}."

    def check(self, ctx: Context) -> list[Problem]:
        before = Counter(n.kind for n in ctx.starter.nodes) if ctx.starter else Counter()
        starter_ids = {n.id for n in ctx.starter.nodes} if ctx.starter else set()
        now = Counter(n.kind for n in ctx.diagram.nodes)
        allowed = join_names([kind_words(k) for k in self.kinds]) or "nothing"
        out: list[Problem] = []
        for kind, count in now.items():
            extra = count - before.get(kind, 0)
            if kind in self.kinds or extra <= 0:
                continue
            ids = [n.id for n in ctx.diagram.nodes if n.kind == kind]
            added = [i for i in ids if i not in starter_ids][:extra] or ids[-extra:]
            out.append(self.problem(
                f"{ctx.name_list(added)} ({kind_words(kind)}) {'was' if extra == 1 else 'were'} added, but this "
                f"mission lets you add only {allowed}: remove {'it' if extra == 1 else 'them'}.", added))
        return out


@dataclass
class NoPets(Rule):
    """No reached server keeps these kinds of state on the machine itself (RAM or local disk)."""

    name: ClassVar[str] = "no_pets"
    states: tuple[str, ...] = ("sessions", "cart", "uploads")

    @classmethod
    def read(cls, f: Fields) -> Rule:
        return cls(f.choices("states", ("sessions", "cart", "uploads"), ["sessions", "cart", "uploads"]))

    def describe(self) -> str:
        return (f"No server a client reaches keeps {join_names([STATE_WORDS[s] for s in self.states])} on the machine "
                "itself (cattle, not pets).")

    _FIX: ClassVar[dict[str, str]] = {"sessions": "sessions in one Redis (or JWT)", "carts": "carts in PostgreSQL",
                                      "uploads": "uploads in object storage"}

    def check(self, ctx: Context) -> list[Problem]:
        pets: dict[tuple[str, ...], list[str]] = {}
        for s in ctx.served:
            kept = tuple(STATE_WORDS[st] for st in self.states if ctx.home(s, st).place in (RAM, DISK))
            if kept:
                pets.setdefault(kept, []).append(s)
        out: list[Problem] = []
        for kept, servers in pets.items():
            verb, _, _ = _keeps(servers)
            one = len(servers) == 1
            out.append(self.problem(
                f"{ctx.name_list(servers)} {'is a pet' if one else 'are pets'}: {'it' if one else 'they'} {verb} "
                f"{join_names(list(kept))} on the machine itself, and a new blank machine starts without them. Keep "
                f"{join_names([self._FIX[k] for k in kept])}.", servers))
        return out


RULES: dict[str, type[Rule]] = {r.name: r for r in (Survives, SharedStore, Auth, NoSticky, Replicas, Palette, NoPets)}


def read_rule(raw: Any, where: str) -> tuple[Rule, list[str]]:
    """One rule from its JSON object, and warnings for keys it does not know; :class:`DiagramError` if broken."""
    if not isinstance(raw, dict):
        raise DiagramError(where, "must be an object {...}", 'Write it like {"rule": "survives"}')
    name = raw.get("rule")
    if name not in RULES:
        raise DiagramError(where, f"unknown rule {show_value(name)}" if name is not None else 'has no "rule"',
                           f"Use one of: {', '.join(RULES)} (docs/missions.md)")
    where = f"{where} ({name})"
    f = Fields(raw, where)
    rule = RULES[name].read(f)
    hidden = raw.get("hidden", False)
    if not isinstance(hidden, bool):
        raise DiagramError(where, f'"hidden" must be true or false, not {show_value(hidden)}', 'Write "hidden": true')
    rule.hidden = hidden
    warnings = [f'{where}: unknown key "{k}" was ignored' for k in f.unknown()]
    return rule, warnings
