"""The ports a live run gives its nodes: never one an outgoing connection may take meanwhile, never one twice."""

from __future__ import annotations

import socket

from statediagram.live.supervisor import _outgoing_range, free_port


def test_live_ports_are_outside_the_outgoing_range_and_never_given_twice():
    # The OS's own pick came from the outgoing range: a client's connection took such a port between the choice
    # and the node's bind ("address already in use", a live test in CI).
    low, high = _outgoing_range()
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    assert not [p for p in ports if low <= p <= high]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", ports[-1]))  # free when given
