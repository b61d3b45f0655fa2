-- 005_forecast.sql: the renewal-load forecast of each week, computed once and kept
-- (docs/decisions.md D48-D49; batch/run/forecast_cache.c).
--
-- A forecast's weeks start on the first Monday after its as-of date (D41), so the one
-- computed by the first run of a week (Monday to Sunday) serves every later run of that
-- week: the nightly run reads the whole city for it once a week, not every night. A
-- forecast depends on the run date, the data, the rule readings (W1/W2 windows, the 29
-- February reading: the expiries and windows), the take-up and kigen's version; not on
-- the lead days, the mover months or the notice template, which decide notices only. It
-- is computed by the C rule module (forecast_scan), never by SQL, and is never
-- recomputed once written: rows are written in one transaction and then only read.
-- run_forecasts remembers which forecast each run's workbook used, so that re-running a
-- date rewrites the same audit.xlsx even after a load, a new configuration or version.

CREATE TABLE kigen.forecasts (
    forecast_id bigserial PRIMARY KEY,
    first_week date NOT NULL CHECK (extract(isodow FROM first_week) = 1),
    as_of date NOT NULL,                        -- certificates valid on this day count
    software_version text NOT NULL,
    rules jsonb NOT NULL,                       -- {"window": "w1", "feb29": "feb28"}
    take_up double precision NOT NULL CHECK (take_up >= 0 AND take_up <= 1),
    computed_at timestamptz NOT NULL DEFAULT now(),
    CHECK (first_week - as_of BETWEEN 1 AND 7), -- the Monday after as_of (D41)
    UNIQUE (first_week, software_version, rules, take_up)
);

-- Expected visits per office and week (week 0 starts on first_week). certificates is the
-- office's number of valid certificates behind them (the same on its 26 rows). '' is the
-- office of residents without one.
CREATE TABLE kigen.forecast_weeks (
    forecast_id bigint NOT NULL REFERENCES kigen.forecasts ON DELETE CASCADE,
    office_code text NOT NULL,
    week smallint NOT NULL CHECK (week BETWEEN 0 AND 25),
    visits double precision NOT NULL,
    certificates bigint NOT NULL,
    PRIMARY KEY (forecast_id, office_code, week)
);

CREATE TABLE kigen.run_forecasts (
    run_id bigint PRIMARY KEY REFERENCES kigen.runs,
    forecast_id bigint NOT NULL REFERENCES kigen.forecasts
);
CREATE INDEX run_forecasts_forecast_idx ON kigen.run_forecasts (forecast_id);
