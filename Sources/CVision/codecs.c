// JPEG through libjpeg(-turbo), PNG through libpng; errors come back as messages, never exits.
#include "cvision.h"

#include <stdio.h>

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

void cv_free(void *pointer) { free(pointer); }

static void set_error(char *error, size_t size, const char *message) {
    if (size > 0) snprintf(error, size, "%s", message);
}

// MARK: JPEG

struct jpeg_failure {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void jpeg_fail(j_common_ptr info) {
    struct jpeg_failure *failure = (struct jpeg_failure *)info->err;
    (*info->err->format_message)(info, failure->message);
    longjmp(failure->jump, 1);
}

static void jpeg_silence(j_common_ptr info, int level) { (void)info; (void)level; }

/// The orientation tag (0x0112) of an Exif APP1 block, 0 when absent.
static int32_t exif_orientation(const uint8_t *data, unsigned length) {
    if (length < 14 || memcmp(data, "Exif\0\0", 6) != 0) return 0;
    const uint8_t *tiff = data + 6;
    unsigned size = length - 6;
    int little = tiff[0] == 'I';
    if (!little && tiff[0] != 'M') return 0;
#define U16(p) (little ? (uint32_t)((p)[0] | (p)[1] << 8) : (uint32_t)((p)[0] << 8 | (p)[1]))
#define U32(p) (little ? (uint32_t)((p)[0] | (p)[1] << 8 | (p)[2] << 16 | (uint32_t)(p)[3] << 24) \
                       : (uint32_t)((uint32_t)(p)[0] << 24 | (p)[1] << 16 | (p)[2] << 8 | (p)[3]))
    uint32_t ifd = U32(tiff + 4);
    if (ifd + 2 > size) return 0;
    uint32_t entries = U16(tiff + ifd);
    for (uint32_t i = 0; i < entries; i++) {
        uint32_t at = ifd + 2 + 12 * i;
        if (at + 12 > size) return 0;
        if (U16(tiff + at) == 0x0112) {
            uint32_t value = U16(tiff + at + 8);
            return value >= 1 && value <= 8 ? (int32_t)value : 0;
        }
    }
    return 0;
#undef U16
#undef U32
}

int32_t cv_decode_jpeg(const uint8_t *bytes, size_t size, cv_mode mode, cv_image *out, char *error, size_t error_size) {
    struct jpeg_decompress_struct info;
    struct jpeg_failure failure;
    uint8_t *volatile pixels = NULL;
    info.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = jpeg_fail;
    failure.manager.emit_message = jpeg_silence;
    if (setjmp(failure.jump)) {
        set_error(error, error_size, failure.message);
        jpeg_destroy_decompress(&info);
        free(pixels);
        return -1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes, (unsigned long)size);
    jpeg_save_markers(&info, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&info, TRUE);
    int32_t orientation = 0;
    for (jpeg_saved_marker_ptr marker = info.marker_list; marker; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1) orientation = orientation ? orientation : exif_orientation(marker->data, marker->data_length);
    }
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
        set_error(error, error_size, "CMYK JPEG images are not supported");
        jpeg_destroy_decompress(&info);
        return -1;
    }
    if (mode == 2 || mode == 4) {
        set_error(error, error_size, "JPEG images have no alpha channel; read them as gray, RGB or unchanged");
        jpeg_destroy_decompress(&info);
        return -1;
    }
    if (mode == 1) info.out_color_space = JCS_GRAYSCALE;
    if (mode == 3) info.out_color_space = JCS_RGB;
    jpeg_start_decompress(&info);
    const int32_t height = (int32_t)info.output_height, width = (int32_t)info.output_width;
    const int32_t channels = info.output_components;
    const size_t stride = (size_t)width * (size_t)channels;
    pixels = malloc(stride * (size_t)height);
    if (!pixels) {
        set_error(error, error_size, "out of memory for the decoded image");
        jpeg_destroy_decompress(&info);
        return -1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + stride * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    *out = (cv_image){pixels, height, width, channels, orientation};
    return 0;
}

int32_t cv_encode_jpeg(const uint8_t *pixels, int32_t height, int32_t width, int32_t channels, int32_t quality,
                       uint8_t **out, size_t *out_size, char *error, size_t error_size) {
    if (channels != 1 && channels != 3) {
        set_error(error, error_size, "JPEG images have 1 or 3 channels");
        return -1;
    }
    struct jpeg_compress_struct info;
    struct jpeg_failure failure;
    unsigned char *buffer = NULL;
    unsigned long length = 0;
    info.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = jpeg_fail;
    failure.manager.emit_message = jpeg_silence;
    if (setjmp(failure.jump)) {
        set_error(error, error_size, failure.message);
        jpeg_destroy_compress(&info);
        free(buffer);
        return -1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &buffer, &length);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    const size_t stride = (size_t)width * (size_t)channels;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * info.next_scanline);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    *out = buffer;
    *out_size = length;
    return 0;
}

// MARK: PNG

struct png_input {
    const uint8_t *bytes;
    size_t size, at;
};

static void png_read_memory(png_structp png, png_bytep data, png_size_t length) {
    struct png_input *input = png_get_io_ptr(png);
    if (input->at + length > input->size) png_error(png, "the PNG data is truncated");
    memcpy(data, input->bytes + input->at, length);
    input->at += length;
}

struct png_failure {
    char message[256];
};

static void png_fail(png_structp png, png_const_charp message) {
    struct png_failure *failure = png_get_error_ptr(png);
    snprintf(failure->message, sizeof failure->message, "%s", message);
    png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp message) { (void)png; (void)message; }

int32_t cv_decode_png(const uint8_t *bytes, size_t size, cv_mode mode, cv_image *out, char *error, size_t error_size) {
    if (size < 8 || png_sig_cmp(bytes, 0, 8) != 0) {
        set_error(error, error_size, "not a PNG image (bad signature)");
        return -1;
    }
    struct png_failure failure = {{0}};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &failure, png_fail, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!png || !info) {
        set_error(error, error_size, "libpng could not start");
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        set_error(error, error_size, failure.message);
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        return -1;
    }
    struct png_input input = {bytes, size, 0};
    png_set_read_fn(png, &input, png_read_memory);
    png_read_info(png, info);
    // torchvision's conversions: a palette image stays indices unless a mode is asked for; gray
    // comes from red and green weights 0.2989 and 0.587 (blue the rest).
    const int color = png_get_color_type(png, info);
    const int is_palette = (color & PNG_COLOR_MASK_PALETTE) != 0, has_color = (color & PNG_COLOR_MASK_COLOR) != 0;
    int has_alpha = (color & PNG_COLOR_MASK_ALPHA) != 0;
    if (color == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) png_set_expand_gray_1_2_4_to_8(png);
    png_set_strip_16(png);
    png_set_packing(png);
    const int wanted_color[] = {-1, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    if (mode >= 1 && mode <= 4 && color != wanted_color[mode]) {
        if (is_palette) {
            png_set_palette_to_rgb(png);
            has_alpha = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
        } else if (!has_color && mode >= 3) {
            png_set_gray_to_rgb(png);
        }
        const int wants_alpha = mode == 2 || mode == 4;
        if (wants_alpha && !has_alpha) png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
        if (!wants_alpha && has_alpha) png_set_strip_alpha(png);
        if (mode <= 2 && has_color) png_set_rgb_to_gray(png, 1, 0.2989, 0.587);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const int32_t height = (int32_t)png_get_image_height(png, info), width = (int32_t)png_get_image_width(png, info);
    const int32_t channels = png_get_channels(png, info);
    const size_t stride = png_get_rowbytes(png, info);
    if (stride != (size_t)width * (size_t)channels) png_error(png, "unexpected row layout after conversion");
    pixels = malloc(stride * (size_t)height);
    rows = malloc(sizeof(png_bytep) * (size_t)height);
    if (!pixels || !rows) png_error(png, "out of memory for the decoded image");
    for (int32_t y = 0; y < height; y++) rows[y] = pixels + stride * (size_t)y;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    *out = (cv_image){pixels, height, width, channels, 0};
    return 0;
}

struct png_output {
    uint8_t *bytes;
    size_t size, capacity;
};

static void png_write_memory(png_structp png, png_bytep data, png_size_t length) {
    struct png_output *output = png_get_io_ptr(png);
    if (output->size + length > output->capacity) {
        size_t capacity = output->capacity ? output->capacity * 2 : 4096;
        while (capacity < output->size + length) capacity *= 2;
        uint8_t *grown = realloc(output->bytes, capacity);
        if (!grown) png_error(png, "out of memory for the encoded image");
        output->bytes = grown;
        output->capacity = capacity;
    }
    memcpy(output->bytes + output->size, data, length);
    output->size += length;
}

static void png_flush_memory(png_structp png) { (void)png; }

int32_t cv_encode_png(const uint8_t *pixels, int32_t height, int32_t width, int32_t channels, int32_t compression,
                      uint8_t **out, size_t *out_size, char *error, size_t error_size) {
    static const int colors[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    if (channels < 1 || channels > 4) {
        set_error(error, error_size, "PNG images have 1 to 4 channels");
        return -1;
    }
    struct png_failure failure = {{0}};
    struct png_output output = {NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure, png_fail, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        set_error(error, error_size, "libpng could not start");
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        set_error(error, error_size, failure.message);
        png_destroy_write_struct(&png, &info);
        free(output.bytes);
        return -1;
    }
    png_set_write_fn(png, &output, png_write_memory, png_flush_memory);
    png_set_compression_level(png, compression);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, colors[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    const size_t stride = (size_t)width * (size_t)channels;
    for (int32_t y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(pixels + stride * (size_t)y));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = output.bytes;
    *out_size = output.size;
    return 0;
}
