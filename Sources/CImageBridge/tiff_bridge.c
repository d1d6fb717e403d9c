// libtiff with per-handle error/warning handlers (messages land in a caller-owned context,
// so concurrent handles never share state) and non-variadic TIFFGetField/TIFFSetField.
#include "CImageBridge.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int lb_tiff_on_error(TIFF *tif, void *user, const char *module, const char *fmt,
                            va_list ap) {
    (void)tif;
    lb_tiff_context *ctx = (lb_tiff_context *)user;
    if (!ctx) return 1;
    if (ctx->errors == 0) {
        char text[LB_MESSAGE_SIZE];
        vsnprintf(text, sizeof(text), fmt, ap);
        if (module && *module) snprintf(ctx->message, LB_MESSAGE_SIZE, "%s: %s", module, text);
        else snprintf(ctx->message, LB_MESSAGE_SIZE, "%s", text);
    }
    ctx->errors++;
    return 1;
}

static int lb_tiff_on_warning(TIFF *tif, void *user, const char *module, const char *fmt,
                              va_list ap) {
    (void)tif;
    lb_tiff_context *ctx = (lb_tiff_context *)user;
    if (!ctx) return 1;
    if (ctx->warnings == 0) {
        char text[LB_MESSAGE_SIZE];
        vsnprintf(text, sizeof(text), fmt, ap);
        if (module && *module) snprintf(ctx->warning, LB_MESSAGE_SIZE, "%s: %s", module, text);
        else snprintf(ctx->warning, LB_MESSAGE_SIZE, "%s", text);
    }
    ctx->warnings++;
    return 1;
}

TIFF *lb_tiff_fdopen(int fd, const char *name, const char *mode, lb_tiff_context *ctx,
                     long max_alloc) {
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(opts, lb_tiff_on_error, ctx);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, lb_tiff_on_warning, ctx);
    if (max_alloc > 0) TIFFOpenOptionsSetMaxSingleMemAlloc(opts, (tmsize_t)max_alloc);
    TIFF *tif = TIFFFdOpenExt(fd, name, mode, opts);
    TIFFOpenOptionsFree(opts);
    return tif;
}

// Positional reading: a handle of its own offset over a descriptor it does not own, so
// several handles (threads) can read one open file at once and nothing closes it early.
typedef struct {
    int fd;
    uint64_t offset;
} lb_tiff_positional;

static tmsize_t lb_positional_read(thandle_t h, void *buf, tmsize_t size) {
    lb_tiff_positional *p = (lb_tiff_positional *)h;
    tmsize_t done = 0;
    while (done < size) {
        ssize_t n = pread(p->fd, (char *)buf + done, (size_t)(size - done), (off_t)(p->offset + (uint64_t)done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) break;
        done += n;
    }
    p->offset += (uint64_t)done;
    return done;
}

static tmsize_t lb_positional_write(thandle_t h, void *buf, tmsize_t size) {
    (void)h; (void)buf; (void)size;
    errno = EBADF;
    return -1;
}

static toff_t lb_positional_seek(thandle_t h, toff_t offset, int whence) {
    lb_tiff_positional *p = (lb_tiff_positional *)h;
    struct stat st;
    switch (whence) {
    case SEEK_SET: p->offset = offset; break;
    case SEEK_CUR: p->offset += offset; break;
    case SEEK_END:
        if (fstat(p->fd, &st) != 0) return (toff_t)-1;
        p->offset = (uint64_t)st.st_size + offset;
        break;
    default: return (toff_t)-1;
    }
    return p->offset;
}

static int lb_positional_close(thandle_t h) {
    free(h);  // the descriptor belongs to the caller
    return 0;
}

static toff_t lb_positional_size(thandle_t h) {
    struct stat st;
    return fstat(((lb_tiff_positional *)h)->fd, &st) == 0 ? (toff_t)st.st_size : 0;
}

static int lb_positional_map(thandle_t h, void **base, toff_t *size) {
    (void)h; (void)base; (void)size;
    return 0;  // never memory-mapped: a file truncated under us must give an error, not SIGBUS
}

static void lb_positional_unmap(thandle_t h, void *base, toff_t size) { (void)h; (void)base; (void)size; }

TIFF *lb_tiff_open_positional(int fd, const char *name, lb_tiff_context *ctx, long max_alloc) {
    lb_tiff_positional *p = malloc(sizeof(lb_tiff_positional));
    if (!p) return NULL;
    p->fd = fd;
    p->offset = 0;
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) { free(p); return NULL; }
    TIFFOpenOptionsSetErrorHandlerExtR(opts, lb_tiff_on_error, ctx);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, lb_tiff_on_warning, ctx);
    if (max_alloc > 0) TIFFOpenOptionsSetMaxSingleMemAlloc(opts, (tmsize_t)max_alloc);
    TIFF *tif = TIFFClientOpenExt(name, "rm", (thandle_t)p, lb_positional_read, lb_positional_write,
                                  lb_positional_seek, lb_positional_close, lb_positional_size,
                                  lb_positional_map, lb_positional_unmap, opts);
    TIFFOpenOptionsFree(opts);
    if (!tif) free(p);  // libtiff calls the close procedure only from TIFFClose
    return tif;
}

int lb_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value) {
    return TIFFGetField(tif, tag, value);
}
int lb_tiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *value) {
    return TIFFGetFieldDefaulted(tif, tag, value);
}
int lb_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value) {
    return TIFFGetField(tif, tag, value);
}
int lb_tiff_get_float(TIFF *tif, uint32_t tag, float *value) {
    return TIFFGetField(tif, tag, value);
}
int lb_tiff_get_colormap(TIFF *tif, uint16_t **red, uint16_t **green, uint16_t **blue) {
    return TIFFGetField(tif, TIFFTAG_COLORMAP, red, green, blue);
}
int lb_tiff_get_extrasamples(TIFF *tif, uint16_t *count, uint16_t **types) {
    return TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, count, types);
}
int lb_tiff_get_string(TIFF *tif, uint32_t tag, const char **value) {
    return TIFFGetField(tif, tag, value);
}
int lb_tiff_set_int(TIFF *tif, uint32_t tag, int value) { return TIFFSetField(tif, tag, value); }
int lb_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value) {
    return TIFFSetField(tif, tag, value);
}
int lb_tiff_set_float(TIFF *tif, uint32_t tag, double value) {
    return TIFFSetField(tif, tag, value);
}
int lb_tiff_set_string(TIFF *tif, uint32_t tag, const char *value) {
    return TIFFSetField(tif, tag, value);
}
int lb_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types) {
    return TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, count, types);
}
int lb_tiff_set_colormap(TIFF *tif, uint16_t *red, uint16_t *green, uint16_t *blue) {
    return TIFFSetField(tif, TIFFTAG_COLORMAP, red, green, blue);
}
