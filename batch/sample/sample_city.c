/*
 * sample_city.c - how a synthetic resident is drawn (see sample_city.h).
 *
 * Each resident has its own splitmix64 stream seeded from (seed, resident_id). Card and
 * certificate dates follow the real rules (the rule module computes the recorded
 * expiries), issue dates follow the 2020-2023 rush, ages follow Japan's pyramid.
 */
#include "sample_city.h"

#include <stdio.h>
#include <string.h>

#include "../rules/rules.h"
#include "sample_names.h"

#define PER_MILLE(generator, share) (draw(generator, 1000) < (share))

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t next_u64(rng *gen)
{
    uint64_t mixed = (gen->state += 0x9E3779B97F4A7C15ull);
    mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ull;
    mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBull;
    return mixed ^ (mixed >> 31);
}

/* Uniform in 0..bound-1. */
static int draw(rng *gen, int bound)
{
    return (int)(next_u64(gen) % (uint64_t)bound);
}

/* An index drawn with the given weights. */
static int draw_weighted(rng *gen, const int *weights, int count)
{
    int total = 0;
    for (int idx = 0; idx < count; idx++)
        total += weights[idx];
    int pick = draw(gen, total);
    for (int idx = 0; idx < count; idx++) {
        if (pick < weights[idx])
            return idx;
        pick -= weights[idx];
    }
    return count - 1;
}

static kdate plus_days(kdate day, int days)
{
    kdate result = day;
    if (kdate_add_days(day, days, &result) != KG_OK)
        return day;
    return result;
}

static kdate nth_birthday(kdate birth, kdate after, int nth)
{
    kdate result = after;
    if (rules_nth_birthday_after(birth, after, nth, FEB29_AS_FEB28, &result) != KG_OK)
        return after;
    return result;
}

void sample_city_init(sample_city *city, long residents, uint64_t seed, kdate as_of)
{
    city->seed = seed;
    city->residents = residents;
    city->as_of = as_of;
    long offices = residents / 40000;
    city->office_count = offices < 3 ? 3 : offices > 24 ? 24 : (int)offices;
}

static const char *const ward_names[] = {
    "中央", "北",     "南",   "東",   "西",   "港",   "緑",   "青葉",
    "旭",   "泉",     "栄",   "金沢", "磯子", "戸塚", "瀬谷", "保土ケ谷",
    "鶴見", "神奈川", "都筑", "港北", "港南", "中",   "本郷", "若葉",
};

void sample_office_make(const sample_city *city, int office_idx, sample_office *out)
{
    (void)city;
    const char *ward = ward_names[office_idx % 24];
    snprintf(out->office_code, sizeof(out->office_code), "K%02d", office_idx + 1);
    snprintf(out->name, sizeof(out->name), "架空市%s区役所 区民課", ward);
    snprintf(out->postal_code, sizeof(out->postal_code), "%03d%04d", 220 + office_idx, 8501);
    snprintf(out->address, sizeof(out->address), "神奈川県架空市%s区役所前一丁目1番1号", ward);
    snprintf(out->phone, sizeof(out->phone), "045-%03d-%04d", 300 + office_idx, 1111);
    out->hours = "平日 8時45分から17時00分(第2・第4土曜日 9時00分から12時00分)";
}

/* Japan's population by 5-year age band, 0-4 .. 100+ (per 10 million, 2025). */
static const int age_band_weights[] = {39, 45, 50, 53, 60, 63, 63, 70, 77, 90, 96,
                                       83, 75, 74, 88, 75, 56, 37, 18, 5,  1};

/* Card issues per year 2016..2026: the 2020-2023 rush of the points campaigns. */
static const int card_year_weights[] = {3, 2, 2, 3, 10, 12, 20, 15, 8, 6, 4};
#define CARD_FIRST_YEAR 2016

static kdate random_day_in_year(rng *gen, int year)
{
    kdate first;
    if (kdate_from_ymd(year, 1, 1, &first) != KG_OK)
        return KDATE_NONE;
    return plus_days(first, draw(gen, kdate_is_leap(year) ? 366 : 365));
}

static void make_name(rng *gen, sample_resident *res, int foreign)
{
    const sample_name *family;
    const sample_name *given;
    if (foreign) {
        family = &sample_foreign_family_names[draw(gen, (int)sample_foreign_family_name_count)];
        given = &sample_foreign_given_names[draw(gen, (int)sample_foreign_given_name_count)];
    } else {
        family = &sample_family_names[draw(gen, (int)sample_family_name_count)];
        if (res->sex == 2)
            given = &sample_female_given_names[draw(gen, (int)sample_female_given_name_count)];
        else
            given = &sample_male_given_names[draw(gen, (int)sample_male_given_name_count)];
    }
    res->family_name = family->kanji;
    res->family_kana = family->kana;
    res->given_name = given->kanji;
    res->given_kana = given->kana;
}

static void make_address(const sample_city *city, rng *gen, sample_resident *res)
{
    int town_idx = draw(gen, 40);
    const char *town =
        sample_town_names[(size_t)(res->office_idx * 17 + town_idx) % sample_town_name_count];
    snprintf(res->postal_code, sizeof(res->postal_code), "%03d%04d", 220 + res->office_idx,
             1000 + town_idx * 13);
    snprintf(res->address, sizeof(res->address), "神奈川県架空市%s区%s",
             ward_names[res->office_idx % 24], town);
    if (draw(gen, 3) == 0)
        snprintf(res->banchi, sizeof(res->banchi), "%d-%d", 1 + draw(gen, 3000), 1 + draw(gen, 30));
    else
        snprintf(res->banchi, sizeof(res->banchi), "%d丁目%d-%d", 1 + draw(gen, 9),
                 1 + draw(gen, 40), 1 + draw(gen, 30));
    res->address2[0] = '\0';
    if (draw(gen, 3) == 0)
        snprintf(res->address2, sizeof(res->address2), "%s%s %d%02d号",
                 sample_building_names[draw(gen, (int)sample_building_name_count)], town,
                 1 + draw(gen, 12), 1 + draw(gen, 20));
    (void)city;
}

/* Adds a certificate with the recorded expiry for some (and a wrong one, rarely). */
static void add_cert(rng *gen, sample_resident *res, const char *type, long card_id,
                     kdate issued_on, const sample_card *card, kdate prev_expiry)
{
    if (res->cert_count >= SAMPLE_MAX_CERTS)
        return;
    sample_cert *cert = &res->certs[res->cert_count];
    cert->certificate_id = res->resident_id * 10 + res->cert_count;
    cert->card_id = card_id;
    cert->type = type;
    cert->issued_on = issued_on;
    cert->revoked_on = KDATE_NONE;
    cert->recorded_expiry = KDATE_NONE;
    res->cert_count++;
    if (draw(gen, 10) < 3 && res->birth_date != KDATE_NONE) {
        rules_cert input;
        rules_cert_init(&input, strcmp(type, "sign") == 0 ? CERT_SIGN : CERT_AUTH);
        input.birth_date = res->birth_date;
        input.issued_on = issued_on;
        input.card_expires = card->expires_on;
        input.stay_expires = res->stay_expires;
        input.prev_expiry = prev_expiry;
        rules_config config = rules_config_default();
        rules_expiry expiry;
        if (rules_expiry_of(&input, &config, &expiry) == KG_OK) {
            cert->recorded_expiry = expiry.expiry;
            if (PER_MILLE(gen, 3)) /* an E7 mismatch for the auditors */
                cert->recorded_expiry = plus_days(expiry.expiry, -1 - draw(gen, 20));
        }
    }
}

static void add_move(sample_resident *res, kdate moved_on, const char *kind)
{
    if (res->move_count >= SAMPLE_MAX_MOVES)
        return;
    res->moves[res->move_count].moved_on = moved_on;
    res->moves[res->move_count].kind = kind;
    res->move_count++;
}

/* A card and its certificates, with an earlier generation when the first certificates
 * were renewed. */
static void make_card(const sample_city *city, rng *gen, sample_resident *res, int age_years)
{
    kdate as_of = city->as_of;
    kdate birth = res->birth_date;
    int year = CARD_FIRST_YEAR + draw_weighted(gen, card_year_weights, 11);
    kdate issued = random_day_in_year(gen, year);
    if (issued > as_of)
        issued = plus_days(as_of, -draw(gen, 300));
    if (issued < birth)
        issued = plus_days(birth, draw(gen, 200));
    if (issued > as_of)
        return;
    int age_at_issue = age_years - (kdate_to_ymd(as_of).year - kdate_to_ymd(issued).year);
    sample_card *card = &res->cards[0];
    card->card_id = res->resident_id * 10;
    card->issued_on = issued;
    card->expires_on = nth_birthday(birth, issued, age_at_issue >= 18 ? 10 : 5);
    if (res->stay_expires != KDATE_NONE && res->stay_expires < card->expires_on)
        card->expires_on = res->stay_expires;
    card->revoked_on = PER_MILLE(gen, 5) ? plus_days(as_of, -draw(gen, 200)) : KDATE_NONE;
    if (card->revoked_on != KDATE_NONE && card->revoked_on < issued)
        card->revoked_on = issued;
    res->card_count = 1;

    int wants_sign = age_at_issue >= 15 && !res->adult_ward && draw(gen, 100) < 95;
    if (age_at_issue < 15 && PER_MILLE(gen, 4))
        wants_sign = 1; /* an anomaly: sign for a child (sign_not_allowed) */
    kdate cert_issued = issued;
    kdate prev_expiry = KDATE_NONE;
    kdate first_expiry = nth_birthday(birth, issued, 5);
    if (first_expiry < card->expires_on && first_expiry < plus_days(as_of, 60)) {
        /* the first certificates ran out (or nearly): renewed in the window, or after */
        kdate window_open = first_expiry;
        rules_window_open_w1(first_expiry, &window_open);
        kdate renewed_on = plus_days(window_open, draw(gen, 130));
        if (renewed_on <= as_of) {
            add_cert(gen, res, "auth", card->card_id, issued, card, KDATE_NONE);
            if (wants_sign)
                add_cert(gen, res, "sign", card->card_id, issued, card, KDATE_NONE);
            cert_issued = renewed_on;
            prev_expiry = first_expiry;
        }
    }
    add_cert(gen, res, "auth", card->card_id, cert_issued, card, prev_expiry);
    if (wants_sign)
        add_cert(gen, res, "sign", card->card_id, cert_issued, card, prev_expiry);
    if (PER_MILLE(gen, 10)) {
        sample_cert *cert = &res->certs[res->cert_count - 1];
        cert->revoked_on = plus_days(cert->issued_on, draw(gen, 400));
        if (cert->revoked_on > as_of)
            cert->revoked_on = as_of;
    }
}

/* Deliberately wrong data, so that every reason code of docs/rules.md N4 occurs. */
static void make_bad_data(rng *gen, sample_resident *res)
{
    int kind = draw(gen, 10000);
    if (kind < 5) {
        res->birth_date = KDATE_NONE; /* bad_data: missing birth date */
    } else if (kind < 7 && res->cert_count > 0) {
        res->certs[0].issued_on = plus_days(res->birth_date, -30); /* issue before birth */
    } else if (kind < 12) {
        res->postal_code[0] = '\0'; /* undeliverable */
    } else if (kind < 14) {
        /* 外字: a private-use character no font has (glyph_missing) */
        snprintf(res->family_buf, sizeof(res->family_buf), "\xEE\x80\x80%s", res->family_name);
        res->family_name = res->family_buf;
    }
}

void sample_resident_make(const sample_city *city, long resident_id, sample_resident *out)
{
    rng gen = {city->seed * 0x2545F4914F6CDD1Dull ^ (uint64_t)resident_id * 0x9E3779B97F4A7C15ull};
    next_u64(&gen);
    memset(out, 0, sizeof(*out));
    sample_resident *res = out;
    kdate as_of = city->as_of;
    res->resident_id = resident_id;
    res->office_idx = draw(&gen, city->office_count);
    res->sex = draw(&gen, 1000) < 2 ? 9 : 1 + draw(&gen, 2);
    int age = 5 * draw_weighted(&gen, age_band_weights, 21) + draw(&gen, 5);
    res->birth_date = plus_days(as_of, -(age * 365 + age / 4) - draw(&gen, 365));
    int foreign = draw(&gen, 1000) < 25;
    res->stay_expires = KDATE_NONE;
    if (foreign && draw(&gen, 10) < 7)
        res->stay_expires = plus_days(as_of, draw(&gen, 1100) - 30);
    make_name(&gen, res, foreign);
    make_address(city, &gen, res);
    res->adult_ward = age >= 20 && PER_MILLE(&gen, 2);
    res->lives_elsewhere = PER_MILLE(&gen, 3);
    res->removed_on = KDATE_NONE;
    if (PER_MILLE(&gen, 15)) {
        res->removed = 1;
        res->removed_on = plus_days(as_of, -draw(&gen, 365));
        add_move(res, res->removed_on, "out");
    }
    int age_now = age;
    if (draw(&gen, 100) < 80)
        make_card(city, &gen, res, age_now);
    if (!res->removed && draw(&gen, 100) < 5) /* moved in or within the city lately */
        add_move(res, plus_days(as_of, -draw(&gen, 365)), draw(&gen, 10) < 6 ? "within" : "in");
    if (PER_MILLE(&gen, 4)) {
        res->changes[0].changed_on = plus_days(as_of, -draw(&gen, 365));
        res->changes[0].field = draw(&gen, 10) < 8 ? "name" : "sex";
        res->change_count = 1;
    }
    if (res->card_count > 0 && PER_MILLE(&gen, 3)) {
        static const char *const kinds[] = {"issue", "renew", "pin_reset", "unlock"};
        res->proxy_count = 1;
        res->proxy_request_id = resident_id;
        res->proxy_kind = kinds[draw(&gen, 4)];
        res->proxy_received_on = plus_days(as_of, -draw(&gen, 30));
        const sample_name *proxy_family =
            &sample_family_names[draw(&gen, (int)sample_family_name_count)];
        const sample_name *proxy_given =
            &sample_female_given_names[draw(&gen, (int)sample_female_given_name_count)];
        snprintf(res->proxy_name, sizeof(res->proxy_name), "%s %s", proxy_family->kanji,
                 proxy_given->kanji);
    }
    make_bad_data(&gen, res);
}
