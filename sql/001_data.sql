-- 001_data.sql: what the resident-register extracts load into (docs/formats.md, CSV extract).
-- Constraints hold what a row alone can be wrong about; cross-field date consistency
-- (issue before birth, card ending before issue...) is NOT enforced here: such rows load
-- and the nightly run reports them as bad_data, so that nobody disappears between the
-- extract and the audit. (The schema `kigen` itself is created by the migration runner.)

CREATE TABLE kigen.offices (
    office_code text PRIMARY KEY CHECK (office_code ~ '^[0-9A-Za-z_-]{1,16}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    postal_code text CHECK (postal_code ~ '^[0-9]{7}$'),
    address text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
    phone text NOT NULL DEFAULT '' CHECK (length(phone) <= 32),
    hours text NOT NULL DEFAULT '' CHECK (length(hours) <= 200)
);

CREATE TABLE kigen.residents (
    resident_id bigint PRIMARY KEY CHECK (resident_id > 0),
    office_code text CHECK (office_code ~ '^[0-9A-Za-z_-]{1,16}$'),
    family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 50),
    given_name text NOT NULL DEFAULT '' CHECK (length(given_name) <= 50),
    family_kana text NOT NULL DEFAULT '' CHECK (length(family_kana) <= 100),
    given_kana text NOT NULL DEFAULT '' CHECK (length(given_kana) <= 100),
    birth_date date,                      -- NULL: missing in the extract (bad_data at run)
    sex smallint NOT NULL CHECK (sex IN (0, 1, 2, 9)),   -- JIS X 0303
    postal_code text CHECK (postal_code ~ '^[0-9]{7}$'), -- NULL: undeliverable at run
    address text CHECK (length(address) <= 200),         -- prefecture to town
    banchi text CHECK (length(banchi) <= 100),           -- block and house numbers
    address2 text CHECK (length(address2) <= 100),       -- building and room (方書)
    status text NOT NULL CHECK (status IN ('current', 'removed')),
    removed_on date,
    stay_expires date,                    -- end of the period of stay (E4)
    adult_ward boolean NOT NULL DEFAULT false,
    lives_elsewhere boolean NOT NULL DEFAULT false
);
CREATE INDEX residents_office_idx ON kigen.residents (office_code);

CREATE TABLE kigen.cards (
    card_id bigint PRIMARY KEY CHECK (card_id > 0),
    resident_id bigint NOT NULL REFERENCES kigen.residents,
    issued_on date NOT NULL,
    expires_on date NOT NULL,
    revoked_on date
);
CREATE INDEX cards_resident_idx ON kigen.cards (resident_id);

CREATE TABLE kigen.certificates (
    certificate_id bigint PRIMARY KEY CHECK (certificate_id > 0),
    resident_id bigint NOT NULL REFERENCES kigen.residents,
    card_id bigint REFERENCES kigen.cards,    -- NULL for juki (住基カード) certificates
    type text NOT NULL CHECK (type IN ('sign', 'auth', 'juki')),
    issued_on date NOT NULL,
    revoked_on date,
    expires_on date                           -- the certificate's own expiry (E7)
);
CREATE INDEX certificates_resident_idx ON kigen.certificates (resident_id);
CREATE INDEX certificates_card_idx ON kigen.certificates (card_id);

CREATE TABLE kigen.moves (
    resident_id bigint NOT NULL REFERENCES kigen.residents,
    moved_on date NOT NULL,
    kind text NOT NULL CHECK (kind IN ('in', 'within', 'out')),
    PRIMARY KEY (resident_id, moved_on, kind)
);

CREATE TABLE kigen.changes (
    resident_id bigint NOT NULL REFERENCES kigen.residents,
    changed_on date NOT NULL,
    field text NOT NULL CHECK (field IN ('name', 'address', 'birth_date', 'sex')),
    PRIMARY KEY (resident_id, changed_on, field)
);

CREATE TABLE kigen.proxy_requests (
    request_id bigint PRIMARY KEY CHECK (request_id > 0),
    resident_id bigint NOT NULL REFERENCES kigen.residents,
    kind text NOT NULL CHECK (kind IN ('issue', 'renew', 'pin_reset', 'unlock')),
    received_on date NOT NULL,
    proxy_name text NOT NULL CHECK (length(proxy_name) BETWEEN 1 AND 100)
);
CREATE INDEX proxy_requests_resident_idx ON kigen.proxy_requests (resident_id);
