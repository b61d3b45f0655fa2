-- 006_print.sql - what a notice printed, kept with it (issue 5).
--
-- The name and address are copied into the notice when the run records it, so that a
-- re-run of the date, a reprint or an audit shows the letter as it was sent even after
-- the resident's record changes. to_representative: the resident was under 15 on the run
-- date and the notice is addressed to the legal representative; pages: the pages it
-- takes in its print file. file and page (already
-- in 002) are assigned in the same transaction, in print order: office, postal code,
-- address (docs/rules.md section 8).
ALTER TABLE kigen.notices
    ADD COLUMN family_name text,
    ADD COLUMN given_name text,
    ADD COLUMN postal_code text,
    ADD COLUMN address text,
    ADD COLUMN banchi text,
    ADD COLUMN address2 text,
    ADD COLUMN to_representative boolean NOT NULL DEFAULT false,
    ADD COLUMN pages integer NOT NULL DEFAULT 1 CHECK (pages > 0);
CREATE INDEX notices_file_idx ON kigen.notices (run_date, file, page);
