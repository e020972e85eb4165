"""How much one file may hold and one run may simulate. Student files are untrusted: every read and every
run is bounded, and a file beyond a bound is unreadable with the reason (exit status 2), never a hang.

The README's "Limits" table lists these figures; change both together.
"""

from __future__ import annotations

# A file: diagrams saved by statediagram are a few KB (2,000 nodes: about 400 KB).
MAX_FILE_BYTES = 20 * 1024 * 1024
# A PNG's text chunk, once inflated (a 1 MB PNG can inflate to 1 GB): the same bound as a diagram file.
MAX_TEXT_CHUNK_BYTES = MAX_FILE_BYTES
# Scene coordinates of a node's centre: |x|, |y| at most this (the canvas and pictures stay finite).
MAX_COORDINATE = 1_000_000
# A fault's time and a scenario's duration_s, in seconds (the contract: a finite number in 0..3600).
MAX_SCENARIO_S = 3600

# One run. Simulated work grows with users x simulated seconds (about one request per user per second,
# ~10,000 requests a second of wall time on the 2-core machine): these keep a run to minutes at the very worst,
# and `check --timeout` bounds it further.
MAX_USERS = 10_000  # summed over all clients
MAX_SERVERS = 300  # servers and websocket servers; the standard drill of 300 servers lasts 3,005 s
MAX_NODES = 5_000
MAX_RUN_S = MAX_SCENARIO_S + 10  # a fault list at 3,600 s runs 10 s more
MAX_USER_SECONDS = 2_000_000  # users x simulated seconds: about as many requests

# A picture (export, and the app's Export): drawing a card takes about 1-2 ms on the 2-core machine, so 4,000
# nodes took 9-15 s; 2,500 keeps an export within a few seconds (the largest example file has 1,800).
MAX_PICTURE_NODES = 2_500
