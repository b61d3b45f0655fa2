/*
 * i18n.h - the language kigen speaks to people: GNU gettext for every text a person
 * reads (log lines, errors and their hints, summaries, the counter's screens, --help),
 * with the Japanese catalogue po/ja.po.
 *
 * Write a message as `_("unable to open '%s': %s")` where it is used, or `N_("...")` in
 * a table that is translated where it is printed (`_(table[i].text)`). `make` compiles
 * po/ja.po into <checkout>/build/locale (installed: $(DATADIR)/locale, KIGEN_LOCALEDIR);
 * `make po` brings po/kigen.pot and po/ja.po up to date with the sources, and the tests
 * fail while a message of the source has no Japanese (tests/scripts/test_po.sh).
 *
 * The language follows LC_ALL, LC_MESSAGES and LANG as usual (the first that is set; a
 * value starting with "ja" is Japanese, anything else English) until a configuration
 * file fixes it (`language = ja|en`, run_config_language). Japanese does not need a ja_JP
 * locale on the machine: the catalogue is chosen by LANGUAGE under the C.UTF-8 locale of
 * LC_MESSAGES, and only LC_MESSAGES is changed (numbers, dates and character classes stay
 * those of the C locale, which the parsers and outputs rely on).
 */
#ifndef KIGEN_I18N_H
#define KIGEN_I18N_H

#include <libintl.h>
#include <stddef.h>

#include "error.h"

#define _(text) gettext(text)
#define N_(text) text

/* The text domain: the catalogue's name (kigen.mo). */
#define I18N_DOMAIN "kigen"

typedef enum kg_language {
    KG_LANG_EN = 0, /* the msgids themselves */
    KG_LANG_JA = 1  /* po/ja.po */
} kg_language;

/* The language the environment asks for: LC_ALL, else LC_MESSAGES, else LANG (the first
 * that is set and not empty); Japanese when it starts with "ja", English otherwise. */
kg_language i18n_language_of_environment(void);

/* "ja" or "en" into *language; KG_ERR_CONFIG with the allowed values otherwise. */
kg_err i18n_language_parse(const char *text, kg_language *language, kg_errbuf *errbuf);

/* "ja" or "en". */
const char *i18n_language_name(kg_language language);

/* Speaks language from now on (every later _() call): binds the text domain to the
 * catalogue directory (i18n_locale_dir) and sets LC_MESSAGES and LANGUAGE. Without a
 * usable catalogue the messages stay English; nothing fails. */
void i18n_use(kg_language language);

/* The directory that holds <lang>/LC_MESSAGES/kigen.mo: KIGEN_LOCALEDIR when installed
 * (compiled in), <checkout>/build/locale for a build in the checkout, into buf. */
const char *i18n_locale_dir(char *buf, size_t cap);

#endif
