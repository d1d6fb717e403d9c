// libjpeg behind setjmp: errors longjmp back here and become return codes with a message.
// Warnings that mean damaged or missing entropy data (premature end of file or segment, bad
// Huffman/arithmetic code, lost sync) are errors too: libjpeg would otherwise fill the rest of
// the picture with gray and report success. Other warnings (extraneous bytes, odd JFIF
// versions) are counted and ignored.
#include "CImageBridge.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[LB_MESSAGE_SIZE];
    int truncated; // a fatal warning was seen (message holds it)
} lb_jpeg_error;

/// A progressive file may split its data into any number of scans; each costs a pass over
/// the coefficients, so thousands of tiny scans make a small file take minutes (as djpeg's
/// -maxscan guards against). Real encoders write about 10.
#define LB_JPEG_MAX_SCANS 1000

struct lb_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_progress_mgr progress;
    lb_jpeg_error error;
    int header_read;
    int started;
};

static void lb_jpeg_error_exit(j_common_ptr cinfo) {
    lb_jpeg_error *err = (lb_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void lb_jpeg_emit(j_common_ptr cinfo, int level) {
    lb_jpeg_error *err = (lb_jpeg_error *)cinfo->err;
    if (level >= 0) return; // trace messages
    err->base.num_warnings++;
    switch (err->base.msg_code) {
    case JWRN_JPEG_EOF: case JWRN_HIT_MARKER: case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE: case JWRN_MUST_RESYNC:
        err->truncated = 1;
        (*cinfo->err->format_message)(cinfo, err->message);
        longjmp(err->jump, 1);
    default:
        break;
    }
}

static void lb_jpeg_output(j_common_ptr cinfo) { (void)cinfo; }

static void lb_jpeg_progress(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > LB_JPEG_MAX_SCANS) {
        lb_jpeg_error *err = (lb_jpeg_error *)cinfo->err;
        snprintf(err->message, LB_MESSAGE_SIZE, "more than %d progressive scans", LB_JPEG_MAX_SCANS);
        longjmp(err->jump, 1);
    }
}

lb_jpeg_decoder *lb_jpeg_decoder_create(const unsigned char *data, unsigned long size) {
    lb_jpeg_decoder *dec = calloc(1, sizeof(lb_jpeg_decoder));
    if (!dec) return NULL;
    dec->cinfo.err = jpeg_std_error(&dec->error.base);
    dec->error.base.error_exit = lb_jpeg_error_exit;
    dec->error.base.emit_message = lb_jpeg_emit;
    dec->error.base.output_message = lb_jpeg_output;
    if (setjmp(dec->error.jump)) {
        jpeg_destroy_decompress(&dec->cinfo);
        free(dec);
        return NULL;
    }
    jpeg_create_decompress(&dec->cinfo);
    dec->progress.progress_monitor = lb_jpeg_progress;
    dec->cinfo.progress = &dec->progress;
    jpeg_mem_src(&dec->cinfo, data, size);
    jpeg_save_markers(&dec->cinfo, JPEG_APP0 + 1, 0xFFFF);
    return dec;
}

void lb_jpeg_decoder_destroy(lb_jpeg_decoder *dec) {
    if (!dec) return;
    if (setjmp(dec->error.jump) == 0) jpeg_destroy_decompress(&dec->cinfo);
    free(dec);
}

const char *lb_jpeg_message(const lb_jpeg_decoder *dec) { return dec->error.message; }

int lb_jpeg_read_header(lb_jpeg_decoder *dec, lb_jpeg_header *out) {
    if (setjmp(dec->error.jump)) return -1;
    if (!dec->header_read) {
        if (jpeg_read_header(&dec->cinfo, TRUE) != JPEG_HEADER_OK) {
            snprintf(dec->error.message, LB_MESSAGE_SIZE, "no JPEG image in the data");
            return -1;
        }
        dec->header_read = 1;
    }
    struct jpeg_decompress_struct *c = &dec->cinfo;
    memset(out, 0, sizeof(*out));
    out->width = (int)c->image_width;
    out->height = (int)c->image_height;
    out->components = c->num_components;
    switch (c->jpeg_color_space) {
    case JCS_GRAYSCALE:
        c->out_color_space = JCS_GRAYSCALE; out->color_space = 1; out->out_components = 1; break;
    case JCS_CMYK: case JCS_YCCK:
        c->out_color_space = JCS_CMYK; out->color_space = 4; out->out_components = 4; break;
    case JCS_RGB: case JCS_YCbCr:
        c->out_color_space = JCS_RGB; out->color_space = 2; out->out_components = 3; break;
    default:
        snprintf(dec->error.message, LB_MESSAGE_SIZE, "unsupported JPEG colour space %d",
                 (int)c->jpeg_color_space);
        return -1;
    }
    out->adobe_inverted = c->saw_Adobe_marker ? 1 : 0;
    out->progressive = c->progressive_mode ? 1 : 0;
    if (c->saw_JFIF_marker) {
        out->density_unit = c->density_unit;
        out->x_density = c->X_density;
        out->y_density = c->Y_density;
    }
    return 0;
}

int lb_jpeg_decode(lb_jpeg_decoder *dec, unsigned char *out, size_t out_size) {
    struct jpeg_decompress_struct *c = &dec->cinfo;
    if (setjmp(dec->error.jump)) return -1;
    if (!dec->header_read) {
        snprintf(dec->error.message, LB_MESSAGE_SIZE, "header not read");
        return -1;
    }
    jpeg_start_decompress(c);
    dec->started = 1;
    size_t stride = (size_t)c->output_width * (size_t)c->output_components;
    if (stride * (size_t)c->output_height > out_size) {
        snprintf(dec->error.message, LB_MESSAGE_SIZE, "output buffer too small");
        jpeg_abort_decompress(c);
        return -1;
    }
    while (c->output_scanline < c->output_height) {
        JSAMPROW row = out + (size_t)c->output_scanline * stride;
        if (jpeg_read_scanlines(c, &row, 1) != 1) break;
        if (dec->error.truncated) break;
    }
    if (dec->error.truncated || c->output_scanline < c->output_height) {
        if (!dec->error.truncated)
            snprintf(dec->error.message, LB_MESSAGE_SIZE, "JPEG data ended early");
        jpeg_abort_decompress(c);
        return -1;
    }
    jpeg_finish_decompress(c);
    if (dec->error.truncated) return -1;
    return 0;
}

const unsigned char *lb_jpeg_exif(const lb_jpeg_decoder *dec, size_t *length) {
    for (jpeg_saved_marker_ptr m = dec->cinfo.marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
            memcmp(m->data, "Exif\0\0", 6) == 0) {
            *length = m->data_length;
            return m->data;
        }
    }
    *length = 0;
    return NULL;
}

int lb_jpeg_encode(const unsigned char *pixels, int width, int height, int components,
                   int quality, int progressive, const unsigned char *app1, size_t app1_length,
                   unsigned char **out, unsigned long *out_size, char *message,
                   size_t message_size) {
    struct jpeg_compress_struct c;
    lb_jpeg_error err;
    memset(&err, 0, sizeof(err));
    *out = NULL; *out_size = 0;
    c.err = jpeg_std_error(&err.base);
    err.base.error_exit = lb_jpeg_error_exit;
    err.base.emit_message = lb_jpeg_emit;
    err.base.output_message = lb_jpeg_output;
    if (setjmp(err.jump)) {
        snprintf(message, message_size, "%s", err.message);
        jpeg_destroy_compress(&c);
        if (*out) { free(*out); *out = NULL; }
        return -1;
    }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, out, out_size);
    c.image_width = (JDIMENSION)width;
    c.image_height = (JDIMENSION)height;
    c.input_components = components;
    c.in_color_space = components == 1 ? JCS_GRAYSCALE : components == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    if (progressive) jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    if (app1 && app1_length > 0 && app1_length <= 65533)
        jpeg_write_marker(&c, JPEG_APP0 + 1, app1, (unsigned int)app1_length);
    size_t stride = (size_t)width * (size_t)components;
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)c.next_scanline * stride);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return 0;
}

void lb_free(void *pointer) { free(pointer); }
