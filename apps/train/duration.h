// Durations as the step line (`mgst train`) and the progress line
// (`mgst purify`) print them: elapsed time and ETA.
#pragma once
#include <string>

namespace mgst::train {

// "1h02m03s", "2m03s" (rounded to the second; negative reads as 0).
std::string duration_text(double seconds);

}  // namespace mgst::train
