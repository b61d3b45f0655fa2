/*
 * municipality_code.c - the municipality code's check digit and its validation (see
 * municipality_code.h).
 */
#include "municipality_code.h"
#include "i18n.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

int municipality_check_digit(const char *prefix)
{
    static const int weights[] = {6, 5, 4, 3, 2};
    if (prefix == NULL)
        return -1;
    int sum = 0;
    for (size_t idx = 0; idx < sizeof(weights) / sizeof(weights[0]); idx++) {
        if (!is_digit(prefix[idx]))
            return -1;
        sum += weights[idx] * (prefix[idx] - '0');
    }
    return '0' + (11 - sum % 11) % 10;
}

bool municipality_is_default(const char *code)
{
    return code != NULL && strcmp(code, MUNICIPALITY_DEFAULT) == 0;
}

kg_err municipality_code_check(const char *text, kg_errbuf *errbuf)
{
    const char *cause = NULL;
    char detail[96];
    size_t len = text != NULL ? strlen(text) : 0;
    size_t bad = strspn(text != NULL ? text : "", "0123456789");
    if (len == 0) {
        cause = _("it is empty");
    } else if (bad < len) {
        snprintf(detail, sizeof(detail),
                 _("character %zu is not an ASCII digit (a code is six digits 0-9)"), bad + 1);
        cause = detail;
    } else if (len != MUNICIPALITY_CODE_LEN) {
        snprintf(detail, sizeof(detail), _("it has %zu digits, a code has 6"), len);
        cause = detail;
    } else if (municipality_is_default(text)) {
        cause = _("000000 is the default municipality, which is used without naming it");
    } else if ((text[0] - '0') * 10 + (text[1] - '0') < 1 ||
               (text[0] - '0') * 10 + (text[1] - '0') > MUNICIPALITY_PREFECTURES) {
        snprintf(detail, sizeof(detail), _("prefecture %.2s is not one of 01 to 47"), text);
        cause = detail;
    } else if (municipality_check_digit(text) != text[5]) {
        cause = _("the check digit (the sixth) does not match the first five digits; copy the "
                  "code from 総務省's list of municipality codes");
    }
    if (cause == NULL)
        return KG_OK;
    return kg_fail(errbuf, KG_ERR_USAGE, _("unable to use municipality code '%s': %s"),
                   text != NULL ? text : "", cause);
}
