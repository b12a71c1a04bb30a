// Real eye-dataset formats for the task evaluation (issue 8): each becomes a
// list of EyeSample (image, attention mask, pupil centre) framed at (H, W).
//
//   label maps   image + label map (0 bg, 1 sclera, 2 iris, 3 pupil, ...);
//                pupil centre = centroid of --pupil-label, attention = the
//                --attention-labels, frame = METHOD.md's eye crop (bounding box of
//                the nonzero labels, x factor, widened to H:W) as in training.
//   UnityEyes    N.jpg + N.json; points are strings "(x, y, z)" with y measured
//                from the image BOTTOM (y_img = H_img - y); pupil centre =
//                centroid (vertex mean) of iris_2d; masks by polygon fill of
//                the eyelid opening (interior_margin_2d, region "eye") or of
//                the visible iris (iris_2d inside the opening, region "iris");
//                frame = the eye crop around the opening's bounding box;
//                gaze from eye_details.look_vec (see look_vec_to_gaze).
//   centre CSV   rows file,x,y (a header line "file,x,y" is allowed), masks
//                from a directory (same stems) or a disc of radius R around the
//                centre (--mask-from-center R); frame = the centred crop
//                covering (H, W) (never framed on the annotation itself, which
//                would put every pupil in the middle).
//
// Pixel convention (as apps/data/synth_eyes.h): pixel (row i, column j) is centred
// at (x = j, y = i); a framed point maps like bilinear resizing with
// align_corners = False: x' = (x - left + 0.5) * W / box_width - 0.5.
#pragma once
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "apps/data/image_io.h"

namespace mgst::data {

struct Point2 {
  double x = 0, y = 0;
};

// Gaze angles in radians, apps/data/synth_eyes.h's convention: yaw > 0 moves the
// iris right in the image, pitch > 0 moves it up. As a 3-D unit vector in a
// camera frame with x right, y up and z from the eye towards the camera:
// g = (cos(pitch) sin(yaw), sin(pitch), cos(pitch) cos(yaw)); (0, 0) looks
// straight into the camera.
struct Gaze {
  double yaw = 0, pitch = 0;
};

struct EyeSample {
  std::string name;
  ImageF image;           // (3, H, W)
  ImageF mask;            // (1, H, W) attention region in [0, 1]
  ImageF valid;           // (1, H, W) validity, or empty (all valid)
  float cx = 0, cy = 0;   // pupil centre in pixels of the (H, W) frame
  bool has_gaze = false;  // the dataset gives gaze (demo eyes, UnityEyes look_vec)
  Gaze gaze;
};

// ---- Gaze --------------------------------------------------------------------------

void gaze_vector(Gaze g, double out[3]);  // the unit vector above
// The gaze of an eye whose image is turned by `angle` (rotate_scale's sense:
// clockwise on screen for angle > 0), i.e. the camera rolled the other way:
// the vector's (x, y) turn about z. 180 degrees gives (-yaw, -pitch).
Gaze rotate_gaze(Gaze g, double angle);
// Angle between the two gaze vectors, in degrees.
double gaze_angle_deg(Gaze a, Gaze b);
// UnityEyes' look_vec is in Unity camera space (left-handed: x right, y up,
// z forward, away from the camera), so a gaze into the camera is (0, 0, -1):
// yaw = atan2(x, -z), pitch = atan2(y, hypot(x, z)) (the length does not
// matter). Throws on a zero vector.
Gaze look_vec_to_gaze(const double look_vec[3]);

// ---- Geometry --------------------------------------------------------------------

// (1, H, W) 0/1: pixel (i, j) is 1 when its centre (j, i) lies inside the
// polygon (even-odd rule, scanline fill; a pixel centre exactly on a left
// edge is inside, on a right edge outside).
ImageF fill_polygon(const std::vector<Point2>& polygon, int height, int width);
// (1, H, W) 0/1 ellipse (rx = ry: a disc) around (cx, cy), boundary included.
ImageF fill_ellipse(double cx, double cy, double rx, double ry, int height, int width);
// Centroid (x = column, y = row) of the pixels equal to `label`; throws naming
// `what` when there is none.
Point2 label_centroid(const LabelMap& labels, int label, const std::string& what);

// A box of the source image (may leave the frame: edge-padded) resized to (H, W).
struct Frame {
  int top = 0, left = 0, height = 1, width = 1;
};
// METHOD.md's eye crop of the inclusive bounding box [y0, y1] x [x0, x1] (the same
// formula as load_sample's --crop eye).
Frame eye_frame(int y0, int y1, int x0, int x1, int H, int W, double factor);
// The centred box of aspect H:W covering the whole source (like --crop center).
Frame cover_frame(int src_height, int src_width, int H, int W);
Point2 map_point(const Frame& f, int H, int W, Point2 p);

// ---- UnityEyes ----------------------------------------------------------------------

struct UnityEyesAnnotation {
  std::vector<Point2> iris, interior_margin, caruncle;  // image coordinates (y down)
  double look_vec[3] = {0, 0, 0};
  bool has_look_vec = false;
  Point2 iris_centre() const;  // vertex mean of iris_2d
};
// Parses a UnityEyes JSON text; `image_height` flips y. Errors name `source`.
UnityEyesAnnotation parse_unityeyes_json(const std::string& text, int image_height,
                                         const std::string& source);
UnityEyesAnnotation read_unityeyes_json(const std::string& path, int image_height);
// "eye": the opening (interior_margin_2d); "iris": iris_2d inside the opening.
ImageF unityeyes_mask(const UnityEyesAnnotation& a, const std::string& region, int height,
                      int width);
// N.json beside every N.jpg/N.png in `dir` (sorted); errors name the missing file.
std::vector<std::pair<std::string, std::string>> unityeyes_files(const std::string& dir);
// `mgst masks`: OUT/N.png (0/255, `region` as in unityeyes_mask) for every
// render in `dir`, and OUT/centres.csv (file,x,y: iris centres, y from the
// top). Returns the number of masks written.
int write_unityeyes_masks(const std::string& dir, const std::string& out,
                          const std::string& region);

// ---- Centre CSV ------------------------------------------------------------------------

struct CentreRow {
  std::string file;
  double x = 0, y = 0;
  int line = 0;  // 1-based line in the CSV
};
// Rows of `file,x,y`; a bad row throws naming the CSV and the line.
std::vector<CentreRow> parse_centre_csv(const std::string& text, const std::string& source);
std::vector<CentreRow> read_centre_csv(const std::string& path);

// ---- Loading a whole set --------------------------------------------------------------

struct EyeLoadOptions {
  int height = 48, width = 64;
  std::string crop = "eye";  // eye[:F] | center
  MaskOptions masks;         // attention labels (label maps), --ignore-black
  int pupil_label = 3;
  std::string region = "eye";   // UnityEyes attention region: eye | iris
  double mask_from_center = 0;  // CSV without masks: disc radius in source pixels
  std::string masks_dir;        // label maps / CSV masks
};

std::vector<EyeSample> load_label_set(const std::string& images, const EyeLoadOptions& o);
std::vector<EyeSample> load_unityeyes_set(const std::string& dir, const EyeLoadOptions& o);
// File names in the CSV are relative to `images_dir` (default: the CSV's folder).
std::vector<EyeSample> load_csv_set(const std::string& csv, const std::string& images_dir,
                                    const EyeLoadOptions& o);

}  // namespace mgst::data
