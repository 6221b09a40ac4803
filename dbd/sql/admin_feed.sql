-- The admin feed's renderer (handlers/admin.c recent-activity/). Apart from sql/admin.sql, which
-- schema/0016 requires: a required file may only name the tables of earlier schema files in its
-- signatures, and this one takes a row of `activity` (0016's own).

-- An activity row as recent-activity/ shows it.
CREATE OR REPLACE FUNCTION cc_activity_json(a activity) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'type', a.type, 'actor', cc_actor_json(a.actor_id, NULL),
        'summary', a.summary, 'object', json_build_object('type', a.object_type, 'id', a.object_id),
        'created_at', cc_ts(a.created_at))
$$;
