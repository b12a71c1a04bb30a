// RUN_DIR/log.csv, one row per step, and its plot (RUN_DIR/loss.png, the
// weighted loss terms), written by the trainer and read by --resume and
// `mgst inspect`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "losses/objective.h"

namespace mgst::train {

// The loss terms of one batch or set: unweighted terms, weighted total.
struct LossValues {
  double content = 0, style = 0, task = 0, tv = 0, total = 0;
};
struct StepLog {
  int64_t step;
  double content, style, task, tv, total, images_per_s;
  // Validation loss (train --val-content), on the rows of checkpoint steps only.
  bool has_val = false;
  LossValues val;
  // L_psi, unweighted (train --task-net; printed, not in log.csv, whose total includes it).
  double task_style = 0;
};
// One row, "step,content,style,task,tv,total,images_per_s\n"; with
// `val_columns`, five more: val_content,val_style,val_task,val_tv,val_total
// (empty on rows without validation).
std::string log_csv_row(const StepLog& r, bool val_columns = false);
void write_log_csv(const std::string& path, const std::vector<StepLog>& rows,
                   bool val_columns = false);
// A torn last line (a crash mid-append) is dropped; a missing file gives no rows.
std::vector<StepLog> read_log_csv(const std::string& path);

// PNG (atomically) of the rows' weighted terms w_c*content, w_s*style,
// w_t*task, w_tv*tv and the total, x = step. `rows` must not be empty.
void plot_log(const std::string& path, const std::vector<StepLog>& rows,
              const losses::LossConfig& weights, const std::string& title);

}  // namespace mgst::train
