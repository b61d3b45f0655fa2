/*
 * test_template.c - a template or font that cannot be used ends with one exit status, 2
 * (D75), whichever way it is broken: through `kigen template check FILE` and through
 * `kigen run --config` naming it, which stops before it reads or writes anything. The
 * parser's own messages are tested in tests/render/test_notice.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#define UNUSABLE_STATUS 2

/* A valid [page], [window] and [address] (lines 1-14), the font line (line 4) apart. */
static const char head_before_font[] = "[page]\nwidth = 210\nheight = 297\n";
static const char default_font[] = "font = /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf\n";
static const char head_after_font[] =
    "[window]\nx = 20\ny = 12\nwidth = 90\nheight = 45\n"
    "tolerance = 3\n[address]\nholder = {name} 様\n"
    "representative = {name} 様の法定代理人 様\nmark = 転送不要\n";

typedef struct unusable_case {
    const char *name;
    const char *font;     /* the font line (NULL: the default) */
    const char *body;     /* after the head; NULL: no file is written (path is used) */
    const char *path;     /* the template's path when body is NULL */
    const char *expected; /* in the message */
    /* {dir} in font, path and expected stands for the test's folder */
} unusable_case;

static const unusable_case unusable_cases[] = {
    {"a missing file", NULL, NULL, "{dir}/missing.tmpl",
     "unable to read the template '{dir}/missing.tmpl': No such file or directory"},
    {"a folder, not a file", NULL, NULL, "{dir}",
     "unable to read the template '{dir}': Is a directory"},
    {"a syntax error", NULL, "[text\n", NULL, ":15: a section header is [name]: [text"},
    {"an unknown key", NULL,
     "[text]\nx = 15\ny = 100\nwidth = 100\nheight = 10\nsize = 10\ncolour = red\n", NULL,
     ":21: unknown key: colour"},
    {"overlapping boxes", NULL,
     "[text]\nx = 15\ny = 100\nwidth = 100\nheight = 10\nsize = 10\ntext = a\n"
     "[text]\nx = 15\ny = 105\nwidth = 100\nheight = 10\nsize = 10\ntext = b\n",
     NULL, ":15: this section overlaps the section at line 22"},
    {"a missing font file", "font = {dir}/missing.ttf\n", "", NULL,
     ":4: font file cannot be opened: {dir}/missing.ttf"},
    {"a font file that is not a font", "font = {dir}/not-a-font.ttf\n", "", NULL,
     "unable to load font '{dir}/not-a-font.ttf': unknown file format"},
    {"a fixed text too long for its box", NULL,
     "[text]\nx = 15\ny = 100\nwidth = 20\nheight = 5\nsize = 10\n"
     "text = "
     "とても長い固定の文章は、その場所に収まらないので、テンプレートの誤りとして報告される\n",
     NULL, ":15: the text needs"},
    {"an address block taller than the window", NULL, "lines = 6\nsize = 16\n", NULL,
     "the address block needs"},
};

/* pattern with each {dir} replaced by dir, into out (cap bytes). */
static char *with_dir(const char *pattern, const char *dir, char *out, size_t cap)
{
    size_t len = 0;
    for (const char *pos = pattern; *pos != '\0' && len + 1 < cap;) {
        if (strncmp(pos, "{dir}", 5) == 0) {
            len += (size_t)snprintf(out + len, cap - len, "%s", dir);
            pos += 5;
        } else {
            out[len++] = *pos++;
        }
    }
    out[len < cap ? len : cap - 1] = '\0';
    return out;
}

/* Runs `kigen <args>` (stdout dropped); the status, and the log in *log. */
static int run_kigen_args(const char *args, char **log)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line), "'%s' -q %s 2>&1 >/dev/null", test_kigen_bin(),
             args);
    return test_run_shell(command_line, log);
}

static void write_text(const char *path, const char *first, const char *second, const char *third,
                       const char *fourth)
{
    FILE *file = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fputs(first, file);
    fputs(second, file);
    fputs(third, file);
    fputs(fourth, file);
    fclose(file);
}

/* Each broken template: `template check` and `run --config` exit 2 with the reason, and
 * the run has created nothing under its --out. */
static void every_unusable_template_or_font_exits_2(void)
{
    char dir[] = "/tmp/kigen-test-template-XXXXXX";
    test_make_temp_dir(dir);
    char not_a_font[256], out_dir[256];
    snprintf(not_a_font, sizeof(not_a_font), "%s/not-a-font.ttf", dir);
    write_text(not_a_font, "this is text, not a TrueType font\n", "", "", "");
    snprintf(out_dir, sizeof(out_dir), "%s/out", dir);
    for (size_t idx = 0; idx < sizeof(unusable_cases) / sizeof(unusable_cases[0]); idx++) {
        const unusable_case *test = &unusable_cases[idx];
        char path[512], font[512], config[512], expected[1024], args[2048];
        if (test->body == NULL) {
            with_dir(test->path, dir, path, sizeof(path));
        } else {
            snprintf(path, sizeof(path), "%s/broken-%zu.tmpl", dir, idx);
            with_dir(test->font != NULL ? test->font : default_font, dir, font, sizeof(font));
            write_text(path, head_before_font, font, head_after_font, test->body);
        }
        with_dir(test->expected, dir, expected, sizeof(expected));
        char *log = NULL;
        snprintf(args, sizeof(args), "template check '%s'", path);
        int status = run_kigen_args(args, &log);
        CU_ASSERT_EQUAL(status, UNUSABLE_STATUS);
        test_contains(log, expected);
        if (status != UNUSABLE_STATUS)
            fprintf(stderr, "\n%s: template check exits %d\n", test->name, status);
        free(log);
        snprintf(config, sizeof(config), "%s/kigen.conf", dir);
        write_text(config, "template = ", path, "\n", "");
        snprintf(args, sizeof(args), "run --date 2026-12-01 --config '%s' --out '%s'", config,
                 out_dir);
        status = run_kigen_args(args, &log);
        CU_ASSERT_EQUAL(status, UNUSABLE_STATUS);
        test_contains(log, expected);
        if (status != UNUSABLE_STATUS)
            fprintf(stderr, "\n%s: run exits %d\n", test->name, status);
        free(log);
        struct stat info;
        CU_ASSERT_NOT_EQUAL(stat(out_dir, &info), 0); /* nothing written */
    }
    test_remove_dir(dir);
}

/* A template path the configuration cannot take is the same status. */
static void a_template_path_the_configuration_refuses_exits_2(void)
{
    char dir[] = "/tmp/kigen-test-template-XXXXXX";
    test_make_temp_dir(dir);
    char config[256], args[1024];
    snprintf(config, sizeof(config), "%s/kigen.conf", dir);
    write_text(config, "inquiry_template = templates/\"inquiry\".tmpl\n", "", "", "");
    snprintf(args, sizeof(args), "run --date 2026-12-01 --config '%s' --out '%s/out'", config, dir);
    char *log = NULL;
    CU_ASSERT_EQUAL(run_kigen_args(args, &log), UNUSABLE_STATUS);
    test_contains(log, ":1: unable to use inquiry_template = 'templates/\"inquiry\".tmpl': a file "
                       "path");
    free(log);
    test_remove_dir(dir);
}

int tests_register_template(void)
{
    static const test_case cases[] = {
        {"every_unusable_template_or_font_exits_2", every_unusable_template_or_font_exits_2},
        {"a_template_path_the_configuration_refuses_exits_2",
         a_template_path_the_configuration_refuses_exits_2},
        {NULL, NULL},
    };
    return tests_add_suite("template", cases);
}
