// RUN_DIR/log.csv, one row per step, and its plot (RUN_DIR/loss.png, the
// weighted loss terms), written by the trainer and read by --resume and
// `mgst inspect`.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "losses/objective.h"

namespace mgst::train {

// NaN marks a task-net style value a row does not have (a run without
// --task-net, or a row of a log written before the column existed).
inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

// The loss terms of one batch or set: unweighted terms, weighted total.
struct LossValues {
  double content = 0, style = 0, task = 0, tv = 0, total = 0;
  double task_net_style = kNoValue;  // L_psi, unweighted (--task-net)
};
struct StepLog {
  int64_t step;
  double content, style, task, tv, total, images_per_s;
  // Validation loss (train --val-content), on the rows of checkpoint steps only.
  bool has_val = false;
  LossValues val;
  // L_psi, unweighted (train --task-net): the step line's "task-net style";
  // the total includes w_psi times it.
  double task_style = kNoValue;
};
// The optional columns of a log.csv. The header is
//   step,content,style,task,tv,total,images_per_s
// then `task_net_style` (with task_net_style), then (with val)
// val_content,val_style,val_task,val_tv,val_total and, with both,
// val_task_net_style. A field a row lacks is empty.
struct LogColumns {
  bool task_net_style = false;  // train --task-net
  bool val = false;             // train --val-content
};
std::string log_csv_header(const LogColumns& columns);
// One row of `columns`' layout, ending in "\n".
std::string log_csv_row(const StepLog& r, const LogColumns& columns = {});
void write_log_csv(const std::string& path, const std::vector<StepLog>& rows,
                   const LogColumns& columns = {});
// Reads any of the layouts above (logs from before the task_net_style column
// too). A row whose field count differs from the header's (a torn last line,
// a crash mid-append) or that does not parse is dropped; a missing file gives
// no rows. An unreadable header falls back to the layout its rows' field
// count names.
std::vector<StepLog> read_log_csv(const std::string& path);

// PNG (atomically) of the rows' weighted terms w_c*content, w_s*style,
// w_t*task, w_tv*tv, w_psi*task_net_style (when a row has it) and the total,
// x = step. `rows` must not be empty.
void plot_log(const std::string& path, const std::vector<StepLog>& rows,
              const losses::LossConfig& weights, const std::string& title);

}  // namespace mgst::train
