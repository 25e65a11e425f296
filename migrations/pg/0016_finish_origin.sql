-- weft_finish_executions (0005) with each node run's origin and paired items
-- (docs/plans/n8n-daily.md §3.3). A new overload, not a replacement: an
-- instance of the previous release, still running during a rolling upgrade,
-- keeps calling the old one, whose node runs take the column defaults.
CREATE FUNCTION weft_finish_executions(
  p_id text[], p_status text[], p_error text[], p_now bigint[],
  r_execution text[], r_node text[], r_run_index integer[], r_name text[], r_status text[], r_input text[],
  r_output text[], r_error text[], r_attempts integer[], r_started bigint[], r_finished bigint[],
  r_origin text[], r_paired text[],
  l_execution text[], l_at bigint[], l_level text[], l_node text[], l_message text[]
) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM 1 FROM executions WHERE id = ANY (p_id) ORDER BY id FOR NO KEY UPDATE;
  UPDATE executions e SET status = f.status, error = f.error, finished_at = f.finished_at
    FROM (
      SELECT DISTINCT ON (u.id) u.id, u.status, u.error, u.finished_at
      FROM unnest(p_id, p_status, p_error, p_now) WITH ORDINALITY AS u(id, status, error, finished_at, n)
      ORDER BY u.id, u.n
    ) f
    WHERE e.id = f.id AND e.status IN ('queued', 'running');
  WITH r AS (
    SELECT * FROM unnest(r_execution, r_node, r_run_index, r_name, r_status, r_input, r_output, r_error,
      r_attempts, r_started, r_finished, r_origin, r_paired) WITH ORDINALITY
      AS u(execution_id, node_id, run_index, name, status, input, output, error, attempts, started_at,
        finished_at, origin, paired, n)
  ), base AS (
    SELECT e.execution_id, coalesce(max(x.ord) + 1, 0) AS next
    FROM (SELECT DISTINCT execution_id FROM r) e LEFT JOIN node_runs x ON x.execution_id = e.execution_id
    GROUP BY e.execution_id
  )
  INSERT INTO node_runs (execution_id, node_id, run_index, name, status, input, output, error, attempts,
      started_at, finished_at, origin, paired, ord)
    SELECT r.execution_id, r.node_id, r.run_index, r.name, r.status, r.input, r.output, r.error, r.attempts,
      r.started_at, r.finished_at, coalesce(r.origin, 'ran'), r.paired, base.next + row_number() OVER (PARTITION BY r.execution_id ORDER BY r.n) - 1
    FROM r JOIN base USING (execution_id)
    ORDER BY r.n
    ON CONFLICT DO NOTHING;
  WITH l AS (
    SELECT * FROM unnest(l_execution, l_at, l_level, l_node, l_message) WITH ORDINALITY
      AS u(execution_id, at, level, node, message, n)
  ), base AS (
    SELECT e.execution_id, coalesce(max(x.seq), 0) AS last
    FROM (SELECT DISTINCT execution_id FROM l) e LEFT JOIN execution_logs x ON x.execution_id = e.execution_id
    GROUP BY e.execution_id
  )
  INSERT INTO execution_logs (execution_id, seq, at, level, node, message)
    SELECT l.execution_id, base.last + row_number() OVER (PARTITION BY l.execution_id ORDER BY l.n),
      l.at, l.level, l.node, l.message
    FROM l JOIN base USING (execution_id);
END $$;
