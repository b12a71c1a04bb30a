// mgst masks: attention masks for UnityEyes renders, by polygon fill of the
// landmarks in N.json (apps/data/eye_formats.h), plus the iris centres as a CSV.
#include <cstdio>

#include "apps/cli/commands.h"
#include "apps/data/eye_formats.h"

namespace mgst::cli {

int cmd_masks(const std::vector<std::string>& args) {
  ArgParser a(
      "masks --unityeyes DIR --out DIR [--region iris|eye]",
      "Writes one 8-bit 0/255 mask per UnityEyes render (N.jpg + N.json) to DIR/N.png, the\n"
      "polygon fill of the eyelid opening (eye) or of the visible iris (iris), and\n"
      "DIR/centres.csv (file,x,y: iris centres, y measured from the top).",
      {
          {"--unityeyes", "DIR", "", "folder of N.jpg + N.json"},
          {"--out", "DIR", "", "output folder"},
          {"--region", "R", "eye", "eye (interior_margin_2d) or iris (iris_2d inside the opening)"},
      });
  if (!a.parse(args)) return 0;
  const std::string dir = a.require("--unityeyes"), out = a.require("--out"),
                    region = a.get("--region");
  if (region != "eye" && region != "iris") throw UsageError("--region: expected eye or iris");
  const int n = data::write_unityeyes_masks(dir, out, region);
  std::printf("wrote %d %s masks and centres.csv to %s\n", n, region.c_str(), out.c_str());
  return 0;
}

}  // namespace mgst::cli
