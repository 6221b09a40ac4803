"""The private PostgreSQL of the test stack answers, with the role settings the module relies on;
stack.py's port probe."""

import socket

from stack import port_in_use


def test_postgres_answers(db):
    assert db("SELECT 1") == [["1"]]
    settings = db("SHOW plan_cache_mode; SHOW TimeZone; SHOW client_encoding")
    assert settings == [["force_generic_plan"], ["UTC"], ["UTF8"]]
    assert db.scalar("SELECT :'v'::text", v="O'Brien, \"quoted\"") == "O'Brien, \"quoted\""


def test_port_in_use_sees_listeners_not_time_wait():
    """A listener holds the port; the TIME_WAIT a stopped server's connections leave does not
    (a second `make run` on the same port right after Ctrl-C)."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    port = srv.getsockname()[1]
    assert port_in_use(port)
    cli = socket.create_connection(("127.0.0.1", port))
    conn, _ = srv.accept()
    conn.close()  # the server side closes first: its end stays in TIME_WAIT
    cli.recv(1)
    cli.close()
    srv.close()
    assert not port_in_use(port)
