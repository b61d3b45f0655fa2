-- 008_ledger_refs.sql - the ledger names the city's rows by their ids, without foreign keys
-- to the data tables (decision D71).
-- The ledger is the record of what was decided and mailed. It keeps its own copy of what
-- it printed (006), so it must outlive a correction or a purge of the resident data, and it
-- must not cost the data anything: a foreign key check locks the resident and certificate
-- rows it points at (FOR KEY SHARE), and PostgreSQL writes each such lock, with a full image
-- of the page after a checkpoint, to the WAL. On a normal night of a 1,000,000-resident city
-- those locks were half of the WAL the run wrote (6.2 of 12.8 MB), spread over thousands of
-- the city's pages. Keys inside the ledger (notices, forms, runs) stay.
ALTER TABLE kigen.notices DROP CONSTRAINT IF EXISTS notices_resident_id_fkey;
ALTER TABLE kigen.notice_certificates
    DROP CONSTRAINT IF EXISTS notice_certificates_certificate_id_fkey;
ALTER TABLE kigen.exclusions
    DROP CONSTRAINT IF EXISTS exclusions_certificate_id_fkey,
    DROP CONSTRAINT IF EXISTS exclusions_resident_id_fkey;
ALTER TABLE kigen.findings
    DROP CONSTRAINT IF EXISTS findings_certificate_id_fkey,
    DROP CONSTRAINT IF EXISTS findings_resident_id_fkey;
ALTER TABLE kigen.forms
    DROP CONSTRAINT IF EXISTS forms_resident_id_fkey,
    DROP CONSTRAINT IF EXISTS forms_request_id_fkey;
