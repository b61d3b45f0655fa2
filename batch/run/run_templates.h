/*
 * run_templates.h - the templates of a run: the notice, the form enclosed with it (none
 * when the configuration says so) and the inquiry for proxy requests, each loaded and
 * checked before the run reads or writes anything, with the painters that the run's own
 * checks use (glyph coverage, address block). Print workers make their own painters.
 */
#ifndef KIGEN_RUN_TEMPLATES_H
#define KIGEN_RUN_TEMPLATES_H

#include "../common/error.h"
#include "render/notice.h"
#include "render/template.h"
#include "run_config.h"

typedef struct run_templates {
    notice_template *notice;           /* owned */
    notice_template *enclosure;        /* owned; NULL: notices go without a form */
    notice_template *inquiry;          /* owned */
    notice_painter *notice_painter;    /* owned: the scan's checks */
    notice_painter *inquiry_painter;   /* owned: the inquiries' checks */
    notice_painter *enclosure_painter; /* owned; NULL without an enclosure: its checks */
} run_templates;

/* Loads the configured templates; on failure nothing stays loaded. */
kg_err run_templates_load(const run_config *config, run_templates *out, kg_errbuf *errbuf);

void run_templates_free(run_templates *templates); /* a zeroed one is fine */

/* Pages of one notice in its print file: the notice, and its enclosed form. */
int run_templates_pages_per_notice(const run_templates *templates);

#endif
