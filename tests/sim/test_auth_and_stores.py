"""The real stores behind the nodes: JWTs from PyJWT, Redis commands on fakeredis, SQL on sqlite3."""

from __future__ import annotations

import base64
import json

import jwt
from sim_builders import POSTGRES, REDIS, two_servers

from statediagram.sim import simulate
from statediagram.sim.stores import EPOCH, SESSION_TTL_S, PostgresStore, RedisStore, TokenSigner


def test_jwt_servers_survive_the_drill_without_any_session_store():
    report = simulate(two_servers(auth=("jwt", "jwt")), scenario="standard", journey="sessions").report
    assert report["survives"], report["findings"]
    assert report["totals"]["lost_sessions"] == 0


def test_jwt_alone_does_not_save_carts_kept_in_server_ram():
    report = simulate(two_servers(auth=("jwt", "jwt")), scenario="calm", journey="full").report
    assert report["totals"]["lost_sessions"] == 0
    assert report["totals"]["lost_data"] > 0


def test_mixed_auth_rejects_users_holding_the_other_kind_of_credential(codes):
    report = simulate(two_servers(auth=("jwt", "session"), stores=(REDIS,)), scenario="calm",
                      journey="sessions").report
    assert not report["survives"]
    messages = [f["message"] for f in report["findings"] if f["code"] == "lost_sessions"]
    assert any("users holding a JWT from Server A were sent to Server B, which expects a session cookie" in m
               for m in messages), messages
    assert "mixed_auth" in codes(report, "warning")


def test_token_signer_issues_real_hs256_tokens_with_expiry_on_the_simulated_clock():
    signer = TokenSigner(seed=7)
    token = signer.issue("users-1", now_s=12.5)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "HS256"
    claims = jwt.decode(token, signer.key, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["sub"] == "users-1" and claims["iat"] == EPOCH + 12
    assert claims["exp"] == claims["iat"] + SESSION_TTL_S
    assert signer.verify(token, now_s=100) is not None
    assert signer.verify(token, now_s=12 + SESSION_TTL_S) is None  # expired on the simulated clock


def test_forged_and_unsigned_tokens_are_rejected():
    signer = TokenSigner(seed=1)
    forged = jwt.encode({"sub": "users-1", "iat": EPOCH, "exp": EPOCH + 3600}, b"x" * 32, algorithm="HS256")
    assert signer.verify(forged, now_s=1) is None
    unsigned = jwt.encode({"sub": "users-1", "iat": EPOCH, "exp": EPOCH + 3600}, None, algorithm="none")
    assert signer.verify(unsigned, now_s=1) is None
    good = signer.issue("users-1", 0)
    head, body, sig = good.split(".")
    tampered_body = base64.urlsafe_b64encode(json.dumps({"sub": "admin", "iat": EPOCH, "exp": EPOCH + 3600})
                                             .encode()).rstrip(b"=").decode()
    assert signer.verify(f"{head}.{tampered_body}.{sig}", now_s=1) is None
    assert signer.verify("not a token", now_s=1) is None


def test_the_signing_key_comes_from_the_seed():
    assert TokenSigner(1).key == TokenSigner(1).key
    assert TokenSigner(1).key != TokenSigner(2).key


def test_redis_store_keeps_sessions_as_keys_with_a_one_hour_ttl():
    store = RedisStore("redis")
    store.set_session("abc", "users-1")
    assert store.get_session("abc") == "users-1"
    assert store.get_session("nope") is None
    ((key, ttl),) = store.keys()
    assert key == "session:abc" and SESSION_TTL_S - 5 <= ttl <= SESSION_TTL_S
    store.add_to_cart("users-1", "mug")
    store.add_to_cart("users-1", "mug")
    assert store.cart("users-1") == {"mug": 2}
    store.lose_keys()
    assert store.key_count() == 0 and store.get_session("abc") is None


def test_postgres_store_runs_sql_on_a_cart_table():
    pg = PostgresStore("pg")
    pg.add_to_cart("users-1", "book")
    pg.add_to_cart("users-1", "book")
    pg.add_to_cart("users-2", "lamp")
    assert pg.cart("users-1") == {"book": 2}
    assert pg.rows() == [("users-1", "book", 2), ("users-2", "lamp", 1)]


def test_sessions_really_live_in_the_shared_redis_during_a_run():
    result = simulate(two_servers(stores=(REDIS, POSTGRES)), scenario="calm", journey="full", record_trace=True)
    engine = result.engine
    keys = engine.stores["redis"].store.keys()
    assert sum(1 for k, _ in keys if k.startswith("session:")) == 3  # one login per user, never lost
    assert not any(k.startswith("cart:") for k, _ in keys)  # carts go to PostgreSQL when it is linked
    assert {row[0] for row in engine.stores["pg"].store.rows()} == {"users-1", "users-2", "users-3"}
    engine.close()


def test_a_redis_nodes_session_reads_answer_as_the_clients_get_does():
    """The GET of a session runs on the node's own connection (a third less CPU a GET): the same answers as the
    client's GET, for a session set, one never set, and one lost in a crash."""
    from statediagram.sim.stores import RedisStore

    store = RedisStore("r")
    try:
        store.set_session("abc", "users-1", 0)
        assert store.get_session("abc") == "users-1" == store.client.get("session:abc").decode()
        assert store.get_session("nobody") is None is store.client.get("session:nobody")
        store.add_to_cart("users-1", "book")  # other commands on the same connection still answer in turn
        assert store.cart("users-1") == {"book": 1} and store.get_session("abc") == "users-1"
        store.lose_keys()
        assert store.get_session("abc") is None and store.commands == 7
    finally:
        store.close()
