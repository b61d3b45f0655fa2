-- 009_ledger_copy.sql - the ledger keeps everything its outputs print (issue 14, D72).
--
-- The ledger is the record of what was decided and mailed. Every output of a recorded run
-- (notices.csv, excluded.csv, the print files, the registered-mail list, audit.xlsx) is
-- drawn from it alone, so that a re-run after a correction or a purge of the resident data
-- writes the same bytes. Before this migration some outputs still read the live data: the
-- certificate's type, the names of excluded residents, the proxy request of an inquiry and
-- the office's sender block. They are now copied into the ledger when the run records it.
--
-- Rows recorded before this migration are filled from the data as it stands now (what
-- those outputs printed until today); rows whose data is already gone keep NULL, which
-- the outputs show as empty.

ALTER TABLE kigen.notice_certificates
    ADD COLUMN type text CHECK (type IN ('sign', 'auth', 'juki'));

ALTER TABLE kigen.exclusions
    ADD COLUMN type text CHECK (type IN ('sign', 'auth', 'juki')),
    ADD COLUMN family_name text,
    ADD COLUMN given_name text,
    ADD COLUMN office_code text,
    ADD COLUMN postal_code text,
    ADD COLUMN moved_on date,        -- recent_mover: the latest move in or within (N5)
    ADD COLUMN move_kind text CHECK (move_kind IN ('in', 'within'));

ALTER TABLE kigen.forms
    ADD COLUMN request_kind text CHECK (request_kind IN ('issue', 'renew', 'pin_reset', 'unlock')),
    ADD COLUMN proxy_name text,
    ADD COLUMN received_on date;

-- The sender block of each office as the run's letters printed it.
CREATE TABLE kigen.run_offices (
    run_id bigint NOT NULL REFERENCES kigen.runs,
    office_code text NOT NULL,
    name text NOT NULL,
    postal_code text,
    address text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    hours text NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, office_code)
);

-- Purges of personal data past the retention period (kigen purge, D73).
CREATE TABLE kigen.purges (
    purge_id bigserial PRIMARY KEY,
    purged_at timestamptz NOT NULL DEFAULT now(),
    before_date date NOT NULL,            -- run dates before this day were purged
    notices integer NOT NULL,
    exclusions integer NOT NULL,
    forms integer NOT NULL
);
ALTER TABLE kigen.runs ADD COLUMN purged_at timestamptz;

UPDATE kigen.notice_certificates nc SET type = c.type
FROM kigen.certificates c WHERE c.certificate_id = nc.certificate_id AND nc.type IS NULL;

UPDATE kigen.exclusions e SET type = c.type
FROM kigen.certificates c WHERE c.certificate_id = e.certificate_id AND e.type IS NULL;

UPDATE kigen.exclusions e SET family_name = r.family_name, given_name = r.given_name,
    office_code = r.office_code, postal_code = r.postal_code
FROM kigen.residents r WHERE r.resident_id = e.resident_id AND e.family_name IS NULL;

UPDATE kigen.exclusions e SET moved_on = m.moved_on, move_kind = m.kind
FROM (SELECT x.run_id, x.certificate_id, mv.moved_on, mv.kind
      FROM kigen.exclusions x JOIN kigen.runs ru ON ru.run_id = x.run_id
      CROSS JOIN LATERAL (SELECT v.moved_on, v.kind FROM kigen.moves v
          WHERE v.resident_id = x.resident_id AND v.kind <> 'out' AND v.moved_on <= ru.run_date
          ORDER BY v.moved_on DESC, v.kind LIMIT 1) mv
      WHERE x.reason = 'recent_mover') m
WHERE e.run_id = m.run_id AND e.certificate_id = m.certificate_id AND e.moved_on IS NULL;

UPDATE kigen.notices n SET family_name = r.family_name, given_name = r.given_name,
    postal_code = r.postal_code, address = r.address, banchi = r.banchi, address2 = r.address2
FROM kigen.residents r WHERE r.resident_id = n.resident_id AND n.family_name IS NULL;

UPDATE kigen.forms f SET request_kind = q.kind, proxy_name = q.proxy_name,
    received_on = q.received_on
FROM kigen.proxy_requests q WHERE q.request_id = f.request_id AND f.request_kind IS NULL;

INSERT INTO kigen.run_offices (run_id, office_code, name, postal_code, address, phone, hours)
SELECT u.run_id, o.office_code, o.name, o.postal_code, o.address, o.phone, o.hours
FROM (SELECT n.run_id, n.office_code FROM kigen.notices n WHERE n.office_code IS NOT NULL
      UNION SELECT f.run_id, f.office_code FROM kigen.forms f WHERE f.office_code IS NOT NULL) u
JOIN kigen.offices o ON o.office_code = u.office_code;
