"""A chat run's connections as the app replays them: who is connected where at t, what a crash dropped, who
reconnected, where each message went, the pub/sub channels; all from the run's trace, forward or back."""

from __future__ import annotations

from test_chat import chat_room

from statediagram.core import Fault, ScenarioSpec
from statediagram.sim.chat import Fanout
from statediagram.sim.connections import Link
from statediagram.sim.replay import Replay, RunSetup
from statediagram.sim.scenario import SECOND


def replayed(d, scenario: str | None = "standard") -> Replay:
    replay = Replay(RunSetup(d, scenario, "chat"))
    replay.run_to_end()
    return replay


def test_a_crash_drops_the_users_of_chat_a_and_they_reconnect_to_chat_b():
    replay = replayed(chat_room(redis=True))
    c = replay.connections
    assert c.open_at(5 * SECOND) == [Link("users", "a", 3), Link("users", "b", 3)]
    assert c.open_at(10 * SECOND + 1) == [Link("users", "b", 3)]  # Chat A crashed at 10 s
    dropped = c.drops(10 * SECOND + 500_000, SECOND)
    assert [(d.room, d.server, d.at, d.users) for d in dropped] == [("users", "a", 10 * SECOND, 3)]
    assert c.open_at(14 * SECOND) == [Link("users", "b", 6)]
    back = c.reconnects(14 * SECOND, 5 * SECOND)
    assert [(r.server, r.users) for r in back] == [("b", 3)]
    assert sum(r.users for r in back) == replay.totals_at(14 * SECOND).reconnects
    assert c.open_at(5 * SECOND) == [Link("users", "a", 3), Link("users", "b", 3)]  # back again: as it was


def test_a_load_balancer_crash_drops_the_connections_made_through_it():
    d = chat_room(redis=True)
    d.scenario = ScenarioSpec(faults=[Fault(8, "lb", "crash"), Fault(9, "lb", "restart")], duration_s=20)
    replay = replayed(d, None)
    c = replay.connections
    assert sum(link.users for link in c.open_at(7 * SECOND)) == 6
    assert c.open_at(8 * SECOND + 1) == []
    assert sum(d.users for d in c.drops(8 * SECOND + 1, SECOND)) == 6


def test_each_message_records_where_it_went():
    shared = replayed(chat_room(redis=True), "calm")
    sent = [r for r in shared.requests if r.fanout is not None]
    assert sent and all(r.fanout == Fanout("redis", tuple(s for s in "ab" if s != r.server)) for r in sent)
    alone = replayed(chat_room(), "calm")
    assert {r.fanout for r in alone.requests if r.fanout is not None} == {Fanout(None, ())}


def test_per_second_series_and_lost_messages_only_once_the_run_has_ended():
    replay = replayed(chat_room(), "calm")
    series = replay.chat_per_second(replay.end)
    assert sum(series["messages"]) == replay.report.totals.messages
    assert sum(series["lost_messages"]) == replay.report.totals.lost_messages > 0
    assert replay.chat_per_second(replay.end - 1)["lost_messages"] == []  # not known before the end


def test_redis_lists_each_rooms_channel_with_the_servers_subscribed_at_t():
    replay = replayed(chat_room(redis=True))
    assert [(ch.name, ch.subscribers) for ch in replay.channels_at("redis", 5 * SECOND)] == [("chat:users", ("a", "b"))]
    assert [ch.subscribers for ch in replay.channels_at("redis", 12 * SECOND)] == [("b",)]
    assert replayed(chat_room(), "calm").channels_at("redis", SECOND) == []
