-- 017_night_queue.sql - the queue of nights that `kigen worker` processes on any number of
-- machines share (issue 17, part 3; docs/operations.md "A queue of nights"; D140-D149).
--
-- One row per municipality and run date. `kigen queue --date D` adds a waiting row for
-- every municipality kigen.queue_municipalities() lists; a worker claims the next due row
-- with SELECT ... FOR UPDATE SKIP LOCKED, holds it under a lease that it renews while its
-- `kigen run` child works, and marks it done, or waiting again (a retry after a backoff),
-- or failed (attempts used up). A row whose lease expired (its worker died) is claimed
-- again. The queue holds no personal data: it is the operator's table, read and written by
-- the workers' role, and has no row-level security of its own (D146).
-- It reads kigen.municipalities (016).

CREATE TABLE kigen.night_queue (
    municipality_code text NOT NULL DEFAULT '000000' CHECK (municipality_code ~ '^[0-9]{6}$'),
    run_date date NOT NULL,
    state text NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'running', 'done', 'failed')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0), -- runs started (busy not counted)
    max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
    next_try_at timestamptz NOT NULL DEFAULT now(), -- a waiting night is due from then
    lease_owner text,                               -- host:pid of the worker running it
    lease_expires_at timestamptz,                   -- its worker's last renewal plus the lease
    enqueued_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,                         -- the last claim
    finished_at timestamptz,                        -- done or failed
    last_error text,                                -- the last failure's message
    exit_status integer,                            -- the last run's exit status
    PRIMARY KEY (municipality_code, run_date),
    CHECK ((state = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
);

-- what a claim looks at: the nights not finished, by date
CREATE INDEX night_queue_pending ON kigen.night_queue (run_date, municipality_code)
    WHERE state IN ('waiting', 'running');

-- The municipalities whose nights `kigen queue` enqueues (D141): those of
-- kigen.municipalities (016), the default municipality among them only when no other is
-- listed or it holds residents (an operator of named municipalities has no night to run for
-- it). Read at each call, so a municipality added later is enqueued from its next night.
CREATE FUNCTION kigen.queue_municipalities() RETURNS SETOF text
    LANGUAGE sql STABLE SET search_path = '' AS $$
    SELECT m.municipality_code FROM kigen.municipalities m
    WHERE m.municipality_code <> '000000'
       OR NOT EXISTS (SELECT FROM kigen.municipalities o WHERE o.municipality_code <> '000000')
       OR EXISTS (SELECT FROM kigen.residents r WHERE r.municipality_code = '000000')
    ORDER BY 1
$$;
