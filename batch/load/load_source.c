/*
 * load_source.c - plain or gzip extract files as one byte stream (see load_source.h).
 *
 * The only file that includes zlib.h. A gzip file is inflated by a thread of its own,
 * 256 KiB at a time into a ring of four blocks, while the loader parses and validates
 * what came before (the second core does the inflating: a .gz night costs about what a
 * plain one does). The thread touches nothing but the source's z_stream, FILE and ring.
 */
#include "load_source.h"
#include "../common/i18n.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define SOURCE_BLOCK (256 * 1024)
#define SOURCE_PATH_MAX 4096
#define RING_SLOTS 4

/* One inflated block handed from the thread to the reader. */
typedef struct ring_slot {
    unsigned char data[SOURCE_BLOCK];
    long len; /* bytes in data; 0: the end; -1: failed (fault says why) */
} ring_slot;

struct load_source {
    FILE *file;
    int gzip;
    int stream_ready; /* inflateInit2 done */
    z_stream stream;
    unsigned char *in; /* compressed block */
    int member_open;   /* inside a gzip member (its end not seen yet) */
    int at_end;
    char fault[160]; /* why the last read failed */
    long long size;
    _Atomic long long consumed; /* written by the thread, read for progress */
    char path[SOURCE_PATH_MAX];
    /* the inflating thread and its ring (gzip only) */
    pthread_t thread;
    int thread_started;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    ring_slot *ring;
    size_t produced, taken; /* blocks put into and taken from the ring, ever */
    size_t slot_pos;        /* bytes of the oldest block already handed on */
    int stop;               /* the reader is gone: the thread ends */
    int finished;           /* the thread put its last block (the end or a failure) */
};

static long read_gzip(load_source *source, unsigned char *buf, size_t cap);

static void *inflate_thread(void *arg)
{
    load_source *source = arg;
    for (;;) {
        pthread_mutex_lock(&source->lock);
        while (!source->stop && source->produced - source->taken == RING_SLOTS)
            pthread_cond_wait(&source->changed, &source->lock);
        int stop = source->stop;
        pthread_mutex_unlock(&source->lock);
        if (stop)
            break;
        /* the slot is the thread's until produced moves past it */
        ring_slot *slot = &source->ring[source->produced % RING_SLOTS];
        slot->len = read_gzip(source, slot->data, SOURCE_BLOCK);
        pthread_mutex_lock(&source->lock);
        source->produced++;
        source->finished = slot->len <= 0;
        pthread_cond_broadcast(&source->changed);
        pthread_mutex_unlock(&source->lock);
        if (slot->len <= 0)
            break;
    }
    return NULL;
}

/* Copies from the ring into buf until cap bytes or the end. */
static long read_ring(load_source *source, unsigned char *buf, size_t cap)
{
    size_t filled = 0;
    while (filled < cap) {
        pthread_mutex_lock(&source->lock);
        while (source->produced == source->taken)
            pthread_cond_wait(&source->changed, &source->lock);
        pthread_mutex_unlock(&source->lock);
        ring_slot *slot = &source->ring[source->taken % RING_SLOTS];
        if (slot->len < 0)
            return -1;
        if (slot->len == 0)
            break; /* the end: stays in the ring for the next call */
        size_t count = (size_t)slot->len - source->slot_pos;
        if (count > cap - filled)
            count = cap - filled;
        memcpy(buf + filled, slot->data + source->slot_pos, count);
        filled += count;
        source->slot_pos += count;
        if (source->slot_pos == (size_t)slot->len) {
            source->slot_pos = 0;
            pthread_mutex_lock(&source->lock);
            source->taken++;
            pthread_cond_broadcast(&source->changed);
            pthread_mutex_unlock(&source->lock);
        }
    }
    return (long)filled;
}

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
                       _("unable to load '%s': both %s and %s.gz are there\n"
                         "HINT: leave one of them in the extract's folder"),
                       dir, name, name);
    load_source *source = calloc(1, sizeof(*source));
    if (source == NULL)
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to open '%s': out of memory"), name);
    snprintf(source->path, sizeof(source->path), "%s", has_packed ? packed : plain);
    source->gzip = has_packed;
    source->file = fopen(source->path, "rb");
    if (source->file == NULL) {
        kg_err err = kg_fail(errbuf, KG_ERR_IO_READ, _("unable to open '%s': %s"), source->path,
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
            return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to inflate '%s': out of memory"),
                           packed);
        }
        source->stream_ready = 1;
        source->ring = malloc(sizeof(ring_slot) * RING_SLOTS);
        if (source->ring == NULL || pthread_mutex_init(&source->lock, NULL) != 0) {
            load_source_free(source);
            return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to inflate '%s': out of memory"),
                           packed);
        }
        pthread_cond_init(&source->changed, NULL);
        if (pthread_create(&source->thread, NULL, inflate_thread, source) != 0) {
            pthread_cond_destroy(&source->changed);
            pthread_mutex_destroy(&source->lock);
            free(source->ring);
            source->ring = NULL;
            load_source_free(source);
            return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to inflate '%s': no thread"), packed);
        }
        source->thread_started = 1;
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
                    return fail(source, _("truncated gzip data (the file ends inside it)"));
                if (source->consumed == 0)
                    return fail(source, _("empty file, not gzip data"));
                source->at_end = 1;
                break;
            }
            stream->next_in = source->in;
            stream->avail_in = (uInt)got;
        }
        if (!source->member_open) {
            /* a new member starts: the first, or one more after a complete one */
            if (inflateReset(stream) != Z_OK)
                return fail(source, _("unable to restart inflate"));
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
            snprintf(fault, sizeof(fault), _("corrupt gzip data (%s)"),
                     stream->msg != NULL ? stream->msg : _("invalid data"));
            return fail(source, fault);
        } else if (status == Z_MEM_ERROR) {
            return fail(source, _("out of memory"));
        } else if (status != Z_OK && status != Z_BUF_ERROR) {
            return fail(source, _("corrupt gzip data"));
        }
    }
    return (long)filled;
}

long load_source_read(void *source_ptr, void *buf, size_t cap)
{
    load_source *source = source_ptr;
    if (source->gzip)
        return read_ring(source, buf, cap);
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
    return kg_fail(errbuf, KG_ERR_IO_READ, _("unable to read '%s': %s"), source->path,
                   source->fault[0] != '\0' ? source->fault : _("read error"));
}

void load_source_position(load_source *source, long long *done, long long *total)
{
    *done = atomic_load(&source->consumed);
    *total = source->size;
}

void load_source_free(load_source *source)
{
    if (source == NULL)
        return;
    if (source->thread_started) {
        pthread_mutex_lock(&source->lock);
        source->stop = 1;
        pthread_cond_broadcast(&source->changed);
        pthread_mutex_unlock(&source->lock);
        pthread_join(source->thread, NULL);
        pthread_cond_destroy(&source->changed);
        pthread_mutex_destroy(&source->lock);
    }
    free(source->ring);
    if (source->stream_ready)
        inflateEnd(&source->stream);
    if (source->file != NULL)
        fclose(source->file);
    free(source->in);
    free(source);
}
