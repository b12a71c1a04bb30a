// The built-in procedural eye dataset, so `mgst demo` runs with no downloads.
//
// One geometry model, two renderers:
//   geometry  an almond eyelid opening (two parabolic lids, random openness,
//             tilt and nasal skew), an eyeball whose gaze (yaw, pitch) places
//             the iris ellipse (foreshortened by the gaze), a concentric pupil,
//             the upper-lid crease, eyelashes, the caruncle at the inner corner
//             and a corneal glint.
//   Synthetic flat, evenly lit, clean colours (like UnityEyes renders): a skin
//             tone from a narrow set, crisp edges, white sclera, a blue-grey or
//             brown iris with a simple radial texture, almost no noise.
//   Real      the same geometry with wider skin/iris palettes and skin texture,
//             then outdoor capture: slight blur, a strong smooth illumination
//             gradient (0.4-1.6x), an optional soft shadow blob, a colour
//             cast, contrast/exposure changes and Gaussian sensor noise.
//
// The geometry is drawn from the Rng first, so the same Rng state gives the
// same geometry (pupil, iris, lids, masks) in both domains; the appearance
// draws follow. generate_eye_set seeds one Rng per image, so the sets of the
// two domains made from one seed are pixel-aligned twins (use different seeds
// for unpaired training data).
//
// Pixel convention: pixel (row i, column j) is centred at (x = j, y = i).
#pragma once
#include <cstdint>
#include <vector>

#include "apps/data/image_io.h"
#include "core/rng.h"

namespace mgst::data {

struct SynthEye {
  ImageF image;                        // (3, H, W) in [0, 1]
  ImageF mask;                         // (1, H, W) exactly 0/1: the visible iris + pupil
                                       //   (iris ellipse ∩ eyelid opening), the attention region
  ImageF eye_mask;                     // (1, H, W) exactly 0/1: inside the eyelid opening
  float pupil_x = 0.f, pupil_y = 0.f;  // pupil centre in pixels (x right, y down)
  float gaze_yaw = 0.f, gaze_pitch = 0.f;  // radians; yaw > 0 moves the iris right,
                                           //   pitch > 0 moves it up
};

enum class EyeDomain { Real, Synthetic };

const char* eye_domain_name(EyeDomain domain);  // "real" / "synthetic"

// One eye of size (height, width), both in [16, 4096]; deterministic given
// the Rng state. The pupil centre is always inside `mask` (at least ~2 px
// from the eyelids). The eye scales with min(width, 4/3 * height).
SynthEye generate_eye(EyeDomain domain, int height, int width, Rng& rng);

// `count` eyes; image k uses its own Rng seeded from (seed, k), so image k of
// the two domains with the same seed share their geometry.
std::vector<SynthEye> generate_eye_set(EyeDomain domain, int count, int height, int width,
                                       uint64_t seed);

}  // namespace mgst::data
