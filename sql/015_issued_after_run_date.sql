-- 015_issued_after_run_date.sql - "a certificate issued after the run date" is asked of the
-- certificates themselves, not of the schedule (D101).
--
-- The nightly scan reads every resident with a certificate issued after the run date (bad
-- data on that date, sql/004). It asked kigen.cert_schedule through an index on its
-- issued_on, which each settled mark (D28, an UPDATE that cannot be HOT) had to extend with
-- an entry for the row's new version: on a city's catch-up night about half of the marks'
-- time. kigen.certificates holds the same dates (the schedule's copy of them differs only
-- for residents whose data changed since their refresh, and the scan reads those anyway, as
-- stale), and nothing but a load writes it.
DROP INDEX kigen.cert_schedule_issued_idx;
CREATE INDEX certificates_issued_idx ON kigen.certificates (issued_on);
