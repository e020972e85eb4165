"""Working a run out ahead (as the player does, a slice each tick) leaves next to nothing in the cyclic collector's
oldest generation.

Why a learner would notice: each object alive when a middle-generation collection runs is moved to the oldest
generation, and once those exceed a quarter of what it holds (the window alone: about 90k), a full collection stops
the window for 40-110 ms. A request under way is such an object, and must be; what came with it need not: its pending
event (a tuple holding it) and its list of store calls. With them, working out a 10-minute run while it played at 8x
brought a full collection every 3-4 s."""

from __future__ import annotations

import gc

from sim_builders import REDIS, two_servers

from collector_watch import Promoted
from statediagram.sim.replay import Replay, RunSetup
from statediagram.sim.scenario import SECOND

USERS = 100


def promoted_per_collection(d, seed: int) -> float:
    """Work a run out from 5 s to 40 s a simulated second at a time, a middle-generation collection after each (one
    comes every 0.1-0.3 s of play): the objects each moves to the oldest generation."""
    replay = Replay(RunSetup(d, seed=seed))
    replay.advance(5 * SECOND, budget_s=60)
    with Promoted() as promoted:
        for second in range(6, 40):
            replay.advance(second * SECOND, budget_s=60)
            gc.collect(1)
    replay.close()
    return promoted.count / promoted.collections


def test_working_a_run_out_ahead_moves_about_one_object_per_request_under_way():
    d = two_servers(stores=(REDIS,), users=USERS, scenario={"journey": "sessions", "duration_s": 60})
    promoted_per_collection(d, 1)  # what a run loads the first time (modules, their functions) is loaded before
    per_collection = promoted_per_collection(d, 2)
    # Each user has one request under way or just answered. Measured: 106 objects a collection; 268 when each
    # request's pending event held it and its calls were a list.
    assert per_collection < 1.25 * USERS, per_collection
