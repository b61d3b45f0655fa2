/*
 * load_source.c - plain or gzip extract files as one byte stream (see load_source.h).
 *
 * The only file that includes zlib.h. The compressed input is read in 256 KiB blocks and
 * inflated straight into the CSV reader's buffer.
 */
#include "load_source.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define SOURCE_BLOCK (256 * 1024)
#define SOURCE_PATH_MAX 4096

struct load_source {
    FILE *file;
    int gzip;
    int stream_ready; /* inflateInit2 done */
    z_stream stream;
    unsigned char *in; /* compressed block */
    int member_open;   /* inside a gzip member (its end not seen yet) */
    int at_end;
    char fault[160]; /* why the last read failed */
    long long size, consumed;
    char path[SOURCE_PATH_MAX];
};

static int exists(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0;
}

kg_err load_source_open(const char *dir, const char *name, load_source **out, kg_errbuf *errbuf)
{
    *out = NULL;
    char plain[SOURCE_PATH_MAX], packed[SOURCE_PATH_MAX];
    snprintf(plain, sizeof(plain), "%s/%s", dir, name);
    snprintf(packed, sizeof(packed), "%s/%s.gz", dir, name);
    int has_plain = exists(plain), has_packed = exists(packed);
    if (!has_plain && !has_packed)
        return KG_OK;
    if (has_plain && has_packed)
        return kg_fail(errbuf, KG_ERR_IO_READ,
                       "unable to load '%s': both %s and %s.gz are there\n"
                       "HINT: leave one of them in the extract's folder",
                       dir, name, name);
    load_source *source = calloc(1, sizeof(*source));
    if (source == NULL)
        return kg_fail(errbuf, KG_ERR_NOMEM, "unable to open '%s': out of memory", name);
    snprintf(source->path, sizeof(source->path), "%s", has_packed ? packed : plain);
    source->gzip = has_packed;
    source->file = fopen(source->path, "rb");
    if (source->file == NULL) {
        kg_err err = kg_fail(errbuf, KG_ERR_IO_READ, "unable to open '%s': %s", source->path,
                             strerror(errno));
        load_source_free(source);
        return err;
    }
    struct stat info;
    if (fstat(fileno(source->file), &info) == 0)
        source->size = (long long)info.st_size;
    if (source->gzip) {
        source->in = malloc(SOURCE_BLOCK);
        /* 15 + 16: a gzip header and trailer (not zlib's, not raw deflate) */
        if (source->in == NULL || inflateInit2(&source->stream, 15 + 16) != Z_OK) {
            load_source_free(source);
            return kg_fail(errbuf, KG_ERR_NOMEM, "unable to inflate '%s': out of memory", packed);
        }
        source->stream_ready = 1;
    }
    *out = source;
    return KG_OK;
}

static long fail(load_source *source, const char *fault)
{
    snprintf(source->fault, sizeof(source->fault), "%s", fault);
    return -1;
}

/* Inflates into buf until it is full or the input ends. */
static long read_gzip(load_source *source, unsigned char *buf, size_t cap)
{
    z_stream *stream = &source->stream;
    size_t filled = 0;
    while (filled < cap && !source->at_end) {
        if (stream->avail_in == 0) {
            size_t got = fread(source->in, 1, SOURCE_BLOCK, source->file);
            if (got == 0 && ferror(source->file))
                return fail(source, strerror(errno));
            source->consumed += (long long)got;
            if (got == 0) {
                if (source->member_open)
                    return fail(source, "truncated gzip data (the file ends inside it)");
                if (source->consumed == 0)
                    return fail(source, "empty file, not gzip data");
                source->at_end = 1;
                break;
            }
            stream->next_in = source->in;
            stream->avail_in = (uInt)got;
        }
        if (!source->member_open) {
            /* a new member starts: the first, or one more after a complete one */
            if (inflateReset(stream) != Z_OK)
                return fail(source, "unable to restart inflate");
            source->member_open = 1;
        }
        size_t room = cap - filled;
        stream->next_out = buf + filled;
        stream->avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
        int status = inflate(stream, Z_NO_FLUSH);
        filled += room - stream->avail_out;
        if (status == Z_STREAM_END) {
            source->member_open = 0;
        } else if (status == Z_DATA_ERROR) {
            char fault[160];
            snprintf(fault, sizeof(fault), "corrupt gzip data (%s)",
                     stream->msg != NULL ? stream->msg : "invalid data");
            return fail(source, fault);
        } else if (status == Z_MEM_ERROR) {
            return fail(source, "out of memory");
        } else if (status != Z_OK && status != Z_BUF_ERROR) {
            return fail(source, "corrupt gzip data");
        }
    }
    return (long)filled;
}

long load_source_read(void *source_ptr, void *buf, size_t cap)
{
    load_source *source = source_ptr;
    if (source->gzip)
        return read_gzip(source, buf, cap);
    size_t got = fread(buf, 1, cap, source->file);
    source->consumed += (long long)got;
    if (got == 0 && ferror(source->file))
        return fail(source, strerror(errno));
    return (long)got;
}

const char *load_source_path(const load_source *source)
{
    return source->path;
}

kg_err load_source_fail(const load_source *source, kg_errbuf *errbuf)
{
    return kg_fail(errbuf, KG_ERR_IO_READ, "unable to read '%s': %s", source->path,
                   source->fault[0] != '\0' ? source->fault : "read error");
}

void load_source_position(const load_source *source, long long *done, long long *total)
{
    *done = source->consumed;
    *total = source->size;
}

void load_source_free(load_source *source)
{
    if (source == NULL)
        return;
    if (source->stream_ready)
        inflateEnd(&source->stream);
    if (source->file != NULL)
        fclose(source->file);
    free(source->in);
    free(source);
}
