/*
 * manifest_read.c - the reader of kigen's manifest.json (see manifest_read.h).
 *
 * Recursive descent over the bytes, with the depth bounded, every read checked against
 * the end, and numbers kept as text until an integer is wanted.
 */
#include "manifest_read.h"
#include "i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_FILES_MAX 1000000

typedef struct reader {
    const char *start;
    const char *pos;
    const char *end;
    char *why;
    size_t why_cap;
    bool failed;
} reader;

static int fail(reader *rd, const char *what)
{
    if (!rd->failed)
        snprintf(rd->why, rd->why_cap, _("byte %zu: %s"), (size_t)(rd->pos - rd->start) + 1,
                 _(what));
    rd->failed = true;
    return -1;
}

static void skip_space(reader *rd)
{
    while (rd->pos < rd->end &&
           (*rd->pos == ' ' || *rd->pos == '\t' || *rd->pos == '\n' || *rd->pos == '\r'))
        rd->pos++;
}

/* Takes c (after white space); 0 when it is there. */
static int take(reader *rd, char c)
{
    skip_space(rd);
    if (rd->pos >= rd->end || *rd->pos != c)
        return -1;
    rd->pos++;
    return 0;
}

static int expect(reader *rd, char c, const char *what)
{
    return take(rd, c) == 0 ? 0 : fail(rd, what);
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string; its bytes between the quotes (escapes kept as written) into out (cap bytes
 * with the NUL; NULL: skipped) and *escaped when it holds one. */
static int read_string(reader *rd, char *out, size_t cap, bool *escaped)
{
    if (expect(rd, '"', N_("a string was expected")) != 0)
        return -1;
    size_t len = 0;
    if (escaped != NULL)
        *escaped = false;
    while (rd->pos < rd->end && *rd->pos != '"') {
        unsigned char c = (unsigned char)*rd->pos;
        size_t width = 1; /* an escape's bytes are kept together */
        if (c < 0x20)
            return fail(rd, N_("a control character in a string"));
        if (c == '\\') {
            if (escaped != NULL)
                *escaped = true;
            if (rd->end - rd->pos < 2)
                return fail(rd, N_("a string does not end"));
            char kind = rd->pos[1];
            width = kind == 'u' ? 6 : 2;
            if (kind == 'u') {
                if (rd->end - rd->pos < 6 || !is_hex(rd->pos[2]) || !is_hex(rd->pos[3]) ||
                    !is_hex(rd->pos[4]) || !is_hex(rd->pos[5]))
                    return fail(rd, N_("a \\u escape without four hex digits"));
            } else if (kind == '\0' || strchr("\"\\/bfnrt", kind) == NULL) {
                return fail(rd, N_("an unknown escape in a string"));
            }
        }
        for (size_t idx = 0; idx < width; idx++, len++)
            if (out != NULL && len + 1 < cap)
                out[len] = rd->pos[idx];
        rd->pos += width;
    }
    if (rd->pos >= rd->end)
        return fail(rd, N_("a string does not end"));
    rd->pos++;
    if (out != NULL) {
        if (len + 1 > cap)
            return fail(rd, N_("a string is too long"));
        out[len] = '\0';
    }
    return 0;
}

/* A number as JSON writes it; *integer when it is digits only (no sign, fraction or
 * exponent) and fits, with its value. */
static int read_number(reader *rd, bool *integer, long long *value)
{
    skip_space(rd);
    bool plain = true;
    long long number = 0;
    if (rd->pos < rd->end && *rd->pos == '-') {
        plain = false;
        rd->pos++;
    }
    const char *digits = rd->pos;
    while (rd->pos < rd->end && *rd->pos >= '0' && *rd->pos <= '9') {
        if (number > (0x7fffffffffffffffLL - 9) / 10)
            plain = false;
        else
            number = number * 10 + (*rd->pos - '0');
        rd->pos++;
    }
    if (rd->pos == digits)
        return fail(rd, N_("a value was expected"));
    if (rd->pos - digits > 1 && *digits == '0')
        return fail(rd, N_("a number with a leading zero"));
    if (rd->pos < rd->end && *rd->pos == '.') {
        plain = false;
        rd->pos++;
        const char *fraction = rd->pos;
        while (rd->pos < rd->end && *rd->pos >= '0' && *rd->pos <= '9')
            rd->pos++;
        if (rd->pos == fraction)
            return fail(rd, N_("a number without digits after its point"));
    }
    if (rd->pos < rd->end && (*rd->pos == 'e' || *rd->pos == 'E')) {
        plain = false;
        rd->pos++;
        if (rd->pos < rd->end && (*rd->pos == '+' || *rd->pos == '-'))
            rd->pos++;
        const char *exponent = rd->pos;
        while (rd->pos < rd->end && *rd->pos >= '0' && *rd->pos <= '9')
            rd->pos++;
        if (rd->pos == exponent)
            return fail(rd, N_("a number without digits in its exponent"));
    }
    if (integer != NULL)
        *integer = plain;
    if (value != NULL)
        *value = number;
    return 0;
}

static int skip_value(reader *rd, int depth);

static int skip_members(reader *rd, int depth, char close, bool keyed)
{
    if (take(rd, close) == 0)
        return 0;
    do {
        if (keyed && (read_string(rd, NULL, 0, NULL) != 0 ||
                      expect(rd, ':', N_("a ':' after a key was expected")) != 0))
            return -1;
        if (skip_value(rd, depth + 1) != 0)
            return -1;
    } while (take(rd, ',') == 0);
    return expect(rd, close,
                  close == '}' ? N_("a ',' or '}' was expected") : N_("a ',' or ']' was expected"));
}

static int take_word(reader *rd, const char *word)
{
    size_t len = strlen(word);
    if ((size_t)(rd->end - rd->pos) < len || memcmp(rd->pos, word, len) != 0)
        return fail(rd, N_("a value was expected"));
    rd->pos += len;
    return 0;
}

static int skip_value(reader *rd, int depth)
{
    if (depth > MANIFEST_MAX_DEPTH)
        return fail(rd, N_("nested too deep"));
    skip_space(rd);
    if (rd->pos >= rd->end)
        return fail(rd, N_("the text ends where a value was expected"));
    switch (*rd->pos) {
    case '{':
        rd->pos++;
        return skip_members(rd, depth, '}', true);
    case '[':
        rd->pos++;
        return skip_members(rd, depth, ']', false);
    case '"':
        return read_string(rd, NULL, 0, NULL);
    case 't':
        return take_word(rd, "true");
    case 'f':
        return take_word(rd, "false");
    case 'n':
        return take_word(rd, "null");
    default:
        return read_number(rd, NULL, NULL);
    }
}

static bool plain_name(const char *name)
{
    return name[0] != '\0' && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
           strchr(name, '/') == NULL && strcmp(name, "manifest.json") != 0;
}

static bool lower_hex(const char *text)
{
    size_t len = strlen(text);
    for (size_t idx = 0; idx < len; idx++)
        if (!((text[idx] >= '0' && text[idx] <= '9') || (text[idx] >= 'a' && text[idx] <= 'f')))
            return false;
    return len == SHA256_HEX_LEN;
}

/* One {"name": ..., "bytes": ..., "sha256": ...} of "files". */
static int read_file_entry(reader *rd, manifest_file *file)
{
    bool has_name = false, has_bytes = false, has_sha = false;
    char key[32];
    memset(file, 0, sizeof(*file));
    if (expect(rd, '{', N_("an object of \"files\" was expected")) != 0)
        return -1;
    if (take(rd, '}') == 0)
        return fail(rd, N_("a file without \"name\", \"bytes\" and \"sha256\""));
    do {
        bool escaped = false;
        skip_space(rd);
        const char *key_at = rd->pos;
        if (read_string(rd, NULL, 0, NULL) != 0)
            return -1;
        size_t key_len = (size_t)(rd->pos - key_at) - 2;
        snprintf(key, sizeof(key), "%.*s", key_len < sizeof(key) ? (int)key_len : 0, key_at + 1);
        if (expect(rd, ':', N_("a ':' after a key was expected")) != 0)
            return -1;
        if (strcmp(key, "name") == 0) {
            if (has_name)
                return fail(rd, N_("a file with two names"));
            if (read_string(rd, file->name, sizeof(file->name), &escaped) != 0)
                return -1;
            if (escaped || !plain_name(file->name))
                return fail(rd, N_("a file name that is not a plain name of the folder"));
            has_name = true;
        } else if (strcmp(key, "bytes") == 0) {
            bool integer = false;
            if (has_bytes)
                return fail(rd, N_("a file with two sizes"));
            if (read_number(rd, &integer, &file->bytes) != 0)
                return -1;
            if (!integer)
                return fail(rd, N_("\"bytes\" is not a count of bytes"));
            has_bytes = true;
        } else if (strcmp(key, "sha256") == 0) {
            char hex[SHA256_HEX_LEN + 2];
            if (has_sha)
                return fail(rd, N_("a file with two sha256"));
            skip_space(rd);
            if (rd->pos >= rd->end || *rd->pos != '"')
                return fail(rd, N_("\"sha256\" is not a string"));
            if (read_string(rd, hex, sizeof(hex), &escaped) != 0)
                return -1;
            if (escaped || !lower_hex(hex))
                return fail(rd, N_("\"sha256\" is not 64 lowercase hex digits"));
            memcpy(file->sha256, hex, sizeof(file->sha256));
            has_sha = true;
        } else if (skip_value(rd, 3) != 0) {
            return -1;
        }
    } while (take(rd, ',') == 0);
    if (expect(rd, '}', N_("a ',' or '}' was expected")) != 0)
        return -1;
    if (!has_name || !has_bytes || !has_sha)
        return fail(rd, N_("a file without \"name\", \"bytes\" and \"sha256\""));
    return 0;
}

static int read_files(reader *rd, manifest *out)
{
    size_t cap = 0;
    if (expect(rd, '[', N_("\"files\" is not an array")) != 0)
        return -1;
    if (take(rd, ']') == 0)
        return 0;
    do {
        if (out->count == cap) {
            size_t grown = cap == 0 ? 16 : cap * 2;
            manifest_file *files =
                grown <= MANIFEST_FILES_MAX ? realloc(out->files, grown * sizeof(*files)) : NULL;
            if (files == NULL)
                return fail(rd, grown <= MANIFEST_FILES_MAX ? N_("out of memory")
                                                            : N_("too many files"));
            out->files = files;
            cap = grown;
        }
        manifest_file *file = &out->files[out->count];
        if (read_file_entry(rd, file) != 0)
            return -1;
        for (size_t idx = 0; idx < out->count; idx++)
            if (strcmp(out->files[idx].name, file->name) == 0)
                return fail(rd, N_("a file listed twice"));
        out->count++;
    } while (take(rd, ',') == 0);
    return expect(rd, ']', N_("a ',' or ']' was expected"));
}

int manifest_parse(const char *text, size_t len, manifest *out, char *why, size_t why_cap)
{
    reader rd = {text, text, text + len, why, why_cap, false};
    bool has_files = false, has_run_date = false;
    memset(out, 0, sizeof(*out));
    if (why_cap > 0)
        why[0] = '\0';
    int status = expect(&rd, '{', N_("not a JSON object"));
    if (status == 0 && take(&rd, '}') != 0) {
        do {
            char key[32];
            skip_space(&rd);
            const char *key_at = rd.pos;
            status = read_string(&rd, NULL, 0, NULL);
            size_t key_len = status == 0 ? (size_t)(rd.pos - key_at) - 2 : 0;
            snprintf(key, sizeof(key), "%.*s", key_len < sizeof(key) ? (int)key_len : 0,
                     key_at + 1);
            if (status == 0)
                status = expect(&rd, ':', N_("a ':' after a key was expected"));
            if (status == 0 && strcmp(key, "files") == 0) {
                status = has_files ? fail(&rd, N_("\"files\" twice")) : read_files(&rd, out);
                has_files = true;
            } else if (status == 0) {
                has_run_date |= strcmp(key, "run_date") == 0;
                status = skip_value(&rd, 1);
            }
        } while (status == 0 && take(&rd, ',') == 0);
        if (status == 0)
            status = expect(&rd, '}', N_("a ',' or '}' was expected"));
    }
    skip_space(&rd);
    if (status == 0 && rd.pos != rd.end)
        status = fail(&rd, N_("more text after the manifest's object"));
    if (status == 0 && (!has_files || !has_run_date)) {
        snprintf(why, why_cap, _("it has no \"%s\""), has_files ? "run_date" : "files");
        status = -1;
    }
    if (status != 0)
        manifest_free(out);
    return status;
}

void manifest_free(manifest *listed)
{
    free(listed->files);
    listed->files = NULL;
    listed->count = 0;
}
