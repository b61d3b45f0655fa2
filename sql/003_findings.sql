-- 003_findings.sql: audit findings of a run that are not exclusions (docs/rules.md E7: a
-- certificate whose own recorded expiry differs from the one kigen computes).
CREATE TABLE kigen.findings (
    run_id bigint NOT NULL REFERENCES kigen.runs,
    certificate_id bigint NOT NULL REFERENCES kigen.certificates,
    resident_id bigint NOT NULL REFERENCES kigen.residents,
    kind text NOT NULL CHECK (kind IN ('recorded_mismatch')),
    detail text NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, certificate_id, kind)
);
