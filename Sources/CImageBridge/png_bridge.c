// libpng's classic API behind setjmp: png_error longjmps back here and becomes -1 with the
// library's message. Transforms expand every layout to 8/16-bit gray, gray+alpha, RGB or RGBA.
#include "CImageBridge.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

struct lb_png_decoder {
    png_structp png;
    png_infop info;
    const unsigned char *data;
    size_t size, offset;
    char message[LB_MESSAGE_SIZE];
    int header_read;
    lb_png_header header;
};

static void lb_png_error(png_structp png, png_const_charp msg) {
    char *buffer = (char *)png_get_error_ptr(png);
    if (buffer) snprintf(buffer, LB_MESSAGE_SIZE, "%s", msg);
    png_longjmp(png, 1);
}

static void lb_png_warning(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

static void lb_png_read_data(png_structp png, png_bytep out, size_t length) {
    struct lb_png_decoder *dec = (struct lb_png_decoder *)png_get_io_ptr(png);
    if (length > dec->size - dec->offset) png_error(png, "PNG data ended early (file truncated)");
    memcpy(out, dec->data + dec->offset, length);
    dec->offset += length;
}

lb_png_decoder *lb_png_decoder_create(const unsigned char *data, size_t size) {
    lb_png_decoder *dec = calloc(1, sizeof(lb_png_decoder));
    if (!dec) return NULL;
    dec->data = data; dec->size = size;
    dec->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, dec->message, lb_png_error,
                                      lb_png_warning);
    if (!dec->png) { free(dec); return NULL; }
    dec->info = png_create_info_struct(dec->png);
    if (!dec->info) { png_destroy_read_struct(&dec->png, NULL, NULL); free(dec); return NULL; }
    png_set_read_fn(dec->png, dec, lb_png_read_data);
    return dec;
}

void lb_png_decoder_destroy(lb_png_decoder *dec) {
    if (!dec) return;
    png_destroy_read_struct(&dec->png, &dec->info, NULL);
    free(dec);
}

const char *lb_png_message(const lb_png_decoder *dec) { return dec->message; }

int lb_png_read_header(lb_png_decoder *dec, lb_png_header *out, unsigned int max_dimension) {
    if (dec->header_read) { *out = dec->header; return 0; }
    png_structp png = dec->png;
    png_infop info = dec->info;
    if (setjmp(png_jmpbuf(png))) return -1;
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);
    // Before png_read_update_info, which allocates rows of the announced width.
    if (png_get_image_width(png, info) > max_dimension || png_get_image_height(png, info) > max_dimension) {
        snprintf(dec->message, LB_MESSAGE_SIZE, "image is %u x %u, over the limit of %u pixels per side",
                 (unsigned)png_get_image_width(png, info), (unsigned)png_get_image_height(png, info),
                 max_dimension);
        return -2;
    }
    lb_png_header h;
    memset(&h, 0, sizeof(h));
    h.width = (int)png_get_image_width(png, info);
    h.height = (int)png_get_image_height(png, info);
    h.file_bit_depth = png_get_bit_depth(png, info);
    h.color_type = png_get_color_type(png, info);
    h.interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    png_uint_32 rx = 0, ry = 0; int unit = 0;
    if (png_get_pHYs(png, info, &rx, &ry, &unit) && unit == PNG_RESOLUTION_METER && rx && ry) {
        h.has_phys = 1; h.phys_x = rx; h.phys_y = ry;
    }
    if (h.color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (h.color_type == PNG_COLOR_TYPE_GRAY && h.file_bit_depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (h.file_bit_depth == 16) {
        const unsigned short probe = 1;
        if (*(const unsigned char *)&probe == 1) png_set_swap(png); // little-endian host
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    h.channels = png_get_channels(png, info);
    h.bit_depth = png_get_bit_depth(png, info);
    h.row_bytes = png_get_rowbytes(png, info);
    dec->header = h;
    dec->header_read = 1;
    *out = h;
    return 0;
}

int lb_png_decode(lb_png_decoder *dec, unsigned char *out, size_t out_size) {
    png_structp png = dec->png;
    png_bytep *rows = NULL;
    if (!dec->header_read) { snprintf(dec->message, LB_MESSAGE_SIZE, "header not read"); return -1; }
    size_t height = (size_t)dec->header.height, stride = dec->header.row_bytes;
    if (stride * height > out_size) {
        snprintf(dec->message, LB_MESSAGE_SIZE, "output buffer too small");
        return -1;
    }
    rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!rows) { snprintf(dec->message, LB_MESSAGE_SIZE, "out of memory"); return -1; }
    for (size_t y = 0; y < height; y++) rows[y] = out + y * stride;
    if (setjmp(png_jmpbuf(png))) { free(rows); return -1; }
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    return 0;
}

typedef struct {
    unsigned char *data;
    size_t size, capacity;
    int failed;
} lb_buffer;

static void lb_png_write_data(png_structp png, png_bytep data, size_t length) {
    lb_buffer *b = (lb_buffer *)png_get_io_ptr(png);
    if (b->size + length > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 65536;
        while (capacity < b->size + length) capacity *= 2;
        unsigned char *grown = realloc(b->data, capacity);
        if (!grown) png_error(png, "out of memory while writing PNG");
        b->data = grown; b->capacity = capacity;
    }
    memcpy(b->data + b->size, data, length);
    b->size += length;
}

static void lb_png_flush(png_structp png) { (void)png; }

int lb_png_encode(const unsigned char *pixels, int width, int height, int channels,
                  int bit_depth, int interlaced, const unsigned char *palette,
                  const unsigned char *trans, int palette_size, unsigned int ppm_x,
                  unsigned int ppm_y, unsigned char **out, size_t *out_size,
                  char *message, size_t message_size) {
    char msg[LB_MESSAGE_SIZE] = {0};
    lb_buffer buffer = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, msg, lb_png_error,
                                              lb_png_warning);
    *out = NULL; *out_size = 0;
    if (!png) { snprintf(message, message_size, "cannot create PNG writer"); return -1; }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(message, message_size, "cannot create PNG writer");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(buffer.data);
        snprintf(message, message_size, "%s", msg);
        return -1;
    }
    png_set_write_fn(png, &buffer, lb_png_write_data, lb_png_flush);
    int color_type;
    if (palette_size > 0) color_type = PNG_COLOR_TYPE_PALETTE;
    else if (channels == 1) color_type = PNG_COLOR_TYPE_GRAY;
    else if (channels == 2) color_type = PNG_COLOR_TYPE_GRAY_ALPHA;
    else if (channels == 3) color_type = PNG_COLOR_TYPE_RGB;
    else color_type = PNG_COLOR_TYPE_RGB_ALPHA;
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bit_depth, color_type,
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (palette_size > 0) {
        png_color entries[256];
        for (int i = 0; i < palette_size && i < 256; i++) {
            entries[i].red = palette[3 * i];
            entries[i].green = palette[3 * i + 1];
            entries[i].blue = palette[3 * i + 2];
        }
        png_set_PLTE(png, info, entries, palette_size);
        if (trans) png_set_tRNS(png, info, trans, palette_size, NULL);
    }
    if (ppm_x > 0 && ppm_y > 0) png_set_pHYs(png, info, ppm_x, ppm_y, PNG_RESOLUTION_METER);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    if (bit_depth == 16) {
        const unsigned short probe = 1;
        if (*(const unsigned char *)&probe == 1) png_set_swap(png);
    }
    int passes = interlaced ? png_set_interlace_handling(png) : 1;
    size_t stride = (size_t)width * (size_t)(palette_size > 0 ? 1 : channels) *
                    (size_t)(bit_depth / 8);
    for (int pass = 0; pass < passes; pass++)
        for (int y = 0; y < height; y++)
            png_write_row(png, (png_const_bytep)(pixels + (size_t)y * stride));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    *out = buffer.data;
    *out_size = buffer.size;
    return 0;
}
