/*
 * options.c - see options.h.
 */
#include "options.h"

#include <string.h>

#include "i18n.h"

void options_start(void)
{
    optind = 0; /* glibc: 0 re-initialises getopt completely (a second parse, a test) */
    opterr = 0;
}

int options_next(int argc, char **argv, const struct option *longopts)
{
    /* "-": operands come back in order as OPTIONS_OPERAND; ":": a missing value is ':' */
    return getopt_long(argc, argv, "-:h", longopts, NULL);
}

bool options_take_common(options_common *common, int opt)
{
    if (opt == OPTIONS_DB)
        common->conninfo = optarg;
    else if (opt == OPTIONS_CONFIG)
        common->config_path = optarg;
    else if (opt == 'h')
        common->help = true;
    else
        return false;
    return true;
}

/* A synopsis or help text marked N_() by its command, in the language of the messages
 * ("" stays "": gettext would return the catalogue's header for it). */
static const char *translated(const char *text)
{
    return text[0] != '\0' ? _(text) : "";
}

/* The long options whose names start with the text of --text (up to '='), as
 * "--date, --db or --dry-run" into names; how many. */
static int prefix_matches(const struct option *longopts, const char *text, char *names, size_t cap)
{
    size_t len = strcspn(text, "="), used = 0;
    int matches = 0;
    names[0] = '\0';
    for (const struct option *entry = longopts; entry != NULL && entry->name != NULL; entry++) {
        if (strncmp(entry->name, text, len) != 0)
            continue;
        if (strlen(entry->name) == len)
            return 1; /* the exact name */
        matches++;
    }
    int listed = 0;
    for (const struct option *entry = longopts; entry != NULL && entry->name != NULL; entry++) {
        if (strncmp(entry->name, text, len) != 0 || used >= cap)
            continue;
        listed++;
        const char *separator = listed == 1 ? "" : listed == matches ? " or " : ", ";
        used += (size_t)snprintf(names + used, cap - used, "%s--%s", separator, entry->name);
    }
    return matches;
}

kg_err options_fail(int argc, char **argv, int opt, const struct option *longopts,
                    const char *command, const char *synopsis, kg_errbuf *errbuf)
{
    const char *text = optind >= 1 && optind <= argc ? argv[optind - 1] : "";
    char short_text[3] = {'-', (char)optopt, '\0'};
    if (strncmp(text, "--", 2) != 0 && optopt > 0 && optopt < 0x80)
        text = short_text; /* a short option, perhaps inside a group such as -vx */
    char names[256];
    if (opt == ':')
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to parse option '%s': it needs a value\n%s"),
                       text, translated(synopsis));
    if (strncmp(text, "--", 2) == 0 && strchr(text, '=') != NULL && optopt != 0)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to parse option '%s': it takes no value\n%s"), text,
                       translated(synopsis));
    if (strncmp(text, "--", 2) == 0 && prefix_matches(longopts, text + 2, names, sizeof(names)) > 1)
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to parse option '%s': ambiguous: %s?\n%s"),
                       text, names, translated(synopsis));
    return kg_fail(errbuf, KG_ERR_USAGE,
                   _("unable to parse option '%s': not an option of kigen%s%s\n%s"), text,
                   command[0] != '\0' ? " " : "", command, translated(synopsis));
}

kg_err options_refuse(const char *name, const char *command, const char *synopsis,
                      kg_errbuf *errbuf)
{
    return kg_fail(errbuf, KG_ERR_USAGE,
                   _("unable to parse option '%s': not an option of kigen %s\n%s"), name, command,
                   translated(synopsis));
}

kg_err options_extra_operand(const char *operand, const char *command, const char *synopsis,
                             kg_errbuf *errbuf)
{
    return kg_fail(errbuf, KG_ERR_USAGE,
                   _("unable to parse argument '%s': kigen %s does not take it\n%s"), operand,
                   command, translated(synopsis));
}

kg_err options_print_help(FILE *out, const char *help, kg_errbuf *errbuf)
{
    if (fputs(translated(help), out) < 0 || fflush(out) != 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write standard output"));
    return KG_OK;
}
