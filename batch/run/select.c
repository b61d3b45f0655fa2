/*
 * select.c - per-resident selection of the nightly run (see select.h).
 *
 * Two passes: first the expiry of every certificate (auth and juki before sign, because
 * a sign certificate is capped by its card's latest auth certificate; within a type in
 * issue order, because E1b needs the previous certificate's expiry), then the decision
 * for each certificate in the precedence order of docs/rules.md N4.
 */
#include "select.h"

#include <stdio.h>
#include <string.h>

#include "../common/reasons.h"

#define MIN_AGE_FOR_SIGN 15
#define MIN_AGE_ADDRESSED 15 /* younger: letters go to the legal representative (D53) */

select_config select_config_default(void)
{
    select_config config = {.rules = rules_config_default(),
                            .lead_days = 14,
                            .mover_months = 6,
                            .language = KG_LANG_EN};
    return config;
}

_Static_assert(REASON__COUNT == REASONS_EXCLUSIONS,
               "common/reasons.c must name every select_reason, in N4 order");

const char *select_reason_name(select_reason reason)
{
    if ((unsigned)reason >= REASON__COUNT)
        return "?";
    return reasons_exclusion((int)reason)->code;
}

static const char *const move_kind_names[] = {
    [MOVE_IN] = "in", [MOVE_WITHIN] = "within", [MOVE_OUT] = "out"};
static const char *const change_field_names[] = {[CHANGE_NAME] = "name",
                                                 [CHANGE_ADDRESS] = "address",
                                                 [CHANGE_BIRTH_DATE] = "birth_date",
                                                 [CHANGE_SEX] = "sex"};

/* The index of text in names, or -1. */
static int name_index(const char *const *names, size_t count, const char *text, size_t len)
{
    for (size_t idx = 0; idx < count; idx++)
        if (strlen(names[idx]) == len && memcmp(names[idx], text, len) == 0)
            return (int)idx;
    return -1;
}

bool select_move_kind_parse(const char *text, size_t len, move_kind *out)
{
    int idx = name_index(move_kind_names, sizeof(move_kind_names) / sizeof(move_kind_names[0]),
                         text, len);
    if (idx < 0)
        return false;
    *out = (move_kind)idx;
    return true;
}

bool select_change_field_parse(const char *text, size_t len, change_field *out)
{
    int idx = name_index(change_field_names,
                         sizeof(change_field_names) / sizeof(change_field_names[0]), text, len);
    if (idx < 0)
        return false;
    *out = (change_field)idx;
    return true;
}

/* a issued before b: by issue date, then by id (two certificates of one day). */
static bool issued_before(const select_cert *a, const select_cert *b)
{
    return a->issued_on < b->issued_on ||
           (a->issued_on == b->issued_on && a->certificate_id < b->certificate_id);
}

static bool active_on(kdate revoked_on, kdate day)
{
    return revoked_on == KDATE_NONE || revoked_on > day;
}

/* The latest certificate of `type` issued strictly before day `before` (E1b), or of
 * `type` on `card_id` issued last (E3, before == KDATE_NONE). -1 when there is none. */
static int latest_of(const select_resident *res, cert_type type, long long card_id, kdate before)
{
    int best = -1;
    for (size_t idx = 0; idx < res->cert_count; idx++) {
        const select_cert *cert = &res->certs[idx];
        if (cert->type != type)
            continue;
        if (before != KDATE_NONE && cert->issued_on >= before)
            continue;
        if (card_id != 0 && cert->card_id != card_id)
            continue;
        if (best < 0 || issued_before(&res->certs[best], cert))
            best = (int)idx;
    }
    return best;
}

typedef struct expiry_state {
    bool done;
    kg_err error;
    rules_expiry expiry;
} expiry_state;

/* Computes the expiry of cert idx, recursing into the certificates it depends on. The
 * dependencies always point to an earlier-issued certificate of the same type (E1b) or
 * to an auth certificate from a sign one (E3), so the recursion ends; `depth` guards it. */
static void compute_expiry(const select_resident *res, const select_config *config, kdate run_date,
                           size_t idx, expiry_state *states, int depth)
{
    expiry_state *state = &states[idx];
    if (state->done)
        return;
    state->done = true;
    const select_cert *cert = &res->certs[idx];
    if (depth > (int)SELECT_MAX_CERTS) {
        state->error = KG_ERR_INTERNAL;
        return;
    }
    if (cert->issued_on != KDATE_NONE && cert->issued_on > run_date) {
        state->error = KG_ERR_ISSUED_AFTER_RUN;
        return;
    }
    if (cert->card_id != 0 && cert->card_issued_on != KDATE_NONE &&
        cert->card_expires != KDATE_NONE && cert->card_expires < cert->card_issued_on) {
        state->error = KG_ERR_CARD_DATES;
        return;
    }
    rules_cert input;
    rules_cert_init(&input, cert->type);
    input.birth_date = res->birth_date;
    input.issued_on = cert->issued_on;
    input.card_expires = cert->card_expires;
    input.stay_expires = res->stay_expires;
    input.recorded_expiry = cert->recorded_expiry;
    int prev = latest_of(res, cert->type, 0, cert->issued_on);
    if (prev >= 0 && cert->type != CERT_JUKI) {
        compute_expiry(res, config, run_date, (size_t)prev, states, depth + 1);
        if (states[prev].error != KG_OK) {
            state->error = KG_ERR_LINKED_BAD_DATA;
            return;
        }
        input.prev_expiry = states[prev].expiry.expiry;
    }
    if (cert->type == CERT_SIGN && cert->card_id != 0) {
        int auth = latest_of(res, CERT_AUTH, cert->card_id, KDATE_NONE);
        if (auth >= 0) {
            compute_expiry(res, config, run_date, (size_t)auth, states, depth + 1);
            if (states[auth].error != KG_OK) {
                state->error = KG_ERR_LINKED_BAD_DATA;
                return;
            }
            input.auth_expires = states[auth].expiry.expiry;
        }
    }
    state->error = rules_expiry_of(&input, &config->rules, &state->expiry);
}

/* Each reason test returns true when it applies and writes the detail. */

static bool card_invalid(const select_cert *cert, kdate run_date, kg_language lang, char *detail)
{
    char date[REASONS_DATE_SIZE];
    if (cert->type == CERT_JUKI) {
        snprintf(detail, SELECT_DETAIL_MAX, "%s",
                 reasons_text(lang, N_("juki (住基カード) certificate: renewed by a My Number "
                                       "Card, not by notice")));
        return true;
    }
    if (cert->card_id == 0) {
        snprintf(detail, SELECT_DETAIL_MAX, "%s",
                 reasons_text(lang, N_("no card recorded for the certificate")));
        return true;
    }
    if (!active_on(cert->card_revoked_on, run_date)) {
        snprintf(detail, SELECT_DETAIL_MAX, reasons_text(lang, N_("card revoked on %s")),
                 reasons_date(lang, cert->card_revoked_on, date));
        return true;
    }
    if (cert->card_expires != KDATE_NONE && cert->card_expires < run_date) {
        snprintf(detail, SELECT_DETAIL_MAX, reasons_text(lang, N_("card expired on %s")),
                 reasons_date(lang, cert->card_expires, date));
        return true;
    }
    return false;
}

/* E6: a sign certificate is void from a change of name, address (a move in or within the
 * municipality), birth date or sex after its issue day, up to the run date. */
static bool sign_void_change(const select_resident *res, const select_cert *cert, kdate run_date,
                             kg_language lang, char *detail)
{
    if (cert->type != CERT_SIGN)
        return false;
    char date[REASONS_DATE_SIZE];
    for (size_t idx = 0; idx < res->change_count; idx++) {
        const select_change *change = &res->changes[idx];
        if (change->changed_on > cert->issued_on && change->changed_on <= run_date) {
            const char *day = reasons_date(lang, change->changed_on, date);
            if (change->field == CHANGE_NAME)
                snprintf(detail, SELECT_DETAIL_MAX, reasons_text(lang, N_("name changed on %s")),
                         day);
            else if (change->field == CHANGE_ADDRESS)
                snprintf(detail, SELECT_DETAIL_MAX, reasons_text(lang, N_("address changed on %s")),
                         day);
            else if (change->field == CHANGE_BIRTH_DATE)
                snprintf(detail, SELECT_DETAIL_MAX,
                         reasons_text(lang, N_("birth_date changed on %s")), day);
            else
                snprintf(detail, SELECT_DETAIL_MAX, reasons_text(lang, N_("sex changed on %s")),
                         day);
            return true;
        }
    }
    for (size_t idx = 0; idx < res->move_count; idx++) {
        const select_move *move = &res->moves[idx];
        if (move->kind != MOVE_OUT && move->moved_on > cert->issued_on &&
            move->moved_on <= run_date) {
            snprintf(detail, SELECT_DETAIL_MAX,
                     reasons_text(lang, move->kind == MOVE_IN
                                            ? N_("address changed: moved (in) on %s")
                                            : N_("address changed: moved (within) on %s")),
                     reasons_date(lang, move->moved_on, date));
            return true;
        }
    }
    return false;
}

/* *final: false when the renewing certificate carries a revocation date (still in the
 * future on run_date), after which the old certificate may be due for a notice again. */
static bool renewed(const select_resident *res, const select_cert *cert, kdate run_date,
                    kg_language lang, char *detail, bool *final)
{
    for (size_t idx = 0; idx < res->cert_count; idx++) {
        const select_cert *other = &res->certs[idx];
        if (other->type == cert->type && issued_before(cert, other) &&
            active_on(other->revoked_on, run_date)) {
            char date[REASONS_DATE_SIZE];
            snprintf(detail, SELECT_DETAIL_MAX,
                     reasons_text(lang, N_("renewed by certificate %lld issued on %s")),
                     other->certificate_id, reasons_date(lang, other->issued_on, date));
            *final = other->revoked_on == KDATE_NONE;
            return true;
        }
    }
    return false;
}

static bool sign_not_allowed(const select_resident *res, const select_cert *cert,
                             const select_config *config, char *detail)
{
    if (cert->type != CERT_SIGN)
        return false;
    if (res->adult_ward) {
        snprintf(detail, SELECT_DETAIL_MAX, "%s",
                 reasons_text(config->language, N_("holder is an adult ward (成年被後見人)")));
        return true;
    }
    int age = 0;
    if (rules_age_on(res->birth_date, cert->issued_on, config->rules.feb29, &age) == KG_OK &&
        age < MIN_AGE_FOR_SIGN) {
        snprintf(detail, SELECT_DETAIL_MAX,
                 reasons_text(config->language, N_("holder was %d at issue (under %d)")), age,
                 MIN_AGE_FOR_SIGN);
        return true;
    }
    return false;
}

static bool recent_mover(const select_resident *res, const rules_expiry *expiry,
                         const select_config *config, kdate run_date, char *detail)
{
    kdate window_start;
    if (rules_mover_window_start(expiry->expiry, config->mover_months, &window_start) != KG_OK)
        return false;
    /* the latest qualifying move is the one the clerk needs */
    const select_move *latest = NULL;
    for (size_t idx = 0; idx < res->move_count; idx++) {
        const select_move *move = &res->moves[idx];
        if (move->kind != MOVE_OUT && move->moved_on >= window_start &&
            move->moved_on <= run_date && (latest == NULL || move->moved_on > latest->moved_on))
            latest = move;
    }
    if (latest == NULL)
        return false;
    char moved[REASONS_DATE_SIZE], start[REASONS_DATE_SIZE];
    kg_language lang = config->language;
    snprintf(detail, SELECT_DETAIL_MAX,
             reasons_text(lang, latest->kind == MOVE_IN
                                    ? N_("moved (in) on %s; mover window from %s")
                                    : N_("moved (within) on %s; mover window from %s")),
             reasons_date(lang, latest->moved_on, moved), reasons_date(lang, window_start, start));
    return true;
}

const char *select_return_lifted(const select_resident *res, kdate run_date)
{
    if (res->returned == NULL)
        return NULL;
    kdate mailed = res->returned->notice_run_date;
    for (size_t idx = 0; idx < res->move_count; idx++) {
        const select_move *move = &res->moves[idx];
        if (move->kind != MOVE_OUT && move->moved_on > mailed && move->moved_on <= run_date)
            return "moved";
    }
    for (size_t idx = 0; idx < res->change_count; idx++) {
        const select_change *change = &res->changes[idx];
        if (change->field == CHANGE_ADDRESS && change->changed_on > mailed &&
            change->changed_on <= run_date)
            return "moved";
    }
    return res->returned->address_same ? NULL : "address";
}

/* D90: a notice came back from the address the resident still has. */
static bool returned_mail(const select_resident *res, kdate run_date, kg_language lang,
                          char *detail)
{
    const select_return *ret = res->returned;
    if (ret == NULL || ret->returned_on > run_date || select_return_lifted(res, run_date) != NULL)
        return false;
    char day[REASONS_DATE_SIZE];
    snprintf(detail, SELECT_DETAIL_MAX,
             reasons_text(lang, N_("notice %s returned on %s (%s): not mailed to the same "
                                   "address again")),
             ret->notice_no, reasons_date(lang, ret->returned_on, day), ret->reason);
    return true;
}

/* The first N4 reason that applies to a due certificate, or REASON__COUNT for none. */
static select_reason first_reason(const select_resident *res, const select_cert *cert,
                                  const rules_expiry *expiry, const select_config *config,
                                  kdate run_date, char *detail, bool *final)
{
    char date[REASONS_DATE_SIZE];
    kg_language lang = config->language;
    if (res->removed) {
        if (res->removed_on != KDATE_NONE)
            snprintf(detail, SELECT_DETAIL_MAX,
                     reasons_text(lang, N_("removed from the register (除票) on %s")),
                     reasons_date(lang, res->removed_on, date));
        else
            snprintf(detail, SELECT_DETAIL_MAX, "%s",
                     reasons_text(lang, N_("removed from the register (除票)")));
        return REASON_NOT_RESIDENT;
    }
    if (card_invalid(cert, run_date, lang, detail))
        return REASON_CARD_INVALID;
    if (!active_on(cert->revoked_on, run_date)) {
        snprintf(detail, SELECT_DETAIL_MAX, reasons_text(lang, N_("certificate revoked on %s")),
                 reasons_date(lang, cert->revoked_on, date));
        return REASON_REVOKED;
    }
    if (sign_void_change(res, cert, run_date, lang, detail))
        return REASON_SIGN_VOID_CHANGE;
    if (renewed(res, cert, run_date, lang, detail, final))
        return REASON_RENEWED;
    if (sign_not_allowed(res, cert, config, detail))
        return REASON_SIGN_NOT_ALLOWED;
    if (expiry->cause == CAUSE_STAY_PERIOD) {
        snprintf(detail, SELECT_DETAIL_MAX, reasons_text(lang, N_("period of stay ends on %s")),
                 reasons_date(lang, res->stay_expires, date));
        return REASON_STAY_PERIOD;
    }
    if (res->lives_elsewhere) {
        snprintf(detail, SELECT_DETAIL_MAX, "%s",
                 reasons_text(lang, N_("居所 registered elsewhere: not mailed")));
        return REASON_LIVES_ELSEWHERE;
    }
    if (recent_mover(res, expiry, config, run_date, detail))
        return REASON_RECENT_MOVER;
    if (returned_mail(res, run_date, lang, detail))
        return REASON_RETURNED_MAIL;
    if (!res->has_postal_code || !res->has_address) {
        snprintf(
            detail, SELECT_DETAIL_MAX, "%s",
            reasons_text(lang, !res->has_postal_code ? N_("no postal code") : N_("no address")));
        return REASON_UNDELIVERABLE;
    }
    if (res->layout_problem != NULL) { /* D50: cannot be placed in the envelope window */
        snprintf(detail, SELECT_DETAIL_MAX, "%s", res->layout_problem);
        return REASON_UNDELIVERABLE;
    }
    if (res->glyph_problem != NULL) {
        snprintf(detail, SELECT_DETAIL_MAX, "%s", res->glyph_problem);
        return REASON_GLYPH_MISSING;
    }
    return REASON__COUNT;
}

bool select_any_noticed(const select_result *results, size_t count)
{
    for (size_t idx = 0; idx < count; idx++)
        if (results[idx].outcome == OUTCOME_NOTICE)
            return true;
    return false;
}

bool select_result_is_finding(const select_result *result)
{
    return (result->outcome == OUTCOME_NOTICE || result->outcome == OUTCOME_EXCLUDED) &&
           result->data_error == KG_OK && result->expiry.recorded_mismatch;
}

/* E7's detail: "recorded 2027-01-31, computed 2027-02-01 (birthday)". */
static void finding_detail(select_result *result, kg_language lang)
{
    char recorded[REASONS_DATE_SIZE], computed[REASONS_DATE_SIZE];
    const char *cause = rules_cause_name(result->expiry.computed_cause);
    snprintf(result->finding, SELECT_DETAIL_MAX,
             reasons_text(lang, N_("recorded %s, computed %s (%s)")),
             reasons_date(lang, result->expiry.expiry, recorded),
             reasons_date(lang, result->expiry.computed_expiry, computed),
             lang == KG_LANG_JA ? reasons_label(REASON_GROUP_CAUSE, cause, lang) : cause);
}

kg_err select_resident_evaluate(const select_resident *res, const select_config *config,
                                kdate run_date, select_result *results)
{
    if (res->cert_count > SELECT_MAX_CERTS)
        return KG_ERR_INTERNAL;
    expiry_state states[SELECT_MAX_CERTS];
    memset(states, 0, sizeof(states));
    for (size_t idx = 0; idx < res->cert_count; idx++)
        compute_expiry(res, config, run_date, idx, states, 0);

    for (size_t idx = 0; idx < res->cert_count; idx++) {
        const select_cert *cert = &res->certs[idx];
        select_result *result = &results[idx];
        memset(result, 0, sizeof(*result));
        result->data_error = states[idx].error;
        if (states[idx].error != KG_OK) {
            /* whether it is due cannot be known: reported on every run (N4 bad_data) */
            result->outcome = OUTCOME_EXCLUDED;
            result->reason = REASON_BAD_DATA;
            snprintf(result->detail, SELECT_DETAIL_MAX, "%s", kg_strerror(states[idx].error));
            continue;
        }
        result->expiry = states[idx].expiry;
        if (!rules_is_due(result->expiry.window_open, result->expiry.expiry, config->lead_days,
                          run_date)) {
            result->outcome = OUTCOME_NOT_DUE;
            continue;
        }
        if (cert->noticed) {
            result->outcome = OUTCOME_ALREADY_NOTICED;
            result->final = true;
            continue;
        }
        /* every reason but bad_data (above) and `renewed` by a certificate revoked in the
         * future holds on every later date: its conditions only ever start to apply */
        result->final = true;
        select_reason reason = first_reason(res, cert, &result->expiry, config, run_date,
                                            result->detail, &result->final);
        if (reason == REASON__COUNT) {
            result->outcome = OUTCOME_NOTICE;
            result->detail[0] = '\0';
        } else {
            result->outcome =
                cert->settled && result->final ? OUTCOME_ALREADY_EXCLUDED : OUTCOME_EXCLUDED;
            result->reason = reason;
        }
        if (select_result_is_finding(result))
            finding_detail(result, config->language);
    }
    return KG_OK;
}

kg_err select_resident_schedule(const select_resident *res, select_schedule *schedules)
{
    if (res->cert_count > SELECT_MAX_CERTS)
        return KG_ERR_INTERNAL;
    for (size_t idx = 0; idx < res->cert_count; idx++)
        schedules[idx] =
            (select_schedule){.always = false, .due_from = KDATE_MAX, .due_until = KDATE_MIN};
    /* every reading the configuration can choose; KDATE_MAX as the run date, because
     * "issued after the run date" is the only place the date enters, and the scan asks
     * that of the data itself */
    for (int reading = 0; reading < 4; reading++) {
        select_config config = select_config_default();
        config.rules.window_w2 = (reading & 1) != 0;
        config.rules.feb29 = (reading & 2) != 0 ? FEB29_AS_MAR1 : FEB29_AS_FEB28;
        expiry_state states[SELECT_MAX_CERTS];
        memset(states, 0, sizeof(states));
        for (size_t idx = 0; idx < res->cert_count; idx++) {
            compute_expiry(res, &config, KDATE_MAX, idx, states, 0);
            select_schedule *schedule = &schedules[idx];
            if (states[idx].error != KG_OK) {
                schedule->always = true;
                continue;
            }
            if (states[idx].expiry.window_open < schedule->due_from)
                schedule->due_from = states[idx].expiry.window_open;
            if (states[idx].expiry.expiry > schedule->due_until)
                schedule->due_until = states[idx].expiry.expiry;
        }
    }
    for (size_t idx = 0; idx < res->cert_count; idx++) {
        select_schedule *schedule = &schedules[idx];
        if (!schedule->always &&
            schedule->due_until - schedule->due_from > SELECT_SCHEDULE_MAX_SPAN)
            schedule->always = true;
        if (schedule->always)
            schedule->due_from = schedule->due_until = KDATE_NONE;
    }
    return KG_OK;
}

bool select_to_representative(kdate birth_date, kdate run_date, const select_config *config)
{
    int age = 0;
    return birth_date != KDATE_NONE &&
           rules_age_on(birth_date, run_date, config->rules.feb29, &age) == KG_OK &&
           age < MIN_AGE_ADDRESSED;
}
