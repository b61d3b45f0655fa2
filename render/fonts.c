/*
 * fonts.c - the font set of text.h: faces loaded from files with FreeType, their
 * HarfBuzz fonts and Cairo font faces, UTF-8 decoding and the coverage check.
 * Does not shape (shape.c) or break lines (linebreak.c); never asks fontconfig.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-ft.h>
#include <hb-ft.h>

#include "draw_status.h"
#include "text_internal.h"
#include "common/i18n.h"

/* The key tying a Cairo font face to the FreeType face and library it draws with. */
static const cairo_user_data_key_t cairo_face_key;

/* The one translation of FreeType's error codes. */
static const char *ft_cause(FT_Error ft_err)
{
    const char *text = FT_Error_String(ft_err);
    if (text != NULL)
        return text;
    switch (ft_err) {
    case FT_Err_Cannot_Open_Resource:
        return _("cannot open resource");
    case FT_Err_Unknown_File_Format:
        return _("unknown file format");
    case FT_Err_Invalid_File_Format:
        return _("broken file");
    case FT_Err_Out_Of_Memory:
        return _("out of memory");
    case FT_Err_Invalid_Argument:
        return _("invalid argument");
    default:
        return _("FreeType error");
    }
}

size_t text_grow_cap(size_t cap, size_t need)
{
    size_t grown = cap < 64 ? 64 : cap;
    while (grown < need)
        grown *= 2;
    return grown;
}

void *text_realloc_array(void *array, size_t count, size_t elem_size)
{
    if (elem_size != 0 && count > SIZE_MAX / elem_size)
        return NULL;
    return realloc(array, count * elem_size);
}

size_t text_utf8_decode(const char *utf8, size_t len, size_t pos, uint32_t *code_point, bool *valid)
{
    const unsigned char *bytes = (const unsigned char *)utf8;
    unsigned char lead = bytes[pos];
    uint32_t value;
    uint32_t min_value;
    size_t extra;
    *valid = false;
    *code_point = 0xFFFD;
    if (lead < 0x80) {
        *code_point = lead;
        *valid = true;
        return 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        value = lead & 0x1Fu;
        extra = 1;
        min_value = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        value = lead & 0x0Fu;
        extra = 2;
        min_value = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        value = lead & 0x07u;
        extra = 3;
        min_value = 0x10000;
    } else {
        return 1;
    }
    if (len - pos <= extra)
        return 1;
    for (size_t byte_idx = 1; byte_idx <= extra; byte_idx++) {
        unsigned char next = bytes[pos + byte_idx];
        if ((next & 0xC0) != 0x80)
            return 1;
        value = (value << 6) | (next & 0x3Fu);
    }
    if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 1;
    *code_point = value;
    *valid = true;
    return extra + 1;
}

bool text_is_selector(uint32_t code_point)
{
    return (code_point >= 0xFE00 && code_point <= 0xFE0F) ||
           (code_point >= 0xE0100 && code_point <= 0xE01EF);
}

/* Selectors and combining marks stay with the character before them. */
static bool extends_previous(uint32_t code_point)
{
    if (text_is_selector(code_point))
        return true;
    if (code_point < 0x300)
        return false;
    hb_unicode_general_category_t category =
        hb_unicode_general_category(hb_unicode_funcs_get_default(), code_point);
    return category == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
           category == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

void text_unit_next(const char *utf8, size_t len, size_t pos, text_unit *unit)
{
    uint32_t code_point;
    bool valid;
    size_t step = text_utf8_decode(utf8, len, pos, &code_point, &valid);
    unit->start = pos;
    unit->base = code_point;
    unit->valid = valid;
    unit->width = 0.0;
    unit->compound = false;
    pos += step;
    /* An invalid byte, a control character or a lone selector is a character by itself. */
    if (valid && code_point >= 0x20 && !text_is_selector(code_point)) {
        while (pos < len) {
            step = text_utf8_decode(utf8, len, pos, &code_point, &valid);
            if (!valid || !extends_previous(code_point))
                break;
            pos += step;
        }
    }
    unit->end = pos;
}

/* Characters no font may print, whatever its cmap says. */
static bool never_printable(uint32_t code_point)
{
    return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F) ||
           (code_point >= 0xE000 && code_point <= 0xF8FF) || code_point >= 0xF0000 ||
           code_point == 0xFFFD || (code_point >= 0xFDD0 && code_point <= 0xFDEF) ||
           (code_point & 0xFFFEu) == 0xFFFEu || text_is_selector(code_point);
}

/* Whether font prints unit; false with *failing_cp the code point it lacks. */
static bool font_prints(const text_font *font, const char *utf8, const text_unit *unit,
                        uint32_t *failing_cp)
{
    hb_codepoint_t glyph;
    *failing_cp = unit->base;
    if (!hb_font_get_nominal_glyph(font->hb_font, unit->base, &glyph))
        return false;
    size_t pos = unit->start;
    uint32_t code_point;
    bool valid;
    pos += text_utf8_decode(utf8, unit->end, pos, &code_point, &valid);
    while (pos < unit->end) {
        pos += text_utf8_decode(utf8, unit->end, pos, &code_point, &valid);
        *failing_cp = code_point;
        if (text_is_selector(code_point)) {
            if (!hb_font_get_variation_glyph(font->hb_font, unit->base, code_point, &glyph))
                return false;
        } else if (never_printable(code_point) ||
                   !hb_font_get_nominal_glyph(font->hb_font, code_point, &glyph)) {
            return false;
        }
    }
    return true;
}

bool text_unit_font(const text_fonts *fonts, const char *utf8, const text_unit *unit,
                    size_t *font_idx, uint32_t *missing_cp)
{
    *missing_cp = unit->base;
    if (!unit->valid || never_printable(unit->base))
        return false;
    for (size_t idx = 0; idx < fonts->count; idx++) {
        uint32_t failing_cp;
        if (font_prints(&fonts->fonts[idx], utf8, unit, &failing_cp)) {
            *font_idx = idx;
            return true;
        }
        if (*missing_cp == unit->base && failing_cp != unit->base)
            *missing_cp = failing_cp; /* this font has the base but not the sequence */
    }
    return false;
}

bool text_find_missing(const text_fonts *fonts, const char *utf8, size_t len, uint32_t *code_point,
                       size_t *offset)
{
    size_t pos = 0;
    while (pos < len) {
        text_unit unit;
        size_t font_idx;
        uint32_t missing_cp;
        text_unit_next(utf8, len, pos, &unit);
        if (!text_unit_font(fonts, utf8, &unit, &font_idx, &missing_cp)) {
            if (code_point != NULL)
                *code_point = missing_cp;
            if (offset != NULL)
                *offset = unit.start;
            return true;
        }
        pos = unit.end;
    }
    return false;
}

/* Releases what a Cairo font face drew with, when Cairo drops the face (any thread). */
static void cairo_face_release(void *data)
{
    FT_Face face = data;
    FT_Library library = face->glyph->library;
    FT_Done_Face(face);
    FT_Done_FreeType(library);
}

/* A Cairo font face on its own FreeType library and face: Cairo sets sizes on the face
 * it draws with and may release it from another thread, after the set is gone. */
static kg_err cairo_face_new(const char *path, cairo_font_face_t **out, kg_errbuf *errbuf)
{
    FT_Library library;
    FT_Face face;
    FT_Error ft_err = FT_Init_FreeType(&library);
    if (ft_err != 0)
        return kg_fail(errbuf, KG_ERR_FONT_LOAD, _("unable to load font '%s': %s"), path,
                       ft_cause(ft_err));
    ft_err = FT_New_Face(library, path, 0, &face);
    if (ft_err != 0) {
        FT_Done_FreeType(library);
        return kg_fail(errbuf, KG_ERR_FONT_LOAD, _("unable to load font '%s': %s"), path,
                       ft_cause(ft_err));
    }
    cairo_font_face_t *cairo_face = cairo_ft_font_face_create_for_ft_face(face, 0);
    cairo_status_t status = cairo_font_face_status(cairo_face);
    if (status == CAIRO_STATUS_SUCCESS)
        status =
            cairo_font_face_set_user_data(cairo_face, &cairo_face_key, face, cairo_face_release);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(cairo_face);
        FT_Done_Face(face);
        FT_Done_FreeType(library);
        return draw_status_fail(status, errbuf, N_("unable to load font '%s'"), path);
    }
    *out = cairo_face;
    return KG_OK;
}

static kg_err font_load(text_fonts *fonts, const char *path, text_font *font, kg_errbuf *errbuf)
{
    /* FreeType says _("cannot open resource") for every reason; the system says which. */
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return kg_fail(errbuf, KG_ERR_FONT_LOAD, _("unable to load font '%s': %s"), path,
                       strerror(errno));
    close(fd);

    FT_Error ft_err = FT_New_Face(fonts->library, path, 0, &font->face);
    if (ft_err != 0) {
        font->face = NULL;
        return kg_fail(errbuf, KG_ERR_FONT_LOAD, _("unable to load font '%s': %s"), path,
                       ft_cause(ft_err));
    }
    if (FT_Select_Charmap(font->face, FT_ENCODING_UNICODE) != 0)
        return kg_fail(errbuf, KG_ERR_FONT_LOAD, _("unable to load font '%s': %s"), path,
                       _("no Unicode character map"));
    /* One pixel per font unit: HarfBuzz positions are then exact font units (x64). */
    FT_F26Dot6 em = (FT_F26Dot6)font->face->units_per_EM * 64;
    ft_err = FT_Set_Char_Size(font->face, 0, em, 72, 72);
    if (ft_err != 0)
        return kg_fail(errbuf, KG_ERR_FONT_LOAD, _("unable to load font '%s': %s"), path,
                       ft_cause(ft_err));
    font->hb_font = hb_ft_font_create_referenced(font->face);
    int x_scale;
    int y_scale;
    hb_font_get_scale(font->hb_font, &x_scale, &y_scale);
    if (x_scale <= 0)
        return kg_fail(errbuf, KG_ERR_FONT_LOAD, _("unable to load font '%s': %s"), path,
                       _("no usable scale"));
    font->units_per_em = x_scale;
    return cairo_face_new(path, &font->cairo_face, errbuf);
}

kg_err text_fonts_new(const char *const *paths, size_t count, text_fonts **out, kg_errbuf *errbuf)
{
    *out = NULL;
    if (count == 0 || count > TEXT_MAX_FONTS)
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to load fonts: %zu fonts (1 to %d)"), count,
                       TEXT_MAX_FONTS);
    text_fonts *fonts = calloc(1, sizeof(*fonts));
    if (fonts == NULL)
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to load fonts: out of memory"));
    kg_err err = KG_OK;
    text_run_init(&fonts->measure);
    FT_Error ft_err = FT_Init_FreeType(&fonts->library);
    if (ft_err != 0) {
        fonts->library = NULL;
        err = kg_fail(errbuf, KG_ERR_FONT_LOAD, _("unable to load fonts: %s"), ft_cause(ft_err));
        goto cleanup;
    }
    for (size_t font_idx = 0; font_idx < count; font_idx++) {
        fonts->count = font_idx + 1; /* free releases what this font got so far */
        err = font_load(fonts, paths[font_idx], &fonts->fonts[font_idx], errbuf);
        if (err != KG_OK)
            goto cleanup;
    }
    fonts->buffer = hb_buffer_create();
    if (!hb_buffer_allocation_successful(fonts->buffer)) {
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to load fonts: out of memory"));
        goto cleanup;
    }
    fonts->language = hb_language_from_string("ja", -1);
    *out = fonts;
    return KG_OK;

cleanup:
    text_fonts_free(fonts);
    return err;
}

void text_fonts_free(text_fonts *fonts)
{
    if (fonts == NULL)
        return;
    for (size_t font_idx = 0; font_idx < fonts->count; font_idx++) {
        text_font *font = &fonts->fonts[font_idx];
        hb_font_destroy(font->hb_font); /* accepts NULL */
        if (font->face != NULL)
            FT_Done_Face(font->face);
        if (font->cairo_face != NULL)
            cairo_font_face_destroy(font->cairo_face);
    }
    hb_buffer_destroy(fonts->buffer);
    if (fonts->library != NULL)
        FT_Done_FreeType(fonts->library);
    text_run_free(&fonts->measure);
    free(fonts->units);
    free(fonts);
}

size_t text_fonts_count(const text_fonts *fonts)
{
    return fonts->count;
}

cairo_font_face_t *text_fonts_cairo_face(const text_fonts *fonts, size_t font_idx)
{
    return font_idx < fonts->count ? fonts->fonts[font_idx].cairo_face : NULL;
}
