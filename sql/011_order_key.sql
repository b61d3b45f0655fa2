-- 011_order_key.sql - the address number key of the print order (D83).
--
-- order_key holds the numbers of banchi and address2 (丁目, 番地, 号, room) as the
-- customer barcode reads them, zero-padded so that a byte-wise sort is a number sort:
-- 3丁目40-7 is '00000003.00000040.00000007'. SQL cannot read them by Japan Post's rules
-- (kanji numerals, full-width digits), so the run computes the key in C
-- (batch/run/order_key.c) for every resident whose key is NULL: every resident after
-- this migration, a new one, and one whose banchi or address2 changed (the trigger below
-- resets the key). The scan and the inquiries' placement sort by office, postal code,
-- address, this key, then banchi and address2 byte-wise.

ALTER TABLE kigen.residents ADD COLUMN order_key text;

CREATE FUNCTION kigen.residents_order_key_reset() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.order_key := NULL;
    RETURN NEW;
END
$$;

CREATE TRIGGER residents_order_key_reset
    BEFORE UPDATE OF banchi, address2 ON kigen.residents FOR EACH ROW
    WHEN (NEW.banchi IS DISTINCT FROM OLD.banchi OR NEW.address2 IS DISTINCT FROM OLD.address2)
    EXECUTE FUNCTION kigen.residents_order_key_reset();

-- The run's fill of order_key changes nothing the schedule reads: it says so with the
-- transaction-local setting kigen.order_key_fill, and the residents' update trigger then
-- marks nobody stale. (Without it, the whole city's keys, filled once after this
-- migration, would recompute the whole city's schedule: 17 s for 200,000 residents.)
CREATE FUNCTION kigen.residents_schedule_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_catalog.current_setting('kigen.order_key_fill', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM kigen.schedule_mark(pg_catalog.array_agg(n.resident_id)) FROM new_rows n;
    PERFORM kigen.schedule_mark(pg_catalog.array_agg(o.resident_id)) FROM old_rows o;
    RETURN NULL;
END
$$;
DROP TRIGGER residents_schedule_upd ON kigen.residents;
CREATE TRIGGER residents_schedule_upd AFTER UPDATE ON kigen.residents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.residents_schedule_mark();

-- The residents still without a key, found every night without reading the city.
CREATE INDEX residents_order_key_missing_idx ON kigen.residents (resident_id)
    WHERE order_key IS NULL;
