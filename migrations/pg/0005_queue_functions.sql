-- Claims a queued run for an engine in one round trip (docs/plans/scale-out.md
-- §6.3). The steps must happen in this order inside one transaction: the
-- workflow's advisory lock, then the count of its running runs, then the
-- conditional update. Sent as separate statements they cost six round trips
-- (BEGIN … COMMIT), and a cluster's busy workflow is turned away at its cap
-- many times per run. Each statement of a VOLATILE function takes a fresh
-- snapshot, so the count sees every claim committed before the lock was
-- granted. Answers 'claimed', 'notQueued' (stopped, gone, or taken by a
-- duplicate job) or 'atCapacity'.
CREATE FUNCTION weft_claim_execution(p_id text, p_engine text, p_instance text, p_now bigint, p_cap integer)
RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_status text;
  v_workflow text;
  v_running integer;
BEGIN
  SELECT status, workflow_id INTO v_status, v_workflow FROM executions WHERE id = p_id;
  IF v_status IS DISTINCT FROM 'queued' THEN
    RETURN 'notQueued';
  END IF;
  IF p_cap > 0 THEN
    PERFORM pg_advisory_xact_lock(hashtext('weft:wf:' || v_workflow));
    SELECT count(*) INTO v_running FROM executions WHERE workflow_id = v_workflow AND status = 'running';
    IF v_running >= p_cap THEN
      RETURN 'atCapacity';
    END IF;
  END IF;
  UPDATE executions SET status = 'running', engine_id = p_engine, instance_id = p_instance, started_at = p_now
    WHERE id = p_id AND status = 'queued';
  IF FOUND THEN
    RETURN 'claimed';
  END IF;
  RETURN 'notQueued';
END $$;
--> statement-breakpoint
-- Records the ends of a batch of runs (status, node runs, log lines) in one
-- round trip, each column one array: as separate statements a run's end cost
-- six (BEGIN, the row lock, the update, two inserts, COMMIT). The rows are
-- locked in id order first, so two batches sharing executions take turns
-- (and number their node runs and lines from the highest stored, as the
-- store's other writers do) instead of deadlocking. A run ends once: the
-- status is set only while it is queued or running, and for a run listed
-- twice in the batch the first entry's status wins, as if written in order.
CREATE FUNCTION weft_finish_executions(
  p_id text[], p_status text[], p_error text[], p_now bigint[],
  r_execution text[], r_node text[], r_run_index integer[], r_name text[], r_status text[], r_input text[],
  r_output text[], r_error text[], r_attempts integer[], r_started bigint[], r_finished bigint[],
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
      r_attempts, r_started, r_finished) WITH ORDINALITY
      AS u(execution_id, node_id, run_index, name, status, input, output, error, attempts, started_at,
        finished_at, n)
  ), base AS (
    SELECT e.execution_id, coalesce(max(x.ord) + 1, 0) AS next
    FROM (SELECT DISTINCT execution_id FROM r) e LEFT JOIN node_runs x ON x.execution_id = e.execution_id
    GROUP BY e.execution_id
  )
  INSERT INTO node_runs (execution_id, node_id, run_index, name, status, input, output, error, attempts,
      started_at, finished_at, ord)
    SELECT r.execution_id, r.node_id, r.run_index, r.name, r.status, r.input, r.output, r.error, r.attempts,
      r.started_at, r.finished_at, base.next + row_number() OVER (PARTITION BY r.execution_id ORDER BY r.n) - 1
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
