"""Smoke checks of the `make bench` tooling (bench/bench.py, bench/wrk/scenario.lua) and of
`carechainctl statement`: the parsers on canned output, the pgbench rewriting of a statement,
the verdicts, and one short wrk run of the Lua script against the suite's httpd; and the pieces
of bench/soak.py (its consistency checker on the suite's stack, each check broken once inside a
rolled-back transaction, and its HTTP client)."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
CTL = REPO / "build" / "carechainctl"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_driver", REPO / "bench" / "bench.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


bench = _load_bench()

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:40000
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  40.00ms   80.00%
  25000 requests in 10.00s, 5.00MB read
Requests/sec:   2500.00
Transfer/sec:    512.00KB
BENCH_JSON {"requests": 25000, "duration_us": 10000000, "bytes": 5242880, "sent": 25032, \
"exhausted": false, "errors": {"connect": 0, "read": 2, "write": 0, "status": 3, "timeout": 1}, \
"latency_us": {"min": 150, "mean": 3100.5, "stdev": 1200.0, "max": 40000, "p50": 2950, \
"p75": 3600, "p90": 4400, "p99": 12345, "p999": 30000}}
"""

PGBENCH_OUTPUT = """pgbench (15.8 (Debian 15.8-0+deb12u1))
transaction type: /tmp/x/pgbench.sql
scaling factor: 1
query mode: prepared
number of clients: 32
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 12000
number of failed transactions: 0 (0.000%)
latency average = 26.667 ms
initial connection time = 40.000 ms
tps = 1200.123456 (without initial connection time)
"""

PG_LOG = """2026-11-30 22:41:09.100 UTC [900] LOG:  statement: ALTER SYSTEM SET log_statement = 'all';
2026-11-30 22:41:09.300 UTC [901] LOG:  execute cc_user_auth: SELECT role FROM users WHERE id = $1
2026-11-30 22:41:09.300 UTC [901] DETAIL:  parameters: $1 = '42'
2026-11-30 22:41:09.301 UTC [901] LOG:  execute cc_thing_list: SELECT a
\tFROM t WHERE b = $2 OR c = $1
2026-11-30 22:41:09.301 UTC [901] DETAIL:  parameters: $1 = NULL, $2 = 'it''s, $3 = x'
2026-11-30 22:41:09.302 UTC [901] LOG:  execute cc_health_check: SELECT 1
"""


def test_parse_wrk_output():
    r = bench.parse_wrk_output(WRK_OUTPUT)
    assert r["rps"] == 2500.0
    assert r["p50_ms"] == 2.95
    assert r["p99_ms"] == 12.35
    assert r["errors_total"] == 6
    assert r["exhausted"] is False
    assert r["sent"] == 25032


def test_parse_wrk_output_without_json_line():
    with pytest.raises(ValueError, match="no BENCH_JSON line"):
        bench.parse_wrk_output("Running 10s test\n  0 requests in 10.00s\n")


def test_parse_pgbench_output():
    assert bench.parse_pgbench_output(PGBENCH_OUTPUT) == {
        "tps": 1200.1, "latency_avg_ms": 26.667, "failed": 0, "transactions": 12000}
    with pytest.raises(ValueError, match="no tps line"):
        bench.parse_pgbench_output("pgbench: error: connection failed\n")


def test_parse_logged_executions():
    assert bench.parse_logged_executions(PG_LOG) == [
        ("cc_user_auth", "SELECT role FROM users WHERE id = $1", {1: "42"}),
        ("cc_thing_list", "SELECT a\n\tFROM t WHERE b = $2 OR c = $1",
         {1: None, 2: "it's, $3 = x"}),
        ("cc_health_check", "SELECT 1", {}),
    ]


def test_pgbench_sql_parameters_casts_and_nulls():
    sql = ("SELECT count(*) OVER (), x FROM t WHERE ($1::text IS NULL OR a = $1)"
           " AND b = $2 LIMIT $3 OFFSET $4")
    text, defines = bench.pgbench_sql(sql, {1: None, 2: "Pune", 3: "10", 4: "0"},
                                      ["text", "text", "bigint", "bigint"], "s0p")
    assert text == ("SELECT count(*) OVER (), x FROM t WHERE ((SELECT CAST(NULL AS text))::text"
                    " IS NULL OR a = (SELECT CAST(NULL AS text))) AND b = CAST(:s0p2 AS text)"
                    " LIMIT CAST(:s0p3 AS bigint) OFFSET CAST(:s0p4 AS bigint);")
    assert defines == {"s0p2": "Pune", "s0p3": "10", "s0p4": "0"}


def test_pgbench_sql_literals_comments_and_quoting():
    sql = ("SELECT to_char(t, 'HH24:MI:SS'), 'a$1b', \"odd:Col\", $$x$$ -- :comment $1\n"
           "FROM t /* :c $2 */ WHERE id = $1;")
    text, defines = bench.pgbench_sql(sql, {1: "7"}, ["bigint"], "p")
    assert text == ("SELECT to_char(t, ('HH24' || ':' || 'MI' || ':' || 'SS')), 'a$1b',"
                    " \"odd:Col\", $$x$$ \nFROM t   WHERE id = CAST(:p1 AS bigint);")
    assert defines == {"p1": "7"}
    with pytest.raises(ValueError, match="outside a literal"):
        bench.pgbench_sql("SELECT a[1:n] FROM t", {}, [], "p")
    with pytest.raises(ValueError, match="has no type"):
        bench.pgbench_sql("SELECT $2", {2: "x"}, ["text"], "p")


def test_verdicts():
    list_s = bench.Scenario("jobs_list", "GET", "/api/jobs/", min_pct=50)
    search = bench.Scenario("jobs_search", "GET", "/api/jobs/search/?q=x", min_pct=25)
    apply_s = bench.Scenario("apply", "POST", "/api/jobs/applications/", read=False)
    gone = bench.Scenario("jobs_matches", "GET", "/api/jobs/matches/", min_pct=25)
    results = {
        "jobs_list": {"rps": 600.0, "p99_ms": 20.0, "errors_total": 0},
        "jobs_search": {"rps": 200.0, "p99_ms": 75.0, "errors_total": 1},
        "apply": {"rps": 90.0, "p99_ms": 400.0, "errors_total": 0, "exhausted": True},
        "jobs_matches": {"unavailable": "probe answered 404 not_found"},
    }
    rows = bench.verdicts([list_s, search, apply_s, gone], results, 1000.0)
    assert rows == [
        ("jobs_list", ">= 50% of ceiling", "60.0%", True),
        ("jobs_list", "p99 < 50 ms", "20.0 ms", True),
        ("jobs_list", "0 errors", "0", True),
        ("jobs_search", ">= 25% of ceiling", "20.0%", False),
        ("jobs_search", "p99 < 50 ms", "75.0 ms", False),
        ("jobs_search", "0 errors", "1", False),
        ("apply", "0 errors", "0 (ran out of fresh pairs)", False),
        ("jobs_matches", ">= 25% of ceiling", "probe answered 404 not_found", False),
        ("jobs_matches", "p99 < 50 ms", "probe answered 404 not_found", False),
        ("jobs_matches", "0 errors", "probe answered 404 not_found", False),
    ]
    assert bench.verdicts([list_s], results, None)[0] == (
        "jobs_list", ">= 50% of ceiling", "no ceiling", False)


def test_report_verdicts():
    fast = bench.Report("analytics_users", "/api/admin/analytics/users/", 300)
    slow = bench.Report("analytics_jobs", "/api/admin/analytics/jobs/", 300)
    gone = bench.Report("dashboard", "/api/admin/dashboard-stats/", 20)
    skipped = bench.Report("analytics_applications", "/api/admin/analytics/applications/", 300)
    results = {"analytics_users": {"median_ms": 120.5},
               "analytics_jobs": {"median_ms": 300.0},
               "dashboard": {"unavailable": "answered 404"}}
    assert bench.report_verdicts([fast, slow, gone, skipped], results) == [
        ("analytics_users", "median < 300 ms", "120.5 ms", True),
        ("analytics_jobs", "median < 300 ms", "300.0 ms", False),
        ("dashboard", "median < 20 ms", "answered 404", False),
    ]


def test_carechainctl_statement_prints_the_table_sql():
    r = subprocess.run([str(CTL), "statement", "cc_user_auth"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "SELECT role, is_active, token_version, email FROM users WHERE id = $1\n"
    r = subprocess.run([str(CTL), "statement", "cc_no_such_statement"], capture_output=True,
                       text=True)
    assert (r.returncode, r.stdout) == (1, "")
    assert "no statement labelled cc_no_such_statement" in r.stderr
    r = subprocess.run([str(CTL), "statement"], capture_output=True, text=True)
    assert r.returncode == 2
    assert "statement LABEL" in r.stderr


def test_wrk_lua_script_reports_json(stack, tmp_path):
    """One second of wrk with the bench's Lua script: cycle mode over two paths, one with a
    token the server refuses (401), so both the request table and the status count work."""
    data = tmp_path / "reqs.tsv"
    data.write_text("mode\tcycle\nT\tnot-a-token\n"
                    "R\tGET\t0\t/api/health/\t\n"
                    "R\tGET\t1\t/api/accounts/profile/\t\n")
    r = subprocess.run(["/usr/bin/wrk", "-t", "1", "-c", "2", "-d", "1s", "-s",
                        str(REPO / "bench" / "wrk" / "scenario.lua"), stack.base_url, "--",
                        str(data), "1"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    out = bench.parse_wrk_output(r.stdout)
    assert out["requests"] > 0
    # every second request is the refused one
    assert abs(out["errors"]["status"] * 2 - out["requests"]) <= 2
    assert out["exhausted"] is False
    assert set(out["latency_us"]) == {"min", "mean", "stdev", "max", "p50", "p75", "p90", "p99",
                                      "p999"}


# ---- bench/soak.py: the consistency checker and the HTTP client --------------------------------

def _load_soak():
    spec = importlib.util.spec_from_file_location("soak_driver", REPO / "bench" / "soak.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


soak = _load_soak()


def _since(stack):
    rows = stack.psql(" UNION ALL ".join(
        f"SELECT '{t}', coalesce(max(id), 0) FROM {t}" for t in soak.SINCE_TABLES))
    return {t: int(v) for t, v in rows}


def test_soak_checker_finds_missing_rows_and_half_written_objects(stack, api, read_mails):
    from helpers import create_admin, logged_in_user
    since = _since(stack)
    admin = create_admin(stack, api, login_now=True)
    cand = logged_in_user(api, read_mails)
    r = api.post("messaging/conversations/create/", token=admin["access"],
                 json={"participant_ids": [cand["id"]], "message": "Checker test."})
    assert r.status_code == 201, r.text
    conv = r.json()
    mid = conv["last_message"]["id"]
    created = [("conversations", conv["id"], "c"), ("messages", mid, "m"),
               ("messages", 2_000_000_000, "m")]
    assert soak.check_created(stack.psql, created) == {"messages": [2_000_000_000]}
    assert soak.check_created(stack.psql, created[:2]) == {}
    assert soak.check_half_written(stack.psql, since) == {}
    # break the conversation inside the checker's own transaction (rolled back afterwards)
    broken = soak.check_half_written(
        stack.psql, since, prelude=f"DELETE FROM conversation_participants WHERE conversation_id"
                                   f" = {conv['id']} AND user_id = {cand['id']};")
    assert broken == {"conversations with fewer than two participants": [conv["id"]],
                      "messages without a stream event for each participant": [mid]}
    broken = soak.check_half_written(
        stack.psql, since, prelude=f"DELETE FROM stream_events WHERE kind = 'message'"
                                   f" AND ref_id = {mid} AND user_id = {cand['id']};")
    assert broken == {"messages without a stream event for each participant": [mid]}
    broken = soak.check_half_written(
        stack.psql, since, prelude=f"UPDATE conversations SET last_message_id = NULL"
                                   f" WHERE id = {conv['id']};")
    assert broken == {"conversations whose last_message_id is not their newest message":
                      [conv["id"]]}
    assert soak.check_half_written(stack.psql, since) == {}  # nothing of it stayed


def test_soak_dashboard_counts_equal_direct_sql(stack, api):
    from helpers import create_admin
    admin = create_admin(stack, api, login_now=True)
    r = api.get("admin/dashboard-stats/", token=admin["access"])
    assert r.status_code == 200, r.text
    counts = soak.direct_counts(stack.psql)
    assert set(counts) == set(r.json())
    assert soak.compare_dashboard(r.json(), counts) == []
    assert counts["total_admins"] >= 1
    off = dict(counts, total_jobs=counts["total_jobs"] + 1)
    assert soak.compare_dashboard(r.json(), off) == [
        ("total_jobs", counts["total_jobs"], counts["total_jobs"] + 1)]


def test_soak_edit_check_allows_only_the_last_acknowledged_or_a_later_unanswered_value():
    def psql_with(value):
        return lambda sql: [["7", value]] if "WHERE id IN (7)" in sql else []
    edits = {("users", 7, "first_name"): [["A", False], ["B", True], ["C", False]]}
    assert soak.check_edits(psql_with("B"), edits) == []
    assert soak.check_edits(psql_with("C"), edits) == []  # its answer was lost, it may be there
    assert soak.check_edits(psql_with("A"), edits) == [("users", 7, "first_name", "A", "B")]
    assert soak.check_edits(psql_with("B"), {("users", 7, "x"): [["Z", False]]}) == []
    assert soak.check_edits(lambda sql: [], edits) == [("users", 7, "first_name", None, "B")]


def test_soak_http_client_keeps_the_connection_and_reads_bodies(stack):
    import asyncio
    host, port = stack.base_url.split("//")[1].split(":")

    async def go():
        c = soak.Conn(host, int(port))
        a = await c.request("GET", "/api/health/")
        w = c.w
        b = await c.request("GET", "/api/jobs/?page_size=2")
        same = c.w is w
        e = await c.request("GET", "/api/no-such-thing/")
        c.close()
        return a, b, e, same

    a, b, e, same = asyncio.run(go())
    assert a[0] == 200 and json.loads(a[2])["status"] == "ok"
    assert b[0] == 200 and "results" in json.loads(b[2])
    assert e[0] == 404 and json.loads(e[2])["code"] == "not_found"
    assert same
