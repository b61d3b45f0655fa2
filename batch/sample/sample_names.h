/* sample_names.h - name lists for the synthetic-city generator (sample data).
 * Japanese and foreign family/given names with katakana readings, town (町字) names
 * and apartment-building name stems used to build fictitious residents and addresses. */
#ifndef KIGEN_SAMPLE_NAMES_H
#define KIGEN_SAMPLE_NAMES_H

#include <stddef.h>

typedef struct sample_name {
    const char *kanji; /* UTF-8 */
    const char *kana;  /* UTF-8 full-width katakana reading */
} sample_name;

extern const sample_name sample_family_names[];
extern const size_t sample_family_name_count;
extern const sample_name sample_male_given_names[];
extern const size_t sample_male_given_name_count;
extern const sample_name sample_female_given_names[];
extern const size_t sample_female_given_name_count;
/* katakana or Latin as registered, kana = katakana reading */
extern const sample_name sample_foreign_family_names[];
extern const size_t sample_foreign_family_name_count;
extern const sample_name sample_foreign_given_names[];
extern const size_t sample_foreign_given_name_count;
/* 町字 names like "緑町", "本町", "桜木町": town names only, without 丁目 */
extern const char *const sample_town_names[];
extern const size_t sample_town_name_count;
/* stems like "コーポ", "ハイツ", "メゾン", "レジデンス",
 * used as "<stem><town> <room>号" */
extern const char *const sample_building_names[];
extern const size_t sample_building_name_count;

#endif /* KIGEN_SAMPLE_NAMES_H */
