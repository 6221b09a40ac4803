-- The admin feeds (handlers/admin.c recent-activity/, audit-log/): the renderer and the page.
-- Apart from sql/admin.sql, which schema/0016 requires: a required file may only name the tables
-- of earlier schema files in its signatures, and this one takes a row of `activity` (0016's own).

-- An activity row as recent-activity/ shows it.
CREATE OR REPLACE FUNCTION cc_activity_json(a activity) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'type', a.type, 'actor', cc_actor_json(a.actor_id, NULL),
        'summary', a.summary, 'object', json_build_object('type', a.object_type, 'id', a.object_id),
        'created_at', cc_ts(a.created_at))
$$;

-- A page of a feed (recent-activity/: kind 'activity'; audit-log/: 'audit'), in the columns the
-- handler reads: more (whether a matching row lies on the other side of the boundary), id, body
-- (the rendered row); at least one row (id NULL when the page is empty), newest first. older:
-- the `n` newest rows with id < boundary; else the `n` oldest with id > boundary. `f` holds the
-- filters the handler checked (absent key: no filter). The WHERE clause is built from fixed
-- fragments for the keys present and the values are parameters, so each filter combination is
-- planned for the indexes it can use (activity (type, id); audit_log (actor_id, id),
-- (action, id), (target_type, target_id, id)) instead of one plan for all.
CREATE OR REPLACE FUNCTION cc_admin_feed(kind text, f jsonb, boundary bigint, n bigint,
                                         older boolean)
RETURNS TABLE (more boolean, id bigint, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
    w text := '';
    src text;
    render text;
    m boolean;
BEGIN
    IF kind = 'activity' THEN
        src := 'activity';
        render := 'cc_activity_json(a)';
        IF f ? 'type' THEN w := w || ' AND a.type = ($1 ->> ''type'')'; END IF;
    ELSE
        src := 'audit_log';
        render := 'cc_audit_json(a)';
        IF f ? 'actor' THEN w := w || ' AND a.actor_id = ($1 ->> ''actor'')::bigint'; END IF;
        IF f ? 'action' THEN w := w || ' AND a.action = ($1 ->> ''action'')'; END IF;
        IF f ? 'target_type' THEN w := w || ' AND a.target_type = ($1 ->> ''target_type'')'; END IF;
        IF f ? 'target_id' THEN
            w := w || ' AND a.target_id = ($1 ->> ''target_id'')::bigint';
        END IF;
        IF f ? 'from' THEN
            w := w || ' AND a.created_at >= cc_admin_bound($1 ->> ''from'', false)';
        END IF;
        IF f ? 'to' THEN w := w || ' AND a.created_at < cc_admin_bound($1 ->> ''to'', true)'; END IF;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I a WHERE a.id %s $2 %s)', src,
                   CASE WHEN older THEN '>=' ELSE '<=' END, w)
        INTO m USING f, boundary;
    RETURN QUERY EXECUTE format(
        'SELECT $3, p.id, p.body FROM (SELECT 1) o LEFT JOIN LATERAL (SELECT a.id, %s::text AS body'
        ' FROM %I a WHERE a.id %s $2 %s ORDER BY a.id %s LIMIT $4) p ON true ORDER BY p.id DESC',
        render, src, CASE WHEN older THEN '<' ELSE '>' END, w,
        CASE WHEN older THEN 'DESC' ELSE 'ASC' END)
        USING f, boundary, m, n;
END
$$;
