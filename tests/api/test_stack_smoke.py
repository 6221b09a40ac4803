"""The private PostgreSQL of the test stack answers, with the role settings the module relies on."""


def test_postgres_answers(db):
    assert db("SELECT 1") == [["1"]]
    settings = db("SHOW plan_cache_mode; SHOW TimeZone; SHOW client_encoding")
    assert settings == [["force_generic_plan"], ["UTC"], ["UTF8"]]
    assert db.scalar("SELECT :'v'::text", v="O'Brien, \"quoted\"") == "O'Brien, \"quoted\""
