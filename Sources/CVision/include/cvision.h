// Image decoding and encoding for the Vision library, over Debian's libjpeg-turbo and libpng:
// pixels in and out as 8-bit rows of interleaved channels (height x width x channels).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Decoded pixels, owned by the caller (free `data` with cv_free).
typedef struct {
    uint8_t *data;
    int32_t height;
    int32_t width;
    int32_t channels;
    /// The EXIF orientation tag of a JPEG (1-8), 0 when it has none.
    int32_t orientation;
} cv_image;

/// How many channels to decode to, as torchvision's ImageReadMode: 0 as stored, 1 gray,
/// 2 gray and alpha, 3 RGB, 4 RGB and alpha.
typedef int32_t cv_mode;

/// Each returns 0, or -1 with a message in `error` (`error_size` bytes at most).
int32_t cv_decode_jpeg(const uint8_t *bytes, size_t size, cv_mode mode, cv_image *out, char *error, size_t error_size);
int32_t cv_decode_png(const uint8_t *bytes, size_t size, cv_mode mode, cv_image *out, char *error, size_t error_size);
/// `pixels`: height x width x channels (1 or 3); `quality` 1-100.
int32_t cv_encode_jpeg(const uint8_t *pixels, int32_t height, int32_t width, int32_t channels, int32_t quality,
                       uint8_t **out, size_t *out_size, char *error, size_t error_size);
/// `pixels`: height x width x channels (1 to 4); `compression` 0-9.
int32_t cv_encode_png(const uint8_t *pixels, int32_t height, int32_t width, int32_t channels, int32_t compression,
                      uint8_t **out, size_t *out_size, char *error, size_t error_size);
void cv_free(void *pointer);

#ifdef __cplusplus
}
#endif
