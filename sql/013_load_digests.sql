-- 013_load_digests.sql - what the last `kigen load` loaded, so that the next load of a
-- whole register sends the server only the rows that are new or changed (D92).
--
-- One row per extract file: a 64-bit keyed digest (SipHash-2-4 under hash_key) of each
-- row the load put into the database or found there unchanged, in the file's order. A row
-- of tonight's file whose digest is among them is in the database as it is in the file,
-- and is not sent again. Rows the load refused are not listed. `format` is the loader's
-- (batch/load/load_digest.h); digests of another format, or of another encoding, are not
-- used.
--
-- The digests describe the data tables as the load left them: any other write to those
-- tables (a DBA's UPDATE, `kigen sample`, a restore with COPY) forgets them all, through
-- the statement triggers below, and the next load compares nothing (a full upsert). The
-- load itself says it is the load with the transaction-local setting kigen.load. The
-- run's fill of residents.order_key (sql/011) updates no extract column and keeps them.
-- This migration depends on no other after 011.

CREATE TABLE kigen.load_digests (
    file text PRIMARY KEY,         -- residents.csv, cards.csv, ...
    format integer NOT NULL,       -- LOAD_DIGEST_FORMAT of the loader that wrote them
    cp932 boolean NOT NULL,        -- the extract's encoding (--encoding cp932)
    hash_key bytea NOT NULL CHECK (length(hash_key) = 16),
    digests bytea NOT NULL,        -- 8 bytes per loaded row, little-endian, file order
    row_count bigint NOT NULL CHECK (row_count * 8 = length(digests))
);
-- random bytes: compression would only cost time
ALTER TABLE kigen.load_digests ALTER COLUMN digests SET STORAGE EXTERNAL;

CREATE FUNCTION kigen.load_digests_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_catalog.current_setting('kigen.load', true) IS DISTINCT FROM 'on' THEN
        DELETE FROM kigen.load_digests;
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    data_table text;
BEGIN
    FOREACH data_table IN ARRAY ARRAY['offices', 'residents', 'cards', 'certificates', 'moves',
                                      'changes', 'proxy_requests'] LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT OR DELETE OR TRUNCATE ON '
                                  'kigen.%I FOR EACH STATEMENT EXECUTE FUNCTION '
                                  'kigen.load_digests_forget()',
                                  data_table || '_load_digests', data_table);
    END LOOP;
END
$$;

-- updates: of the extract's columns only (residents.order_key is the run's)
CREATE TRIGGER offices_load_digests_upd AFTER UPDATE ON kigen.offices
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.load_digests_forget();
CREATE TRIGGER residents_load_digests_upd AFTER UPDATE OF resident_id, office_code,
    family_name, given_name, family_kana, given_kana, birth_date, sex, postal_code, address,
    banchi, address2, status, removed_on, stay_expires, adult_ward, lives_elsewhere
    ON kigen.residents FOR EACH STATEMENT EXECUTE FUNCTION kigen.load_digests_forget();
CREATE TRIGGER cards_load_digests_upd AFTER UPDATE ON kigen.cards
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.load_digests_forget();
CREATE TRIGGER certificates_load_digests_upd AFTER UPDATE ON kigen.certificates
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.load_digests_forget();
CREATE TRIGGER moves_load_digests_upd AFTER UPDATE ON kigen.moves
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.load_digests_forget();
CREATE TRIGGER changes_load_digests_upd AFTER UPDATE ON kigen.changes
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.load_digests_forget();
CREATE TRIGGER proxy_requests_load_digests_upd AFTER UPDATE ON kigen.proxy_requests
    FOR EACH STATEMENT EXECUTE FUNCTION kigen.load_digests_forget();
