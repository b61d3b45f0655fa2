/*
 * cmd_template.c - `kigen template check FILE...` and `kigen template preview FILE
 * OUT.pdf`: for the clerk who edits a template (README "Templates").
 *
 * check loads each template as the run would (fonts, layout, overlaps) and says what is
 * wrong with file:line; preview draws one page of fictitious data with it, so that a
 * change can be looked at before the night's run. Neither touches the database.
 */
#include <stdio.h>
#include <string.h>

#include <cairo.h>

#include "commands.h"
#include "common/kdate.h"
#include "common/options.h"
#include "run/run_config.h"
#include "common/out_file.h"
#include "render/notice.h"
#include "render/template.h"
#include "run/pdf_file.h"
#include "common/i18n.h"

static const char synopsis[] = N_("usage: kigen template check FILE...\n"
                                  "       kigen template preview FILE OUT.pdf");
static const char help[] =
    N_("usage: kigen template check FILE...\n"
       "       kigen template preview FILE OUT.pdf\n"
       "\n"
       "For the clerk who edits a template (README \"Templates\"); neither touches the\n"
       "database.\n"
       "\n"
       "  check FILE...       load each template as the run would (fonts, layout, overlaps)\n"
       "                      and say what is wrong with file:line (exit status 2)\n"
       "  preview FILE OUT    draw one page of fictitious data with the template into OUT.pdf\n"
       "  --config FILE       the configuration, for its language (default: the installed\n"
       "                      kigen.conf)\n"
       "  -h, --help          this text\n");

#define TEMPLATE_MAX_OPERANDS 256

static const struct option long_options[] = {OPTIONS_CONFIG_ENTRY, OPTIONS_HELP_ENTRY, OPTIONS_END};

static kg_err load(const char *path, notice_template **tmpl, notice_painter **painter,
                   kg_errbuf *errbuf)
{
    *painter = NULL;
    kg_err err = template_load(path, tmpl, errbuf);
    if (err == KG_OK)
        err = notice_painter_new(*tmpl, painter, errbuf);
    return err;
}

static kg_err check(const cmd_context *ctx, int argc, char **argv, kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    for (int idx = 1; idx < argc && err == KG_OK; idx++) {
        notice_template *tmpl = NULL;
        notice_painter *painter = NULL;
        err = load(argv[idx], &tmpl, &painter, errbuf);
        if (err == KG_OK)
            fprintf(ctx->out, _("%s: ok (%zu sections, %zu fonts, %s)\n"), argv[idx],
                    tmpl->element_count, tmpl->font_count,
                    tmpl->has_address ? _("address block in the window") : _("no address block"));
        notice_painter_free(painter);
        template_free(tmpl);
    }
    return err;
}

/* One page of fictitious data, with every field filled. */
static kg_err preview(const cmd_context *ctx, const char *path, const char *out, kg_errbuf *errbuf)
{
    notice_template *tmpl = NULL;
    notice_painter *painter = NULL;
    kg_err err = load(path, &tmpl, &painter, errbuf);
    notice_cert certs[2] = {{"sign", 0, 0, "card"}, {"auth", 0, 0, "birthday"}};
    kdate run_date = 0;
    if (err == KG_OK && (kdate_parse("2026-12-01", 10, &run_date) != KG_OK ||
                         kdate_parse("2027-02-10", 10, &certs[0].expiry) != KG_OK ||
                         kdate_parse("2026-11-11", 10, &certs[0].window_open) != KG_OK))
        err = kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to set the preview's dates"));
    certs[1].expiry = certs[0].expiry;
    certs[1].window_open = certs[0].window_open;
    notice_data data = notice_sample(run_date, NULL, certs, 2);
    char dir[OUT_FILE_PATH_CAP], name[OUT_FILE_PATH_CAP];
    if (err == KG_OK)
        err = out_file_split_path(out, dir, name, errbuf);
    if (err == KG_OK) /* what a killed preview left there */
        err = out_file_sweep(dir, errbuf);
    pdf_file file; /* private, complete or absent, like the run's print files */
    if (err == KG_OK) {
        err = pdf_file_open(&file, dir, name, tmpl->page_width * NOTICE_PT_PER_MM,
                            tmpl->page_height * NOTICE_PT_PER_MM, run_date, errbuf);
        if (err == KG_OK) {
            cairo_t *cr = cairo_create(file.surface);
            err = notice_paint(painter, cr, &data, errbuf);
            cairo_show_page(cr);
            cairo_destroy(cr);
        }
        err = pdf_file_close(&file, err, errbuf);
    }
    if (err == KG_OK)
        fprintf(ctx->out, _("%s: one page of fictitious data drawn with %s\n"), out, path);
    notice_painter_free(painter);
    template_free(tmpl);
    return err;
}

kg_err cmd_template(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    kg_errbuf *errbuf = &outcome->error;
    options_common common = {.conninfo = ctx->conninfo};
    char *operands[TEMPLATE_MAX_OPERANDS]; /* the action, then its files */
    int count = 0;
    options_start();
    int opt;
    while ((opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND && count < TEMPLATE_MAX_OPERANDS)
            operands[count++] = optarg;
        else if (opt == OPTIONS_OPERAND)
            return options_extra_operand(optarg, "template", synopsis, errbuf);
        else if (!options_take_common(&common, opt))
            return options_fail(argc, argv, opt, long_options, "template", synopsis, errbuf);
    }
    for (; optind < argc; optind++) { /* the operands after -- */
        if (count >= TEMPLATE_MAX_OPERANDS)
            return options_extra_operand(argv[optind], "template", synopsis, errbuf);
        operands[count++] = argv[optind];
    }
    run_config settings = run_config_default(); /* --config or the default: its language */
    kg_err config_err = run_config_read_command(&settings, &common.config_path, errbuf);
    if (config_err != KG_OK)
        return config_err;
    if (common.help)
        return options_print_help(ctx->out, help, errbuf);
    if (count >= 2 && strcmp(operands[0], "check") == 0)
        return check(ctx, count, operands, errbuf);
    if (count == 3 && strcmp(operands[0], "preview") == 0)
        return preview(ctx, operands[1], operands[2], errbuf);
    return kg_fail(errbuf, KG_ERR_USAGE, _("unable to run kigen template%s%s: %s\n%s"),
                   count > 0 ? " " : "", count > 0 ? operands[0] : "",
                   count == 0                            ? _("no action given")
                   : strcmp(operands[0], "check") == 0   ? _("no FILE given")
                   : strcmp(operands[0], "preview") == 0 ? _("FILE OUT.pdf needed")
                                                         : _("not an action"),
                   _(synopsis));
}
