// libFuzzer target: the image / mask decode path from memory
// (data::load_image_from_memory, which data::load_image runs after reading the
// file), then what mgst does with a decoded image: RGB and mask conversion,
// label-map detection, resizing and crops.
//
// A malformed file must end in mgst::Error, never in a crash or a sanitizer
// report. stb_image is compiled from source into this target (stb_impl.c)
// so it is instrumented too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "apps/data/image_io.h"
#include "kernels/error.h"

namespace {
// Images are decoded only when their header declares at most this many
// pixels: load_image accepts up to 16384 x 16384, which as a decoded buffer
// would exceed libFuzzer's 2 GB malloc limit and slow every run. The header
// checks themselves run on every input.
constexpr long long kFuzzMaxPixels = 1 << 18;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The first byte picks the requested channel count, as load_rgb (3),
  // load_mask (0) and friends do.
  const int desired = size ? data[0] % 5 : 0;
  try {
    // The header-only path (check_pairs at the start of a run) first: it must
    // be as safe as the decode, and gives the size for the pixel cap.
    const mgst::data::ImageInfo info = mgst::data::probe_image_from_memory(bytes, "fuzz-input");
    if ((long long)info.width * info.height > kFuzzMaxPixels) return 0;
    const mgst::data::ImageU8 im = mgst::data::load_image_from_memory(bytes, "fuzz-input", desired);
    if (im.pixels.size() != std::size_t(im.width) * im.height * im.channels) __builtin_trap();
    const int w = im.width, h = im.height;
    (void)mgst::data::looks_like_label_map(im);
    const mgst::data::ImageF f = mgst::data::to_float(im);
    const mgst::data::ImageF r = mgst::data::resize_bilinear(f, 4 + h % 13, 4 + w % 17);
    const mgst::data::ImageF n = mgst::data::resize_nearest(f, 4 + w % 11, 4 + h % 7);
    const mgst::data::ImageF cc = mgst::data::center_crop(r, 8, 8);
    (void)mgst::data::encode_png(mgst::data::to_u8(cc));
    (void)n;
  } catch (const mgst::Error&) {
  }
  return 0;
}
