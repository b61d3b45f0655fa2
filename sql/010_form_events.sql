-- 010_form_events.sql - the counter's history of each proxy form (D80).
--
-- Every scan of `kigen forms return` (answered or undeliverable) and every take-back of a
-- scan (`kigen forms return CONTROL_NO --undo`) is one row here: what, for which day the
-- clerk gave (--date), when kigen recorded it, and the clerk's OS user. Nothing is ever
-- updated or deleted (a trigger refuses it): a scan recorded by mistake stays in the
-- history with the undo that took it back. kigen.forms keeps returned_on,
-- undeliverable_on and return_scans as they follow from the scans not taken back, in
-- their order (D60): the first answered scan sets returned_on; an undeliverable scan sets
-- undeliverable_on when the form had neither; every scan counts.

CREATE TABLE kigen.form_events (
    event_id bigserial PRIMARY KEY,
    control_no text NOT NULL REFERENCES kigen.forms,
    action text NOT NULL CHECK (action IN ('returned', 'undeliverable', 'undo')),
    day date NOT NULL,                      -- the day the clerk gave (--date, default today)
    recorded_at timestamptz DEFAULT now(),  -- when kigen recorded it; NULL: before this table
    os_user text,                           -- the clerk's OS user; NULL: before this table
    undoes bigint UNIQUE REFERENCES kigen.form_events, -- an undo: the scan it takes back
    CHECK ((action = 'undo') = (undoes IS NOT NULL))
);
CREATE INDEX form_events_form_idx ON kigen.form_events (control_no, event_id);

CREATE FUNCTION kigen.form_events_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kigen.form_events keeps the counter''s history: rows are never changed '
        'or deleted (take a scan back with kigen forms return --undo)';
END;
$$;
CREATE TRIGGER form_events_keep BEFORE UPDATE OR DELETE ON kigen.form_events
    FOR EACH ROW EXECUTE FUNCTION kigen.form_events_keep();

-- The scans recorded before this table, as they can be told from the forms: the
-- undeliverable scan first, then the answered one, then the repeats (kind and day of the
-- later of the two), so that the fold above gives each form its state as it is. Their
-- time and clerk are unknown (NULL).
INSERT INTO kigen.form_events (control_no, action, day, recorded_at, os_user)
SELECT control_no, 'undeliverable', undeliverable_on, NULL, NULL FROM kigen.forms
WHERE undeliverable_on IS NOT NULL AND return_scans > 0 ORDER BY control_no;

INSERT INTO kigen.form_events (control_no, action, day, recorded_at, os_user)
SELECT control_no, 'returned', returned_on, NULL, NULL FROM kigen.forms
WHERE returned_on IS NOT NULL AND return_scans > 0 ORDER BY control_no;

INSERT INTO kigen.form_events (control_no, action, day, recorded_at, os_user)
SELECT f.control_no, CASE WHEN f.returned_on IS NOT NULL THEN 'returned' ELSE 'undeliverable' END,
    coalesce(f.returned_on, f.undeliverable_on), NULL, NULL
FROM kigen.forms f CROSS JOIN LATERAL generate_series(1, f.return_scans
    - (f.returned_on IS NOT NULL)::int - (f.undeliverable_on IS NOT NULL)::int) AS repeat
WHERE f.return_scans > 0 AND coalesce(f.returned_on, f.undeliverable_on) IS NOT NULL
ORDER BY f.control_no;
