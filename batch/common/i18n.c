/*
 * i18n.c - choosing and switching the language of kigen's messages (i18n.h).
 *
 * glibc's gettext ignores LANGUAGE under the "C" locale, and a server often has no
 * ja_JP locale generated: Japanese is LANGUAGE=ja under LC_MESSAGES=C.UTF-8 (built into
 * glibc 2.35 and later; ja_JP.UTF-8 is tried when it is missing), English is
 * LC_MESSAGES=C, where gettext returns the msgid. Each setlocale call also tells gettext
 * to forget the translations it looked up, so the language can change after a
 * configuration file is read.
 */
#include "i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkout.h"

/* The Makefile defines it for the installed build ("" in the checkout). */
#ifndef KIGEN_LOCALEDIR
#define KIGEN_LOCALEDIR ""
#endif

kg_language i18n_language_of_environment(void)
{
    static const char *const names[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t name_idx = 0; name_idx < sizeof(names) / sizeof(names[0]); name_idx++) {
        const char *value = getenv(names[name_idx]);
        if (value != NULL && value[0] != '\0')
            return strncmp(value, "ja", 2) == 0 ? KG_LANG_JA : KG_LANG_EN;
    }
    return KG_LANG_EN;
}

kg_err i18n_language_parse(const char *text, kg_language *language, kg_errbuf *errbuf)
{
    if (strcmp(text, "ja") == 0 || strcmp(text, "en") == 0) {
        *language = text[0] == 'j' ? KG_LANG_JA : KG_LANG_EN;
        return KG_OK;
    }
    return kg_fail(errbuf, KG_ERR_CONFIG, _("unable to use language = '%s': use ja or en"), text);
}

const char *i18n_language_name(kg_language language)
{
    return language == KG_LANG_JA ? "ja" : "en";
}

const char *i18n_locale_dir(char *buf, size_t cap)
{
    if (KIGEN_LOCALEDIR[0] != '\0')
        return KIGEN_LOCALEDIR;
    char root[1024];
    if (!checkout_root(root, sizeof(root)))
        return "/usr/share/locale"; /* a copied binary: where a packaged catalogue would be */
    int len = snprintf(buf, cap, "%s/build/locale", root);
    return len > 0 && (size_t)len < cap ? buf : "/usr/share/locale";
}

void i18n_use(kg_language language)
{
    char dir[1100];
    bindtextdomain(I18N_DOMAIN, i18n_locale_dir(dir, sizeof(dir)));
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
    textdomain(I18N_DOMAIN);
    /* the C library's own messages (strerror) in UTF-8 too: under LC_CTYPE "C" gettext
     * would turn their Japanese into '?' (libpq's domain: db.c) */
    bind_textdomain_codeset("libc", "UTF-8");
    if (language == KG_LANG_JA) {
        setenv("LANGUAGE", "ja", 1);
        if (setlocale(LC_MESSAGES, "C.UTF-8") == NULL &&
            setlocale(LC_MESSAGES, "ja_JP.UTF-8") == NULL)
            setlocale(LC_MESSAGES, "en_US.UTF-8");
    } else {
        setenv("LANGUAGE", "en", 1);
        setlocale(LC_MESSAGES, "C");
    }
}
