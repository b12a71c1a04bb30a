// RUN_DIR/log.csv, one row per step, and its plot (RUN_DIR/loss.png, the
// weighted loss terms), written by the trainer and read by --resume and
// `mgst inspect`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "losses/objective.h"

namespace mgst::train {

struct StepLog {
  int64_t step;
  double content, style, task, tv, total, images_per_s;
};
// One row, "step,content,style,task,tv,total,images_per_s\n".
std::string log_csv_row(const StepLog& r);
void write_log_csv(const std::string& path, const std::vector<StepLog>& rows);
// A torn last line (a crash mid-append) is dropped; a missing file gives no rows.
std::vector<StepLog> read_log_csv(const std::string& path);

// PNG (atomically) of the rows' weighted terms w_c*content, w_s*style,
// w_t*task, w_tv*tv and the total, x = step. `rows` must not be empty.
void plot_log(const std::string& path, const std::vector<StepLog>& rows,
              const losses::LossConfig& weights, const std::string& title);

}  // namespace mgst::train
