/*
 * scan.c - the COPY query of the nightly run and its row parser (see scan.h).
 *
 * Certificates travel as one text field per resident, "id,card,type,issued,revoked,
 * recorded,card_issued,card_expires,card_revoked,noticed,settled" joined with ';' (ids, dates
 * and enumerations only: nothing that needs quoting); moves as "date,kind;...", changes
 * as "date,field;...", the return in force of the resident's latest returned notice as
 * "notice_no,run_date,returned_on,reason,address_same" (D90). Text columns are only
 * checked for printable characters.
 */
#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glyph.h"
#include "../common/i18n.h"

#define FIELD_COUNT 19

/* The residents to read, in pg_temp.scan_residents (filled by scan_prepare_*). The lists
 * are aggregated for those residents only: a semi-join the planner turns into index
 * lookups for a night's few thousand, and into hash joins for a whole city. */
#define SCAN_SET "(SELECT s.resident_id FROM pg_temp.scan_residents s)"

#define SCAN_SQL                                                                                   \
    "WITH cert_lists AS (SELECT c.resident_id, string_agg(c.certificate_id || ',' || "             \
    "coalesce(c.card_id, 0) || ',' || c.type || ',' || c.issued_on || ',' || "                     \
    "coalesce(c.revoked_on::text, '') || ',' || coalesce(c.expires_on::text, '') || ',' || "       \
    "coalesce(k.issued_on::text, '') || ',' || coalesce(k.expires_on::text, '') || ',' || "        \
    "coalesce(k.revoked_on::text, '') || ',' || (n.certificate_id IS NOT NULL)::int || ',' || "    \
    "(coalesce(cs.settled, false) AND NOT EXISTS (SELECT 1 FROM kigen.schedule_stale t "           \
    "WHERE t.resident_id IN (c.resident_id, 0)))::int, ';' "                                       \
    "ORDER BY c.issued_on, c.certificate_id) AS certs FROM kigen.certificates c "                  \
    "LEFT JOIN kigen.cards k ON k.card_id = c.card_id LEFT JOIN kigen.notice_certificates n "      \
    "ON n.certificate_id = c.certificate_id LEFT JOIN kigen.cert_schedule cs "                     \
    "ON cs.certificate_id = c.certificate_id WHERE c.resident_id IN " SCAN_SET                     \
    " GROUP BY c.resident_id), "                                                                   \
    "move_lists AS (SELECT m.resident_id, string_agg(m.moved_on || ',' || m.kind, ';' "            \
    "ORDER BY m.moved_on, m.kind) AS moves FROM kigen.moves m WHERE m.resident_id IN " SCAN_SET    \
    " GROUP BY m.resident_id), "                                                                   \
    "change_lists AS (SELECT h.resident_id, string_agg(h.changed_on || ',' || h.field, ';' "       \
    "ORDER BY h.changed_on, h.field) AS changes FROM kigen.changes h WHERE h.resident_id "         \
    "IN " SCAN_SET " GROUP BY h.resident_id), "                                                    \
    "return_lists AS (SELECT DISTINCT ON (v.resident_id) v.resident_id, v.notice_no || ',' || "    \
    "v.run_date || ',' || v.returned_on || ',' || v.reason || ',' || "                             \
    "kigen.return_address_same(v.resident_id, v.notice_no, v.address_key)::int AS returned "       \
    "FROM kigen.notice_returns v WHERE v.resident_id IN " SCAN_SET                                 \
    " ORDER BY v.resident_id, v.event_id DESC) "                                                   \
    "SELECT r.resident_id, r.birth_date, r.status, r.removed_on, r.stay_expires, "                 \
    "r.adult_ward::int, r.lives_elsewhere::int, r.office_code, r.postal_code, "                    \
    "(coalesce(r.address, '') <> '')::int, r.family_name, r.given_name, r.address, r.banchi, "     \
    "r.address2, cl.certs, ml.moves, hl.changes, rl.returned "                                     \
    "FROM kigen.residents r JOIN cert_lists cl ON cl.resident_id = r.resident_id "                 \
    "LEFT JOIN move_lists ml ON ml.resident_id = r.resident_id "                                   \
    "LEFT JOIN change_lists hl ON hl.resident_id = r.resident_id "                                 \
    "LEFT JOIN return_lists rl ON rl.resident_id = r.resident_id"

static const char scan_sql[] = SCAN_SQL;

/* The run's order: the print order of notices (D52, D83: within an address, the address
 * number key that order_key_refresh computed, so 7-8 before 39-40), office first, so that the
 * ledger numbers each notice as it comes (ledger.h). Byte-wise ("C") on every server. One key, the
 * fields joined by \x01: the loader refuses control characters, so every byte of a field is above
 * the separator and the joined key sorts exactly as the fields one after the other would, at a
 * fraction of the cost (a whole city: 0.7 s instead of 7 s). */
static const char scan_print_order_sql[] =
    SCAN_SQL " ORDER BY (coalesce(r.office_code, '') || E'\\x01' || coalesce(r.postal_code, '') "
             "|| E'\\x01' || coalesce(r.address, '') || E'\\x01' || coalesce(r.order_key, '') || "
             "E'\\x01' || coalesce(r.banchi, '') || "
             "E'\\x01' || coalesce(r.address2, '')) COLLATE \"C\", r.resident_id";

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static const char scan_set_create_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS scan_residents (resident_id bigint PRIMARY KEY); "
    "TRUNCATE pg_temp.scan_residents";

/* $1 run date, $2 lead days. A certificate can be due on D only when its window opens by
 * D + lead and it expires on or after D; the schedule's span is at most
 * SELECT_SCHEDULE_MAX_SPAN days, which bounds due_from from below for the index. A settled
 * certificate (noticed, or excluded for good: D28) needs no reading for its own sake.
 * Bad data, issues after D (asked of the certificates: D101) and stale residents are read
 * whatever their dates. Resident 0
 * in the stale list (after a TRUNCATE, or before the first refresh) means the whole city:
 * scan_prepare_due asks first and then fills with scan_all_fill_sql instead, so that the
 * planner never sizes this statement's hash for a million residents. */
static const char scan_due_fill_sql[] =
    "INSERT INTO pg_temp.scan_residents (resident_id) "
    "SELECT s.resident_id FROM kigen.cert_schedule s WHERE s.always "
    "UNION SELECT c.resident_id FROM kigen.certificates c WHERE c.issued_on > $1::date "
    "UNION SELECT s.resident_id FROM kigen.cert_schedule s WHERE NOT s.settled AND NOT s.always "
    "AND s.due_from BETWEEN $1::date - " STRINGIFY(
        SELECT_SCHEDULE_MAX_SPAN) " AND "
                                  "$1::date + $2::int AND s.due_until >= $1::date "
                                  "UNION SELECT t.resident_id FROM kigen.schedule_stale t WHERE "
                                  "t.resident_id <> 0";

const char *scan_select_sql(void)
{
    return scan_print_order_sql;
}

const char *scan_set_create_sql_text(void)
{
    return scan_set_create_sql;
}

const char *scan_due_fill_sql_text(void)
{
    return scan_due_fill_sql;
}

/* ANALYZE gives the planner the set's real size (index lookups or hash joins). */
static kg_err analyze_set(db_conn *conn, long *count, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_exec(conn, "ANALYZE pg_temp.scan_residents", errbuf);
    if (err == KG_OK)
        err =
            db_query(conn, "SELECT count(*) FROM pg_temp.scan_residents", 0, NULL, errbuf, &result);
    if (err == KG_OK)
        *count = strtol(db_result_value(result, 0, 0), NULL, 10);
    db_result_free(result);
    return err;
}

static const char scan_all_fill_sql[] =
    "INSERT INTO pg_temp.scan_residents (resident_id) SELECT resident_id FROM kigen.residents";

kg_err scan_prepare_due(db_conn *conn, kdate run_date, int lead_days, bool whole_city, long *count,
                        kg_errbuf *errbuf)
{
    char date[KDATE_ISO_LEN + 1], lead[16];
    kdate_format(run_date, date);
    snprintf(lead, sizeof(lead), "%d", lead_days);
    const char *params[] = {date, lead};
    db_result *result = NULL;
    kg_err err = db_exec(conn, scan_set_create_sql, errbuf);
    if (err == KG_OK && !whole_city)
        err = db_query(conn,
                       "SELECT EXISTS (SELECT 1 FROM kigen.schedule_stale WHERE resident_id = 0)",
                       0, NULL, errbuf, &result);
    if (err == KG_OK && !whole_city)
        whole_city = db_result_value(result, 0, 0)[0] == 't';
    db_result_free(result);
    if (err == KG_OK && whole_city)
        err = db_exec(conn, scan_all_fill_sql, errbuf);
    else if (err == KG_OK)
        err = db_query(conn, scan_due_fill_sql, 2, params, errbuf, NULL);
    if (err == KG_OK)
        err = analyze_set(conn, count, errbuf);
    return err;
}

kg_err scan_prepare_stale(db_conn *conn, long *count, bool *whole_city, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_exec(conn, scan_set_create_sql, errbuf);
    if (err == KG_OK)
        err = db_exec(conn,
                      "WITH gone AS (DELETE FROM kigen.schedule_stale RETURNING resident_id) "
                      "INSERT INTO pg_temp.scan_residents (resident_id) "
                      "SELECT resident_id FROM gone",
                      errbuf);
    if (err == KG_OK)
        err = db_query(conn,
                       "SELECT EXISTS (SELECT 1 FROM pg_temp.scan_residents "
                       "WHERE resident_id = 0)",
                       0, NULL, errbuf, &result);
    if (err == KG_OK) {
        *whole_city = db_result_value(result, 0, 0)[0] == 't';
        if (*whole_city)
            err = db_exec(conn,
                          "TRUNCATE pg_temp.scan_residents; " /* then scan_all_fill_sql */
                          "INSERT INTO pg_temp.scan_residents (resident_id) "
                          "SELECT resident_id FROM kigen.residents",
                          errbuf);
    }
    db_result_free(result);
    if (err == KG_OK)
        err = analyze_set(conn, count, errbuf);
    return err;
}

kg_err scan_begin(db_conn *conn, bool print_order, kg_errbuf *errbuf)
{
    char copy_sql[sizeof(scan_print_order_sql) + 64];
    snprintf(copy_sql, sizeof(copy_sql), "COPY (%s) TO STDOUT",
             print_order ? scan_print_order_sql : scan_sql);
    return db_copy_out_begin(conn, copy_sql, errbuf);
}

typedef struct text_span {
    const char *text;
    size_t len;
} text_span;

static bool is_null(text_span span)
{
    return span.len == 2 && span.text[0] == '\\' && span.text[1] == 'N';
}

/* A date field; empty or \N is KDATE_NONE. */
static bool parse_date(text_span span, kdate *out)
{
    if (span.len == 0 || is_null(span)) {
        *out = KDATE_NONE;
        return true;
    }
    return kdate_parse(span.text, span.len, out) == KG_OK;
}

static bool parse_id(text_span span, long long *out)
{
    if (span.len == 0 || span.len > 18)
        return false;
    long long value = 0;
    for (size_t idx = 0; idx < span.len; idx++) {
        if (span.text[idx] < '0' || span.text[idx] > '9')
            return false;
        value = value * 10 + (span.text[idx] - '0');
    }
    *out = value;
    return true;
}

static bool span_is(text_span span, const char *word)
{
    return strlen(word) == span.len && memcmp(span.text, word, span.len) == 0;
}

/* Splits span at `sep` into at most max parts; returns the number of parts. */
static size_t split(text_span span, char sep, text_span *parts, size_t max)
{
    size_t count = 0;
    const char *start = span.text, *end = span.text + span.len;
    while (count < max) {
        const char *stop = memchr(start, sep, (size_t)(end - start));
        if (stop == NULL)
            stop = end;
        parts[count].text = start;
        parts[count].len = (size_t)(stop - start);
        count++;
        if (stop == end)
            break;
        start = stop + 1;
    }
    return count;
}

static bool parse_cert(text_span span, select_cert *cert)
{
    text_span parts[11];
    if (split(span, ',', parts, 11) != 11)
        return false;
    if (parts[9].len != 1 || parts[10].len != 1)
        return false;
    cert->noticed = parts[9].text[0] == '1';
    cert->settled = parts[10].text[0] == '1';
    return parse_id(parts[0], &cert->certificate_id) && parse_id(parts[1], &cert->card_id) &&
           rules_cert_type_parse(parts[2].text, parts[2].len, &cert->type) == KG_OK &&
           parse_date(parts[3], &cert->issued_on) && parse_date(parts[4], &cert->revoked_on) &&
           parse_date(parts[5], &cert->recorded_expiry) &&
           parse_date(parts[6], &cert->card_issued_on) &&
           parse_date(parts[7], &cert->card_expires) &&
           parse_date(parts[8], &cert->card_revoked_on);
}

static bool parse_certs(text_span span, scan_resident *out)
{
    out->res.cert_count = 0;
    if (span.len == 0 || is_null(span))
        return true;
    text_span items[SELECT_MAX_CERTS + 1];
    size_t count = split(span, ';', items, SELECT_MAX_CERTS + 1);
    if (count > SELECT_MAX_CERTS)
        return false;
    for (size_t idx = 0; idx < count; idx++)
        if (!parse_cert(items[idx], &out->certs[idx]))
            return false;
    out->res.cert_count = count;
    return true;
}

static bool parse_events(text_span span, scan_resident *out, bool moves)
{
    size_t *count = moves ? &out->res.move_count : &out->res.change_count;
    *count = 0;
    if (span.len == 0 || is_null(span))
        return true;
    text_span items[SCAN_MAX_EVENTS];
    size_t total = split(span, ';', items, SCAN_MAX_EVENTS);
    for (size_t idx = 0; idx < total; idx++) {
        text_span parts[2];
        kdate day;
        if (split(items[idx], ',', parts, 2) != 2 || !parse_date(parts[0], &day))
            return false;
        if (moves) {
            out->moves[idx].moved_on = day;
            if (!select_move_kind_parse(parts[1].text, parts[1].len, &out->moves[idx].kind))
                return false;
        } else {
            out->changes[idx].changed_on = day;
            if (!select_change_field_parse(parts[1].text, parts[1].len, &out->changes[idx].field))
                return false;
        }
    }
    *count = total;
    return true;
}

/* The return in force (D90), or none for an empty field. */
static bool parse_return(text_span span, scan_resident *out)
{
    out->res.returned = NULL;
    if (span.len == 0 || is_null(span))
        return true;
    text_span parts[5];
    select_return *ret = &out->returned;
    if (split(span, ',', parts, 5) != 5 || parts[0].len >= sizeof(ret->notice_no) ||
        parts[3].len >= sizeof(ret->reason) || parts[4].len != 1 ||
        !parse_date(parts[1], &ret->notice_run_date) || !parse_date(parts[2], &ret->returned_on))
        return false;
    memcpy(ret->notice_no, parts[0].text, parts[0].len);
    ret->notice_no[parts[0].len] = '\0';
    memcpy(ret->reason, parts[3].text, parts[3].len);
    ret->reason[parts[3].len] = '\0';
    ret->address_same = parts[4].text[0] == '1';
    out->res.returned = ret;
    return true;
}

static void copy_code(text_span span, char *dest, size_t cap)
{
    size_t len = is_null(span) || span.len >= cap ? 0 : span.len;
    memcpy(dest, span.text, len);
    dest[len] = '\0';
}

/* A COPY text field into dest (cap bytes, NUL-terminated): \\N is NULL (empty here),
 * backslash escapes decoded. False when it does not fit (the schema bounds the columns). */
static bool copy_text(text_span span, char *dest, size_t cap)
{
    size_t out = 0;
    if (!is_null(span))
        for (size_t idx = 0; idx < span.len; idx++) {
            char ch = span.text[idx];
            if (ch == '\\' && idx + 1 < span.len) {
                char next = span.text[++idx];
                ch = next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next;
            }
            if (out + 1 >= cap)
                return false;
            dest[out++] = ch;
        }
    dest[out] = '\0';
    return true;
}

static bool copy_names(const text_span *fields, scan_resident *out)
{
    return copy_text(fields[0], out->family_name, sizeof(out->family_name)) &&
           copy_text(fields[1], out->given_name, sizeof(out->given_name)) &&
           copy_text(fields[2], out->address, sizeof(out->address)) &&
           copy_text(fields[3], out->banchi, sizeof(out->banchi)) &&
           copy_text(fields[4], out->address2, sizeof(out->address2));
}

static void check_glyphs(const text_fonts *fonts, scan_resident *out)
{
    const char *const fields[GLYPH_FIELDS] = {out->family_name, out->given_name, out->address,
                                              out->banchi, out->address2};
    out->res.glyph_problem =
        glyph_check_fields(fonts, fields, out->glyph_detail, sizeof(out->glyph_detail))
            ? out->glyph_detail
            : NULL;
}

static bool parse_row(const char *row, size_t len, const text_fonts *fonts, scan_resident *out)
{
    if (len > 0 && row[len - 1] == '\n')
        len--;
    text_span fields[FIELD_COUNT];
    if (split((text_span){row, len}, '\t', fields, FIELD_COUNT) != FIELD_COUNT)
        return false;
    select_resident *res = &out->res;
    memset(res, 0, sizeof(*res));
    res->certs = out->certs;
    res->moves = out->moves;
    res->changes = out->changes;
    if (!parse_id(fields[0], &res->resident_id) || !parse_date(fields[1], &res->birth_date) ||
        !parse_date(fields[3], &res->removed_on) || !parse_date(fields[4], &res->stay_expires))
        return false;
    res->removed = span_is(fields[2], "removed");
    res->adult_ward = span_is(fields[5], "1");
    res->lives_elsewhere = span_is(fields[6], "1");
    copy_code(fields[7], out->office_code, sizeof(out->office_code));
    copy_code(fields[8], out->postal_code, sizeof(out->postal_code));
    res->has_postal_code = out->postal_code[0] != '\0';
    res->has_address = span_is(fields[9], "1");
    if (!copy_names(&fields[10], out))
        return false;
    check_glyphs(fonts, out);
    return parse_certs(fields[15], out) && parse_events(fields[16], out, true) &&
           parse_events(fields[17], out, false) && parse_return(fields[18], out);
}

kg_err scan_next(db_conn *conn, const text_fonts *fonts, scan_resident *out, kg_errbuf *errbuf)
{
    const char *row = NULL;
    size_t len = 0;
    kg_err err = db_copy_out_next(conn, &row, &len, errbuf);
    if (err != KG_OK)
        return err;
    if (!parse_row(row, len, fonts, out)) { /* named by its id alone: the row holds a name (D175) */
        int id_len = 0;
        while (id_len < 19 && (size_t)id_len < len && row[id_len] >= '0' && row[id_len] <= '9')
            id_len++;
        return kg_fail(errbuf, KG_ERR_INTERNAL,
                       _("unable to read resident %.*s in the night's scan: more than %d "
                         "certificates, or a field the scan cannot read"),
                       id_len, row, SELECT_MAX_CERTS);
    }
    return KG_OK;
}
