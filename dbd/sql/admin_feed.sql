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
-- fragments for the keys present, each value quoted as a literal (format's %L), so each query is
-- planned for its values and the indexes they can use (activity (type, id); audit_log
-- (actor_id, id), (action, id), (target_type, target_id, id)): under the role's
-- force_generic_plan a parameter's value stays unknown to the plan, and a rare type was found by
-- walking the whole primary key (1.5 s over 1,000,000 rows). The page's ids are chosen first, by
-- a query that reads only the filtered columns and id: an index-only scan of (type, id) (or the
-- audit indexes) is then cheaper to the planner than the primary key with a filter, whose estimate
-- assumes a type's rows are spread evenly over the ids (they are not: a load writes them
-- together). The rows are rendered after.
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
        IF f ? 'type' THEN
            w := w || format(' AND a.type = %L', f ->> 'type');
        END IF;
    ELSE
        src := 'audit_log';
        render := 'cc_audit_json(a)';
        IF f ? 'actor' THEN
            w := w || format(' AND a.actor_id = %L::bigint', f ->> 'actor');
        END IF;
        IF f ? 'action' THEN w := w || format(' AND a.action = %L', f ->> 'action'); END IF;
        IF f ? 'target_type' THEN
            w := w || format(' AND a.target_type = %L', f ->> 'target_type');
        END IF;
        IF f ? 'target_id' THEN
            w := w || format(' AND a.target_id = %L::bigint', f ->> 'target_id');
        END IF;
        IF f ? 'from' THEN
            w := w || format(' AND a.created_at >= %L::timestamptz',
                             cc_admin_bound(f ->> 'from', false));
        END IF;
        IF f ? 'to' THEN
            w := w || format(' AND a.created_at < %L::timestamptz', cc_admin_bound(f ->> 'to', true));
        END IF;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I a WHERE a.id %s %s %s)', src,
                   CASE WHEN older THEN '>=' ELSE '<=' END, boundary, w)
        INTO m;
    RETURN QUERY EXECUTE format(
        'SELECT $1, p.id, p.body FROM (SELECT 1) o LEFT JOIN LATERAL (SELECT a.id, %s::text AS body'
        ' FROM (SELECT a.id FROM %I a WHERE a.id %s %s %s ORDER BY a.id %s LIMIT %s) k'
        ' JOIN %I a ON a.id = k.id) p ON true ORDER BY p.id DESC',
        render, src, CASE WHEN older THEN '<' ELSE '>' END, boundary, w,
        CASE WHEN older THEN 'DESC' ELSE 'ASC' END, n, src)
        USING m;
END
$$;
