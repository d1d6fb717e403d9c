// libtiff with per-handle error/warning handlers (messages land in a caller-owned context,
// so concurrent handles never share state) and non-variadic TIFFGetField/TIFFSetField.
#include "CImageBridge.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
