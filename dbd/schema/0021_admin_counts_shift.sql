-- 0021: the dashboard counters' triggers (schema/0016) move the counters through
-- cc_admin_counts_shift(plus, minus) of sql/admin.sql, which takes the names to add and to take
-- away; cc_admin_counts_move(names, amounts), which each trigger function fed with its own
-- signs, is gone.

DROP FUNCTION IF EXISTS cc_admin_counts_move(text[], bigint[]);
