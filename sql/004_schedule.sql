-- 004_schedule.sql: when each certificate can possibly be due (docs/rules.md N1), so that the
-- nightly scan reads only the residents who can have something to decide on the run date.
--
-- cert_schedule is a cache computed by the C rule module (batch/run/schedule.c), never by
-- SQL: due_from is the earliest renewal-window opening and due_until the latest expiry over
-- every reading the configuration allows (W1/W2, 29 February as 28 February or 1 March);
-- `always` marks a certificate whose dates cannot be computed (bad_data, reported on every
-- run) or whose span is too wide to index. A certificate issued after the run date is bad
-- data on that date: the scan asks for issued_on > D itself.
--
-- schedule_stale lists residents whose data changed since their rows were computed; the
-- triggers below fill it on every INSERT, UPDATE, DELETE (and TRUNCATE: resident 0 means
-- "everything") of residents, cards, certificates, moves and changes (the last two decide
-- exclusions, which `settled` remembers). The scan always reads stale
-- residents in full, so a stale cache can cost time but never a notice.
CREATE TABLE kigen.cert_schedule (
    certificate_id bigint PRIMARY KEY,
    resident_id bigint NOT NULL,
    issued_on date NOT NULL,
    due_from date,
    due_until date,
    always boolean NOT NULL,
    settled boolean NOT NULL DEFAULT false, -- decided for good by a run (D28); a refresh resets it
    CHECK (always OR (due_from IS NOT NULL AND due_until IS NOT NULL))
);
CREATE INDEX cert_schedule_resident_idx ON kigen.cert_schedule (resident_id);
-- the nightly question: unsettled certificates whose window opened lately (settled ones
-- leave the index, so it stays as small as what is still undecided)
CREATE INDEX cert_schedule_open_idx ON kigen.cert_schedule (due_from) INCLUDE (due_until, resident_id)
    WHERE NOT settled AND NOT always;
CREATE INDEX cert_schedule_issued_idx ON kigen.cert_schedule (issued_on);
CREATE INDEX cert_schedule_always_idx ON kigen.cert_schedule (resident_id) WHERE always;

CREATE TABLE kigen.schedule_stale (
    resident_id bigint PRIMARY KEY,      -- 0: every resident (after a TRUNCATE)
    marked_at timestamptz NOT NULL DEFAULT now()
);

-- Marks residents stale. ON CONFLICT DO UPDATE (not DO NOTHING) takes the row lock, so
-- that a refresh deleting the mark waits for this transaction and then sees its data.
CREATE FUNCTION kigen.schedule_mark(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO kigen.schedule_stale (resident_id)
    SELECT DISTINCT id FROM pg_catalog.unnest(ids) AS id WHERE id IS NOT NULL
    ON CONFLICT (resident_id) DO UPDATE SET marked_at = pg_catalog.now()
$$;

CREATE FUNCTION kigen.schedule_mark_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF TG_TABLE_NAME = 'cards' THEN
            -- a card's dates cap the certificates on it, whoever holds them
            PERFORM kigen.schedule_mark(pg_catalog.array_agg(c.resident_id))
            FROM kigen.certificates c JOIN new_rows n ON n.card_id = c.card_id;
        END IF;
        PERFORM kigen.schedule_mark(pg_catalog.array_agg(n.resident_id)) FROM new_rows n;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM kigen.schedule_mark(pg_catalog.array_agg(o.resident_id)) FROM old_rows o;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION kigen.schedule_mark_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM kigen.schedule_mark(ARRAY[0::bigint]);
    RETURN NULL;
END
$$;

CREATE TRIGGER residents_schedule_ins AFTER INSERT ON kigen.residents
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER residents_schedule_upd AFTER UPDATE ON kigen.residents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER residents_schedule_del AFTER DELETE ON kigen.residents
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER residents_schedule_trunc AFTER TRUNCATE ON kigen.residents
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_all();

CREATE TRIGGER cards_schedule_ins AFTER INSERT ON kigen.cards
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER cards_schedule_upd AFTER UPDATE ON kigen.cards
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER cards_schedule_del AFTER DELETE ON kigen.cards
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER cards_schedule_trunc AFTER TRUNCATE ON kigen.cards
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_all();

CREATE TRIGGER certificates_schedule_ins AFTER INSERT ON kigen.certificates
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER certificates_schedule_upd AFTER UPDATE ON kigen.certificates
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER certificates_schedule_del AFTER DELETE ON kigen.certificates
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER certificates_schedule_trunc AFTER TRUNCATE ON kigen.certificates
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_all();

CREATE TRIGGER moves_schedule_ins AFTER INSERT ON kigen.moves
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER moves_schedule_upd AFTER UPDATE ON kigen.moves
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER moves_schedule_del AFTER DELETE ON kigen.moves
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER moves_schedule_trunc AFTER TRUNCATE ON kigen.moves
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_all();

CREATE TRIGGER changes_schedule_ins AFTER INSERT ON kigen.changes
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER changes_schedule_upd AFTER UPDATE ON kigen.changes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER changes_schedule_del AFTER DELETE ON kigen.changes
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_rows();
CREATE TRIGGER changes_schedule_trunc AFTER TRUNCATE ON kigen.changes
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.schedule_mark_all();

-- Existing data: everything is stale until the first refresh.
SELECT kigen.schedule_mark(ARRAY[0::bigint]);
