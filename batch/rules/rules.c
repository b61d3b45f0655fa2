/*
 * rules.c - expiry, renewal window and due test (docs/rules.md sections 2 to 4).
 *
 * Each rule is a small function named after it; rules_expiry_of combines them: validate
 * the dates, compute the candidate expiries in the tie order of section 2, take the
 * earliest (the first in order wins a tie), then apply E7 and the window.
 */
#include "rules.h"

#include <string.h>

/* The last day a juki certificate was issued (seed 000). */
#define JUKI_LAST_ISSUE_YEAR 2015
#define JUKI_LAST_ISSUE_MONTH 12
#define JUKI_LAST_ISSUE_DAY 22
#define JUKI_TERM_MONTHS 36
#define BIRTHDAYS_NORMAL 5  /* E1 */
#define BIRTHDAYS_RENEWAL 6 /* E1b */
#define WINDOW_MONTHS 3     /* W1, W2 */

rules_config rules_config_default(void)
{
    rules_config config = {.window_w2 = false, .feb29 = FEB29_AS_FEB28};
    return config;
}

void rules_cert_init(rules_cert *cert, cert_type type)
{
    cert->type = type;
    cert->birth_date = KDATE_NONE;
    cert->issued_on = KDATE_NONE;
    cert->card_expires = KDATE_NONE;
    cert->stay_expires = KDATE_NONE;
    cert->auth_expires = KDATE_NONE;
    cert->prev_expiry = KDATE_NONE;
    cert->recorded_expiry = KDATE_NONE;
}

kg_err rules_birthday_in_year(kdate birth_date, int year, feb29_reading feb29, kdate *out)
{
    if (birth_date < KDATE_MIN || birth_date > KDATE_MAX)
        return KG_ERR_DATE_RANGE;
    kdate_ymd birth = kdate_to_ymd(birth_date);
    if (birth.month == 2 && birth.day == 29 && !kdate_is_leap(year)) {
        if (feb29 == FEB29_AS_MAR1)
            return kdate_from_ymd(year, 3, 1, out);
        return kdate_from_ymd(year, 2, 28, out);
    }
    return kdate_from_ymd(year, birth.month, birth.day, out);
}

kg_err rules_nth_birthday_after(kdate birth_date, kdate after, int n, feb29_reading feb29,
                                kdate *out)
{
    if (n < 1 || after < KDATE_MIN || after > KDATE_MAX)
        return KG_ERR_DATE_RANGE;
    int year = kdate_to_ymd(after).year;
    kdate birthday;
    kg_err err = rules_birthday_in_year(birth_date, year, feb29, &birthday);
    if (err != KG_OK)
        return err;
    if (birthday <= after)
        year++;
    return rules_birthday_in_year(birth_date, year + n - 1, feb29, out);
}

kg_err rules_window_open_w1(kdate expiry, kdate *out)
{
    if (expiry < KDATE_MIN || expiry > KDATE_MAX)
        return KG_ERR_DATE_RANGE;
    kdate_ymd ymd = kdate_to_ymd(expiry);
    int month_index = ymd.year * 12 + (ymd.month - 1) - WINDOW_MONTHS;
    int year = month_index / 12;
    int month = month_index % 12 + 1;
    if (ymd.day <= kdate_days_in_month(year, month)) {
        kdate three_months_before;
        kg_err err = kdate_from_ymd(year, month, ymd.day, &three_months_before);
        if (err != KG_OK)
            return err;
        return kdate_add_days(three_months_before, 1, out);
    }
    /* No such date in that month: the window opens on the 1st of the next one. */
    month_index++;
    return kdate_from_ymd(month_index / 12, month_index % 12 + 1, 1, out);
}

kg_err rules_window_open_w2(kdate expiry, kdate *out)
{
    return kdate_add_months(expiry, -WINDOW_MONTHS, out);
}

bool rules_is_due(kdate window_open, kdate expiry, int lead_days, kdate run_date)
{
    /* window_open - lead_days <= run_date, written without overflow */
    return (long)run_date + lead_days >= (long)window_open && run_date <= expiry;
}

kg_err rules_mover_window_start(kdate expiry, int months, kdate *out)
{
    return kdate_add_months(expiry, -months, out);
}

kg_err rules_age_on(kdate birth_date, kdate on, feb29_reading feb29, int *out)
{
    if (on < KDATE_MIN || on > KDATE_MAX || birth_date < KDATE_MIN || birth_date > KDATE_MAX)
        return KG_ERR_DATE_RANGE;
    if (on < birth_date)
        return KG_ERR_ISSUED_BEFORE_BIRTH;
    int year = kdate_to_ymd(on).year;
    kdate birthday;
    kg_err err = rules_birthday_in_year(birth_date, year, feb29, &birthday);
    if (err != KG_OK)
        return err;
    int age = year - kdate_to_ymd(birth_date).year;
    if (birthday > on)
        age--;
    *out = age;
    return KG_OK;
}

/* The dates given must be consistent with the issue date (N4 bad_data otherwise). */
static kg_err check_dates(const rules_cert *cert)
{
    if (cert->type != CERT_SIGN && cert->type != CERT_AUTH && cert->type != CERT_JUKI)
        return KG_ERR_CERT_TYPE;
    if (cert->issued_on == KDATE_NONE)
        return KG_ERR_ISSUE_MISSING;
    if (cert->birth_date == KDATE_NONE && cert->type != CERT_JUKI)
        return KG_ERR_BIRTH_MISSING;
    if (cert->birth_date != KDATE_NONE && cert->issued_on < cert->birth_date)
        return KG_ERR_ISSUED_BEFORE_BIRTH;
    if (cert->card_expires != KDATE_NONE && cert->card_expires < cert->issued_on)
        return KG_ERR_CARD_BEFORE_ISSUE;
    if (cert->stay_expires != KDATE_NONE && cert->stay_expires < cert->issued_on)
        return KG_ERR_STAY_BEFORE_ISSUE;
    if (cert->type == CERT_SIGN && cert->auth_expires != KDATE_NONE &&
        cert->auth_expires < cert->issued_on)
        return KG_ERR_AUTH_BEFORE_ISSUE;
    if (cert->type == CERT_JUKI) {
        kdate last_issue;
        kg_err err = kdate_from_ymd(JUKI_LAST_ISSUE_YEAR, JUKI_LAST_ISSUE_MONTH,
                                    JUKI_LAST_ISSUE_DAY, &last_issue);
        if (err != KG_OK)
            return err;
        if (cert->issued_on > last_issue)
            return KG_ERR_JUKI_TOO_LATE;
    }
    return KG_OK;
}

/* E1b: was the certificate issued while the one it renewed was inside its W1 window? */
static kg_err renewed_inside_window(const rules_cert *cert, bool *inside)
{
    *inside = false;
    if (cert->prev_expiry == KDATE_NONE)
        return KG_OK;
    kdate prev_window_open;
    kg_err err = rules_window_open_w1(cert->prev_expiry, &prev_window_open);
    if (err != KG_OK)
        return err;
    *inside = cert->issued_on >= prev_window_open && cert->issued_on <= cert->prev_expiry;
    return KG_OK;
}

/* The own-term expiry: E1/E1b birthdays, or the E5 juki term. */
static kg_err term_expiry(const rules_cert *cert, const rules_config *config, kdate *out,
                          expiry_cause *cause)
{
    if (cert->type == CERT_JUKI) {
        *cause = CAUSE_TERM;
        return kdate_add_months(cert->issued_on, JUKI_TERM_MONTHS, out);
    }
    bool renewal_in_window;
    kg_err err = renewed_inside_window(cert, &renewal_in_window);
    if (err != KG_OK)
        return err;
    *cause = CAUSE_BIRTHDAY;
    return rules_nth_birthday_after(cert->birth_date, cert->issued_on,
                                    renewal_in_window ? BIRTHDAYS_RENEWAL : BIRTHDAYS_NORMAL,
                                    config->feb29, out);
}

/* E1-E5: the earliest applicable date; on a tie the first in the order stay_period,
 * card, own term (birthday), auth_cert wins. */
static kg_err computed_expiry(const rules_cert *cert, const rules_config *config, kdate *out,
                              expiry_cause *cause)
{
    kdate own_term;
    expiry_cause own_cause;
    kg_err err = term_expiry(cert, config, &own_term, &own_cause);
    if (err != KG_OK)
        return err;

    struct candidate {
        kdate date;
        expiry_cause cause;
    } candidates[] = {
        {cert->stay_expires, CAUSE_STAY_PERIOD},
        {cert->card_expires, CAUSE_CARD},
        {own_term, own_cause},
        {cert->type == CERT_SIGN ? cert->auth_expires : KDATE_NONE, CAUSE_AUTH_CERT},
    };
    kdate best = KDATE_NONE;
    expiry_cause best_cause = own_cause;
    for (size_t cand_idx = 0; cand_idx < sizeof(candidates) / sizeof(candidates[0]); cand_idx++) {
        if (candidates[cand_idx].date == KDATE_NONE)
            continue;
        if (best == KDATE_NONE || candidates[cand_idx].date < best) {
            best = candidates[cand_idx].date;
            best_cause = candidates[cand_idx].cause;
        }
    }
    *out = best;
    *cause = best_cause;
    return KG_OK;
}

kg_err rules_expiry_of(const rules_cert *cert, const rules_config *config, rules_expiry *out)
{
    kg_err err = check_dates(cert);
    if (err != KG_OK)
        return err;
    rules_expiry result;
    err = computed_expiry(cert, config, &result.computed_expiry, &result.computed_cause);
    if (err != KG_OK)
        return err;
    result.expiry = result.computed_expiry;
    result.cause = result.computed_cause;
    result.recorded_mismatch = false;
    /* E7: a recorded expiry is authoritative. When it agrees with ours, the computed
     * cause is kept (it tells the notice whether the card itself must be renewed). */
    if (cert->recorded_expiry != KDATE_NONE && cert->recorded_expiry != result.computed_expiry) {
        result.expiry = cert->recorded_expiry;
        result.cause = CAUSE_RECORDED;
        result.recorded_mismatch = true;
    }
    if (config->window_w2)
        err = rules_window_open_w2(result.expiry, &result.window_open);
    else
        err = rules_window_open_w1(result.expiry, &result.window_open);
    if (err != KG_OK)
        return err;
    *out = result;
    return KG_OK;
}

static const char *const cert_type_names[] = {
    [CERT_SIGN] = "sign",
    [CERT_AUTH] = "auth",
    [CERT_JUKI] = "juki",
};

static const char *const cause_names[] = {
    [CAUSE_BIRTHDAY] = "birthday",   [CAUSE_CARD] = "card",
    [CAUSE_AUTH_CERT] = "auth_cert", [CAUSE_STAY_PERIOD] = "stay_period",
    [CAUSE_RECORDED] = "recorded",   [CAUSE_TERM] = "term",
};

_Static_assert(sizeof(cause_names) / sizeof(cause_names[0]) == CAUSE_TERM + 1,
               "cause_names must name every expiry_cause");

const char *rules_cert_type_name(cert_type type)
{
    if ((unsigned)type >= sizeof(cert_type_names) / sizeof(cert_type_names[0]))
        return "?";
    return cert_type_names[type];
}

const char *rules_cause_name(expiry_cause cause)
{
    if ((unsigned)cause >= sizeof(cause_names) / sizeof(cause_names[0]))
        return "?";
    return cause_names[cause];
}

kg_err rules_cert_type_parse(const char *text, size_t len, cert_type *out)
{
    for (size_t type_idx = 0; type_idx < sizeof(cert_type_names) / sizeof(cert_type_names[0]);
         type_idx++) {
        if (strlen(cert_type_names[type_idx]) == len &&
            memcmp(cert_type_names[type_idx], text, len) == 0) {
            *out = (cert_type)type_idx;
            return KG_OK;
        }
    }
    return KG_ERR_CERT_TYPE;
}
