/*
 * shape.c - text_shape and text_draw of text.h: characters assigned to the first font
 * that prints them, each same-font segment shaped with HarfBuzz into the run's reusable
 * arrays, and drawn with cairo_show_text_glyphs. No line breaking (linebreak.c), no
 * vertical text, no right-to-left scripts.
 */
#include <stdlib.h>
#include <string.h>

#include "draw_status.h"
#include "text_internal.h"

void text_run_init(text_run *run)
{
    memset(run, 0, sizeof(*run));
}

void text_run_reset(text_run *run)
{
    run->size_pt = 0.0;
    run->width = 0.0;
    run->missing = 0;
    run->text_len = 0;
    run->glyph_count = 0;
    run->segment_count = 0;
    run->cluster_count = 0;
}

void text_run_free(text_run *run)
{
    if (run == NULL)
        return;
    free(run->text);
    free(run->glyphs);
    free(run->segments);
    free(run->cairo_glyphs);
    free(run->clusters);
    text_run_init(run);
}

static kg_err reserve_text(text_run *run, size_t need)
{
    if (need <= run->text_cap)
        return KG_OK;
    size_t cap = text_grow_cap(run->text_cap, need);
    char *text = text_realloc_array(run->text, cap, 1);
    if (text == NULL)
        return KG_ERR_NOMEM;
    run->text = text;
    run->text_cap = cap;
    return KG_OK;
}

static kg_err reserve_glyphs(text_run *run, size_t need)
{
    if (need <= run->glyph_cap)
        return KG_OK;
    size_t cap = text_grow_cap(run->glyph_cap, need);
    text_glyph *glyphs = text_realloc_array(run->glyphs, cap, sizeof(*glyphs));
    if (glyphs == NULL)
        return KG_ERR_NOMEM;
    run->glyphs = glyphs;
    cairo_glyph_t *cairo_glyphs = text_realloc_array(run->cairo_glyphs, cap, sizeof(*cairo_glyphs));
    if (cairo_glyphs == NULL)
        return KG_ERR_NOMEM;
    run->cairo_glyphs = cairo_glyphs;
    run->glyph_cap = cap;
    return KG_OK;
}

static kg_err reserve_segments(text_run *run, size_t need)
{
    if (need <= run->segment_cap)
        return KG_OK;
    size_t cap = text_grow_cap(run->segment_cap, need);
    text_segment *segments = text_realloc_array(run->segments, cap, sizeof(*segments));
    if (segments == NULL)
        return KG_ERR_NOMEM;
    run->segments = segments;
    run->segment_cap = cap;
    return KG_OK;
}

static kg_err reserve_clusters(text_run *run, size_t need)
{
    if (need <= run->cluster_cap)
        return KG_OK;
    size_t cap = text_grow_cap(run->cluster_cap, need);
    cairo_text_cluster_t *clusters = text_realloc_array(run->clusters, cap, sizeof(*clusters));
    if (clusters == NULL)
        return KG_ERR_NOMEM;
    run->clusters = clusters;
    run->cluster_cap = cap;
    return KG_OK;
}

/* Splits the run's text into segments, each the longest stretch of characters whose
 * first printing font is the same. */
static kg_err split_segments(const text_fonts *fonts, text_run *run)
{
    size_t pos = 0;
    while (pos < run->text_len) {
        text_unit unit;
        size_t font_idx;
        uint32_t missing_cp;
        text_unit_next(run->text, run->text_len, pos, &unit);
        if (!text_unit_font(fonts, run->text, &unit, &font_idx, &missing_cp)) {
            run->missing++;
            font_idx = run->segment_count > 0 ? run->segments[run->segment_count - 1].font_idx : 0;
        }
        if (run->segment_count == 0 || run->segments[run->segment_count - 1].font_idx != font_idx) {
            if (reserve_segments(run, run->segment_count + 1) != KG_OK)
                return KG_ERR_NOMEM;
            text_segment *segment = &run->segments[run->segment_count++];
            memset(segment, 0, sizeof(*segment));
            segment->font_idx = font_idx;
            segment->byte_start = unit.start;
        }
        text_segment *segment = &run->segments[run->segment_count - 1];
        segment->byte_len = unit.end - segment->byte_start;
        pos = unit.end;
    }
    return KG_OK;
}

/* The glyph-to-text mapping of a shaped segment for cairo_show_text_glyphs: one cluster
 * per distinct HarfBuzz cluster value; the whole segment as one cluster should HarfBuzz
 * ever give non-monotonic values. */
static kg_err segment_clusters(text_run *run, text_segment *segment)
{
    const text_glyph *glyphs = run->glyphs + segment->glyph_start;
    size_t seg_end = segment->byte_start + segment->byte_len;
    bool monotonic = true;
    for (size_t glyph_idx = 0; glyph_idx < segment->glyph_count; glyph_idx++) {
        uint32_t cluster = glyphs[glyph_idx].cluster;
        if (cluster < segment->byte_start || cluster >= seg_end ||
            (glyph_idx > 0 && cluster < glyphs[glyph_idx - 1].cluster))
            monotonic = false;
    }
    segment->cluster_start = run->cluster_count;
    if (!monotonic || segment->glyph_count == 0) {
        if (reserve_clusters(run, run->cluster_count + 1) != KG_OK)
            return KG_ERR_NOMEM;
        run->clusters[run->cluster_count].num_bytes = (int)segment->byte_len;
        run->clusters[run->cluster_count].num_glyphs = (int)segment->glyph_count;
        run->cluster_count++;
        segment->cluster_count = 1;
        return KG_OK;
    }
    size_t cluster_begin = segment->byte_start;
    size_t glyph_idx = 0;
    while (glyph_idx < segment->glyph_count) {
        size_t next_idx = glyph_idx + 1;
        while (next_idx < segment->glyph_count &&
               glyphs[next_idx].cluster == glyphs[glyph_idx].cluster)
            next_idx++;
        size_t cluster_end = next_idx < segment->glyph_count ? glyphs[next_idx].cluster : seg_end;
        if (reserve_clusters(run, run->cluster_count + 1) != KG_OK)
            return KG_ERR_NOMEM;
        run->clusters[run->cluster_count].num_bytes = (int)(cluster_end - cluster_begin);
        run->clusters[run->cluster_count].num_glyphs = (int)(next_idx - glyph_idx);
        run->cluster_count++;
        segment->cluster_count++;
        cluster_begin = cluster_end;
        glyph_idx = next_idx;
    }
    return KG_OK;
}

static kg_err shape_segment(text_fonts *fonts, text_run *run, text_segment *segment)
{
    const text_font *font = &fonts->fonts[segment->font_idx];
    hb_buffer_t *buffer = fonts->buffer;
    hb_buffer_clear_contents(buffer);
    hb_buffer_add_utf8(buffer, run->text, (int)run->text_len, (unsigned)segment->byte_start,
                       (int)segment->byte_len);
    hb_buffer_set_direction(buffer, HB_DIRECTION_LTR);
    hb_buffer_set_language(buffer, fonts->language);
    hb_buffer_guess_segment_properties(buffer);
    hb_shape(font->hb_font, buffer, NULL, 0);
    if (!hb_buffer_allocation_successful(buffer))
        return KG_ERR_NOMEM;

    unsigned int count;
    const hb_glyph_info_t *infos = hb_buffer_get_glyph_infos(buffer, &count);
    const hb_glyph_position_t *positions = hb_buffer_get_glyph_positions(buffer, &count);
    if (reserve_glyphs(run, run->glyph_count + count) != KG_OK)
        return KG_ERR_NOMEM;
    double pt_per_unit = run->size_pt / font->units_per_em;
    segment->glyph_start = run->glyph_count;
    segment->glyph_count = count;
    segment->x = run->width;
    double pen = run->width;
    for (unsigned int glyph_idx = 0; glyph_idx < count; glyph_idx++) {
        text_glyph *glyph = &run->glyphs[run->glyph_count + glyph_idx];
        glyph->glyph_id = infos[glyph_idx].codepoint;
        glyph->cluster = infos[glyph_idx].cluster;
        glyph->x_advance = positions[glyph_idx].x_advance * pt_per_unit;
        glyph->x_offset = positions[glyph_idx].x_offset * pt_per_unit;
        glyph->y_offset = -positions[glyph_idx].y_offset * pt_per_unit;
        cairo_glyph_t *cairo_glyph = &run->cairo_glyphs[run->glyph_count + glyph_idx];
        cairo_glyph->index = glyph->glyph_id;
        cairo_glyph->x = pen + glyph->x_offset;
        cairo_glyph->y = glyph->y_offset;
        pen += glyph->x_advance;
    }
    run->glyph_count += count;
    segment->width = pen - run->width;
    run->width = pen;
    return segment_clusters(run, segment);
}

kg_err text_shape(text_fonts *fonts, const char *utf8, size_t len, double size_pt, text_run *run)
{
    text_run_reset(run);
    if (len > TEXT_MAX_BYTES)
        return KG_ERR_TEXT_TOO_LONG;
    if (!(size_pt > 0.0))
        return KG_ERR_INTERNAL;
    kg_err err = reserve_text(run, len);
    if (err != KG_OK)
        goto cleanup;
    if (len > 0)
        memcpy(run->text, utf8, len);
    run->text_len = len;
    run->size_pt = size_pt;
    err = split_segments(fonts, run);
    if (err != KG_OK)
        goto cleanup;
    for (size_t seg_idx = 0; seg_idx < run->segment_count; seg_idx++) {
        err = shape_segment(fonts, run, &run->segments[seg_idx]);
        if (err != KG_OK)
            goto cleanup;
    }
    return KG_OK;

cleanup:
    text_run_reset(run);
    return err;
}

kg_err text_draw(cairo_t *cr, const text_fonts *fonts, const text_run *run, double x,
                 double y_baseline)
{
    kg_err err = draw_status_error(cairo_status(cr));
    if (err != KG_OK)
        return err;
    /* cairo refuses text that is not UTF-8: such a run is drawn without its text. */
    bool text_valid = true;
    for (size_t pos = 0; pos < run->text_len && text_valid;) {
        uint32_t code_point;
        pos += text_utf8_decode(run->text, run->text_len, pos, &code_point, &text_valid);
    }
    for (size_t seg_idx = 0; seg_idx < run->segment_count; seg_idx++)
        if (run->segments[seg_idx].font_idx >= fonts->count)
            return KG_ERR_INTERNAL; /* shaped with another set */
    cairo_save(cr);
    cairo_translate(cr, x, y_baseline);
    for (size_t seg_idx = 0; seg_idx < run->segment_count; seg_idx++) {
        const text_segment *segment = &run->segments[seg_idx];
        cairo_set_font_face(cr, fonts->fonts[segment->font_idx].cairo_face);
        cairo_set_font_size(cr, run->size_pt);
        const cairo_glyph_t *glyphs = run->cairo_glyphs + segment->glyph_start;
        if (text_valid)
            cairo_show_text_glyphs(cr, run->text + segment->byte_start, (int)segment->byte_len,
                                   glyphs, (int)segment->glyph_count,
                                   run->clusters + segment->cluster_start,
                                   (int)segment->cluster_count, 0);
        else
            cairo_show_glyphs(cr, glyphs, (int)segment->glyph_count);
    }
    cairo_restore(cr);
    return draw_status_error(cairo_status(cr));
}
