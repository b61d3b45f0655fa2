-- 002_ledger.sql: the run bookkeeping of the nightly run (docs/rules.md N3, N4).
-- A certificate appears in notice_certificates at most once, ever (N3): the UNIQUE
-- constraint is the proof the domain asks for. Exclusions are per run: a certificate
-- that stays excluded is recorded again on the next run with its then reason.
CREATE TABLE kigen.runs (
    run_id bigserial PRIMARY KEY,
    run_date date NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status text NOT NULL CHECK (status IN ('running', 'recorded', 'done', 'failed')),
    software_version text NOT NULL,
    config jsonb NOT NULL,
    counts jsonb
);
CREATE INDEX runs_date_idx ON kigen.runs (run_date);

CREATE TABLE kigen.notices (
    notice_no text PRIMARY KEY,
    run_id bigint NOT NULL REFERENCES kigen.runs,
    run_date date NOT NULL,
    resident_id bigint NOT NULL REFERENCES kigen.residents,
    office_code text,
    file text,
    page integer CHECK (page > 0),
    UNIQUE (run_date, resident_id)
);
CREATE INDEX notices_run_idx ON kigen.notices (run_id);

CREATE TABLE kigen.notice_certificates (
    certificate_id bigint PRIMARY KEY REFERENCES kigen.certificates,  -- N3: once, ever
    notice_no text NOT NULL REFERENCES kigen.notices,
    expiry date NOT NULL,
    window_open date NOT NULL,
    cause text NOT NULL
        CHECK (cause IN ('birthday', 'card', 'auth_cert', 'stay_period', 'recorded', 'term'))
);
CREATE INDEX notice_certificates_notice_idx ON kigen.notice_certificates (notice_no);

CREATE TABLE kigen.exclusions (
    run_id bigint NOT NULL REFERENCES kigen.runs,
    certificate_id bigint NOT NULL REFERENCES kigen.certificates,
    resident_id bigint NOT NULL REFERENCES kigen.residents,
    expiry date,
    reason text NOT NULL CHECK (reason IN ('bad_data', 'not_resident', 'card_invalid',
        'revoked', 'sign_void_change', 'renewed', 'sign_not_allowed', 'stay_period',
        'lives_elsewhere', 'recent_mover', 'undeliverable', 'glyph_missing')),
    detail text NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, certificate_id)
);
