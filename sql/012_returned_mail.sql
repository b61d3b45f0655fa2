-- 012_returned_mail.sql - notices that the post office brought back (issue 16, D88-D91).
--
-- A notice goes by ordinary mail marked 転送不要: when the resident no longer lives at the
-- address, the post office returns it with a stamp saying why (還付理由). The counter
-- records it with `kigen notices return NOTICE_NO [--date D] [--reason R]`, and takes a
-- return recorded by mistake back with `--undo`. Like kigen.form_events (sql/010), every
-- return and every undo is a row here that is never changed or deleted; a return is in
-- force while no undo names it.
--
-- address_key is the address number key (D83, order_key) of the banchi and address2 that
-- the notice printed, computed by kigen when the return is recorded: with the notice's
-- postal code and address it is what "the same address" compares (D89).
--
-- A return in force keeps the resident's next due certificates from being mailed to the
-- same address (reason `returned_mail`, just before `undeliverable` in N4) until the
-- address changes (D90). Every row marks its resident stale (sql/004), so that the next
-- run decides that resident afresh, also after an undo.

CREATE TABLE kigen.notice_events (
    event_id bigserial PRIMARY KEY,
    notice_no text NOT NULL REFERENCES kigen.notices,
    action text NOT NULL CHECK (action IN ('returned', 'undo')),
    day date NOT NULL,                     -- the day the clerk gave (--date, default today)
    reason text CHECK (reason IN ('unknown_at_address', 'moved_unknown', 'refused',
        'incomplete_address', 'unclaimed', 'other')),
    address_key text,                      -- returned: the notice's address number key (D83)
    recorded_at timestamptz NOT NULL DEFAULT now(),
    os_user text NOT NULL,                 -- the clerk's OS user
    undoes bigint UNIQUE REFERENCES kigen.notice_events, -- an undo: the return it takes back
    CHECK ((action = 'undo') = (undoes IS NOT NULL)),
    CHECK ((action = 'returned') = (reason IS NOT NULL AND address_key IS NOT NULL))
);
CREATE INDEX notice_events_notice_idx ON kigen.notice_events (notice_no, event_id);

CREATE FUNCTION kigen.notice_events_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kigen.notice_events keeps the counter''s history: rows are never changed '
        'or deleted (take a return back with kigen notices return --undo)';
END;
$$;
CREATE TRIGGER notice_events_keep BEFORE UPDATE OR DELETE ON kigen.notice_events
    FOR EACH ROW EXECUTE FUNCTION kigen.notice_events_keep();

-- The resident of the notice is decided afresh by the next run (its outcomes may have been
-- settled, D28, before the return or before its undo).
CREATE FUNCTION kigen.notice_events_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM kigen.schedule_mark(ARRAY(SELECT n.resident_id FROM kigen.notices n
                                      WHERE n.notice_no = NEW.notice_no));
    RETURN NULL;
END;
$$;
CREATE TRIGGER notice_events_mark AFTER INSERT ON kigen.notice_events
    FOR EACH ROW EXECUTE FUNCTION kigen.notice_events_mark();

-- The returns in force: returned and not taken back.
CREATE VIEW kigen.notice_returns AS
SELECT e.event_id, e.notice_no, n.resident_id, n.run_date, e.day AS returned_on, e.reason,
    e.address_key, e.recorded_at, e.os_user
FROM kigen.notice_events e JOIN kigen.notices n ON n.notice_no = e.notice_no
WHERE e.action = 'returned'
    AND NOT EXISTS (SELECT 1 FROM kigen.notice_events u WHERE u.undoes = e.event_id);

-- Whether the resident's address is still the one the notice went to (D89): postal code
-- and address as they are, banchi and address2 by their number key (D83; a key not
-- computed yet, after a load, compares the texts).
CREATE FUNCTION kigen.return_address_same(p_resident bigint, p_notice_no text, p_key text)
RETURNS boolean LANGUAGE sql STABLE AS $$
SELECT coalesce((SELECT r.postal_code IS NOT DISTINCT FROM n.postal_code
        AND coalesce(r.address, '') = coalesce(n.address, '')
        AND CASE WHEN r.order_key IS NULL
            THEN coalesce(r.banchi, '') = coalesce(n.banchi, '')
                AND coalesce(r.address2, '') = coalesce(n.address2, '')
            ELSE r.order_key = p_key END
    FROM kigen.residents r JOIN kigen.notices n ON n.notice_no = p_notice_no
    WHERE r.resident_id = p_resident), false)
$$;

-- What lifts a return on day upto (D90), or NULL while it holds: the resident removed
-- (除票), a move in or within or an address change recorded after the notice's run date
-- and on or before upto, or a current address other than the one the notice printed. The
-- run applies the same rule in C to the residents it reads (select.c,
-- select_return_lifted, with return_address_same from its scan); the notices_db suite
-- holds the two together.
CREATE FUNCTION kigen.return_lifted(p_resident bigint, p_notice_no text, p_key text, p_upto date)
RETURNS text LANGUAGE sql STABLE AS $$
SELECT coalesce(
    (SELECT 'removed from the register (除票)' FROM kigen.residents r
     WHERE r.resident_id = p_resident AND r.status = 'removed'),
    (SELECT 'moved (' || m.kind || ') on ' || m.moved_on FROM kigen.moves m
     JOIN kigen.notices n ON n.notice_no = p_notice_no
     WHERE m.resident_id = p_resident AND m.kind <> 'out' AND m.moved_on > n.run_date
         AND m.moved_on <= p_upto ORDER BY m.moved_on DESC, m.kind LIMIT 1),
    (SELECT 'address changed on ' || h.changed_on FROM kigen.changes h
     JOIN kigen.notices n ON n.notice_no = p_notice_no
     WHERE h.resident_id = p_resident AND h.field = 'address' AND h.changed_on > n.run_date
         AND h.changed_on <= p_upto ORDER BY h.changed_on DESC LIMIT 1),
    CASE WHEN NOT kigen.return_address_same(p_resident, p_notice_no, p_key)
        THEN 'address differs from the one the notice went to' END)
$$;

-- The returns a run saw, as it judged them (D91): the run's workbook lists them from here,
-- so that a return recorded (or an address changed) after the run does not change that
-- run's files (D72). A return is kept while it holds, and once more on the first run that
-- finds it lifted.
CREATE TABLE kigen.run_returns (
    run_id bigint NOT NULL REFERENCES kigen.runs,
    event_id bigint NOT NULL REFERENCES kigen.notice_events,
    lifted text,                          -- NULL: still holds on the run date
    PRIMARY KEY (run_id, event_id)
);
CREATE INDEX run_returns_event_idx ON kigen.run_returns (event_id);

ALTER TABLE kigen.exclusions DROP CONSTRAINT exclusions_reason_check;
ALTER TABLE kigen.exclusions ADD CONSTRAINT exclusions_reason_check CHECK (reason IN (
    'bad_data', 'not_resident', 'card_invalid', 'revoked', 'sign_void_change', 'renewed',
    'sign_not_allowed', 'stay_period', 'lives_elsewhere', 'recent_mover', 'returned_mail',
    'undeliverable', 'glyph_missing'));
