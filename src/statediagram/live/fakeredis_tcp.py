"""The stand-in for redis-server when it is not installed: fakeredis's TCP server on 127.0.0.1:PORT.

It speaks the Redis protocol, but keeps its keys in this process only: a crash loses them, persistent or not.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from fakeredis import TcpFakeServer

    port = int((argv or sys.argv[1:])[0])
    server = TcpFakeServer(("127.0.0.1", port))  # speaks as a Redis server by default
    server.serve_forever()


if __name__ == "__main__":
    main()
