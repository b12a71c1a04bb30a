// stb_image / stb_image_write compiled from the system headers (libstb-dev)
// into the fuzz targets, so the decoder runs instrumented (coverage, ASan,
// UBSan) instead of as Debian's prebuilt libstb.so.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_write.h>
