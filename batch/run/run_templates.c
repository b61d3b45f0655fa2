/*
 * run_templates.c - loading the run's templates (see run_templates.h).
 */
#include "run_templates.h"
#include "../common/i18n.h"

#include <string.h>

kg_err run_templates_load(const run_config *config, run_templates *out, kg_errbuf *errbuf)
{
    memset(out, 0, sizeof(*out));
    kg_err err = template_load(config->template_path, &out->notice, errbuf);
    if (err == KG_OK && config->enclosure_path[0] != '\0')
        err = template_load(config->enclosure_path, &out->enclosure, errbuf);
    if (err == KG_OK)
        err = template_load(config->inquiry_path, &out->inquiry, errbuf);
    if (err == KG_OK && !out->inquiry->has_address)
        err = kg_fail(errbuf, KG_ERR_TEMPLATE,
                      _("%s: an inquiry is mailed: it needs [window] and [address]"),
                      config->inquiry_path);
    if (err == KG_OK && !out->notice->has_address)
        err = kg_fail(errbuf, KG_ERR_TEMPLATE,
                      _("%s: a notice is mailed: it needs [window] and [address]"),
                      config->template_path);
    if (err == KG_OK)
        err = notice_painter_new(out->notice, &out->notice_painter, errbuf);
    if (err == KG_OK)
        err = notice_painter_new(out->inquiry, &out->inquiry_painter, errbuf);
    if (err == KG_OK && out->enclosure != NULL)
        err = notice_painter_new(out->enclosure, &out->enclosure_painter, errbuf);
    if (err != KG_OK)
        run_templates_free(out);
    return err;
}

void run_templates_free(run_templates *templates)
{
    notice_painter_free(templates->notice_painter);
    notice_painter_free(templates->inquiry_painter);
    notice_painter_free(templates->enclosure_painter);
    template_free(templates->notice);
    template_free(templates->enclosure);
    template_free(templates->inquiry);
    memset(templates, 0, sizeof(*templates));
}

int run_templates_pages_per_notice(const run_templates *templates)
{
    return templates->enclosure != NULL ? 2 : 1;
}
