-- 007_forms.sql - proxy inquiry forms (照会書兼回答書, docs/rules.md section 5; issue 6).
--
-- Two kinds of form, both in kigen.forms with their control number (照会番号):
--   enclosed: the second page of every notice (5a), tied to its notice, valid until the
--             earliest expiry of the notice's certificates; the proxy's name is left blank.
--   inquiry:  one per proxy request received at the counter (5b), mailed by 簡易書留,
--             転送不要, in its own print file (forms-<office>-<nnn>.pdf).
-- A form is produced once: a request has at most one form that is not void; a clerk's
-- `kigen forms reissue` voids it and the next run produces a new one (reissue_of).
-- Name and address are copied as printed, like kigen.notices (006). An inquiry that
-- cannot be mailed (holder removed, no address, a character no font has, an address too
-- long for the window) is recorded with its problem and no file: the clerk handles it.

-- The control number: 11 characters of Crockford's base 32 (55 bits from
-- gen_random_uuid(), which PostgreSQL draws from its strong random source) and a Luhn
-- mod 32 check character. Nothing in it derives from the resident: it cannot be guessed.
CREATE FUNCTION kigen.new_control_no() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    raw bytea := uuid_send(gen_random_uuid());
    bits bigint := 0;
    body text := '';
    total int := 0;
    factor int := 2;
    addend int;
    digit int;
BEGIN
    -- bytes 0-5 and 7: 56 random bits (byte 6 holds the UUID version)
    FOR idx IN 0..5 LOOP
        bits := (bits << 8) | get_byte(raw, idx);
    END LOOP;
    bits := (bits << 8) | get_byte(raw, 7);
    FOR idx IN 1..11 LOOP
        body := body || substr(alphabet, (bits & 31)::int + 1, 1);
        bits := bits >> 5;
    END LOOP;
    -- Luhn mod 32 from the right, doubling the rightmost character
    FOR idx IN REVERSE 11..1 LOOP
        digit := strpos(alphabet, substr(body, idx, 1)) - 1;
        addend := factor * digit;
        factor := CASE WHEN factor = 2 THEN 1 ELSE 2 END;
        total := total + addend / 32 + addend % 32;
    END LOOP;
    RETURN body || substr(alphabet, (32 - total % 32) % 32 + 1, 1);
END;
$$;

CREATE TABLE kigen.forms (
    control_no text PRIMARY KEY CHECK (control_no ~ '^[0-9A-HJKMNP-TV-Z]{12}$'),
    kind text NOT NULL CHECK (kind IN ('enclosed', 'inquiry')),
    notice_no text UNIQUE REFERENCES kigen.notices,          -- enclosed
    request_id bigint REFERENCES kigen.proxy_requests,       -- inquiry
    run_id bigint NOT NULL REFERENCES kigen.runs,
    run_date date NOT NULL,
    resident_id bigint NOT NULL REFERENCES kigen.residents,
    office_code text,
    valid_until date,                                         -- enclosed: the notice's expiry
    family_name text NOT NULL,
    given_name text NOT NULL,
    postal_code text,
    address text,
    banchi text,
    address2 text,
    to_representative boolean NOT NULL DEFAULT false,          -- holder under 15 (D53)
    problem text,                                             -- why it cannot be mailed
    file text,
    page integer CHECK (page > 0),
    reissue_of text REFERENCES kigen.forms,
    voided_on date,                                           -- reissued: this one is void
    returned_on date,                                         -- first scan at the counter
    return_scans integer NOT NULL DEFAULT 0,                  -- every scan, the first included
    undeliverable_on date,                                    -- came back from the post office
    CHECK ((kind = 'enclosed') = (notice_no IS NOT NULL)),
    CHECK ((kind = 'inquiry') = (request_id IS NOT NULL))
);
CREATE INDEX forms_run_date_idx ON kigen.forms (run_date, file, page);
CREATE INDEX forms_resident_idx ON kigen.forms (resident_id);
-- the forms of a request, newest first (the one a reissue replaces)
CREATE INDEX forms_request_idx ON kigen.forms (request_id, run_date)
    WHERE request_id IS NOT NULL;
-- one form in force per request
CREATE UNIQUE INDEX forms_request_open_idx ON kigen.forms (request_id)
    WHERE request_id IS NOT NULL AND voided_on IS NULL;
-- `kigen forms status` lists the forms that came back undeliverable
CREATE INDEX forms_undeliverable_idx ON kigen.forms (undeliverable_on)
    WHERE undeliverable_on IS NOT NULL;
