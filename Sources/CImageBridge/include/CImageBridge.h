// CImageBridge: the only C code of ImageIO. It wraps libjpeg and libpng (whose default error
// paths call exit() or longjmp, which Swift cannot survive) behind setjmp-protected functions
// that return 0 on success and -1 on error with a message, and gives libtiff per-handle
// error/warning handlers plus non-variadic field accessors (Swift imports no C varargs).
#ifndef LEUKO_CIMAGEBRIDGE_H
#define LEUKO_CIMAGEBRIDGE_H

#include <stddef.h>
#include <stdint.h>
#include <tiffio.h>

#define LB_MESSAGE_SIZE 512

// ---------------------------------------------------------------- JPEG (libjpeg)

typedef struct lb_jpeg_decoder lb_jpeg_decoder;

typedef struct {
    int width, height;
    int components;        // components in the file (1, 3, 4)
    int out_components;    // components decode() writes per pixel (1 gray, 3 RGB, 4 CMYK)
    int color_space;       // 1 gray, 2 RGB/YCbCr, 4 CMYK/YCCK
    int adobe_inverted;    // 1 when an Adobe marker says CMYK is stored inverted
    int progressive;
    int density_unit;      // JFIF: 0 none, 1 dots/inch, 2 dots/cm
    int x_density, y_density;
} lb_jpeg_header;

/// Creates a decoder over `size` bytes at `data`; the bytes must outlive the decoder.
lb_jpeg_decoder *lb_jpeg_decoder_create(const unsigned char *data, unsigned long size);
void lb_jpeg_decoder_destroy(lb_jpeg_decoder *dec);
int lb_jpeg_read_header(lb_jpeg_decoder *dec, lb_jpeg_header *out);
/// Decodes all rows into `out` (rows of width * out_components bytes, top first).
int lb_jpeg_decode(lb_jpeg_decoder *dec, unsigned char *out, size_t out_size);
const char *lb_jpeg_message(const lb_jpeg_decoder *dec);
/// The first APP1 "Exif" payload, if the file has one (valid until destroy).
const unsigned char *lb_jpeg_exif(const lb_jpeg_decoder *dec, size_t *length);

/// Encodes `components` (1 gray, 3 RGB, 4 CMYK) 8-bit pixels; `*out` is malloc'ed (free with lb_free).
int lb_jpeg_encode(const unsigned char *pixels, int width, int height, int components,
                   int quality, int progressive, const unsigned char *app1, size_t app1_length,
                   unsigned char **out, unsigned long *out_size, char *message, size_t message_size);

// ---------------------------------------------------------------- PNG (libpng)

typedef struct lb_png_decoder lb_png_decoder;

typedef struct {
    int width, height;
    int file_bit_depth, color_type, interlaced;
    int channels;          // after expansion: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int bit_depth;         // after expansion: 8 or 16 (16-bit samples in host byte order)
    size_t row_bytes;
    int has_phys;          // pHYs present with unit metre
    unsigned int phys_x, phys_y; // pixels per metre
} lb_png_header;

lb_png_decoder *lb_png_decoder_create(const unsigned char *data, size_t size);
void lb_png_decoder_destroy(lb_png_decoder *dec);
/// Reads the header and sets up expansion; returns -2 (nothing allocated) when the width or
/// height exceeds `max_dimension`.
int lb_png_read_header(lb_png_decoder *dec, lb_png_header *out, unsigned int max_dimension);
int lb_png_decode(lb_png_decoder *dec, unsigned char *out, size_t out_size);
const char *lb_png_message(const lb_png_decoder *dec);

/// Encodes 8- or 16-bit (host order) pixels with 1-4 channels; with `palette_size` > 0 the
/// pixels are 8-bit indices into `palette` (RGB triples) with optional alpha `trans`.
/// `ppm_x`/`ppm_y` > 0 write a pHYs chunk in pixels per metre.
int lb_png_encode(const unsigned char *pixels, int width, int height, int channels,
                  int bit_depth, int interlaced, const unsigned char *palette,
                  const unsigned char *trans, int palette_size, unsigned int ppm_x,
                  unsigned int ppm_y, unsigned char **out, size_t *out_size,
                  char *message, size_t message_size);

void lb_free(void *pointer);

// ---------------------------------------------------------------- TIFF (libtiff)

/// Collects libtiff's messages for one handle (first error kept, later ones counted).
typedef struct {
    char message[LB_MESSAGE_SIZE];
    char warning[LB_MESSAGE_SIZE];
    int errors;
    int warnings;
} lb_tiff_context;

/// Opens `fd` (ownership passes to libtiff: TIFFClose closes it) with handlers writing into
/// `ctx`, which must outlive the handle. `max_alloc` bounds libtiff's single allocations.
TIFF *lb_tiff_fdopen(int fd, const char *name, const char *mode, lb_tiff_context *ctx,
                     long max_alloc);

/// Opens `fd` for reading with positional reads (`pread`) at an offset of the handle's own:
/// the descriptor stays the caller's (TIFFClose does not close it; keep it open while the
/// handle lives), and several handles may read one descriptor at once.
TIFF *lb_tiff_open_positional(int fd, const char *name, lb_tiff_context *ctx, long max_alloc);

int lb_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value);
int lb_tiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *value);
int lb_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value);
int lb_tiff_get_float(TIFF *tif, uint32_t tag, float *value);
int lb_tiff_get_colormap(TIFF *tif, uint16_t **red, uint16_t **green, uint16_t **blue);
int lb_tiff_get_extrasamples(TIFF *tif, uint16_t *count, uint16_t **types);
int lb_tiff_get_string(TIFF *tif, uint32_t tag, const char **value);

/// For 16-bit and int-valued tags (and pseudo-tags such as JPEGCOLORMODE, JPEGQUALITY).
int lb_tiff_set_int(TIFF *tif, uint32_t tag, int value);
int lb_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value);
int lb_tiff_set_float(TIFF *tif, uint32_t tag, double value);
int lb_tiff_set_string(TIFF *tif, uint32_t tag, const char *value);
int lb_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types);
int lb_tiff_set_colormap(TIFF *tif, uint16_t *red, uint16_t *green, uint16_t *blue);

#endif
