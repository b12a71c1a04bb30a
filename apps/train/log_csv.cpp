#include "apps/train/log_csv.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "apps/train/plot.h"
#include "core/io/fileio.h"

namespace mgst::train {

std::string log_csv_row(const StepLog& r, bool val_columns) {
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, "%lld,%.9g,%.9g,%.9g,%.9g,%.9g,%.4g", (long long)r.step,
                        r.content, r.style, r.task, r.tv, r.total, r.images_per_s);
  if (val_columns && r.has_val)
    std::snprintf(buf + n, sizeof buf - std::size_t(n), ",%.9g,%.9g,%.9g,%.9g,%.9g", r.val.content,
                  r.val.style, r.val.task, r.val.tv, r.val.total);
  else if (val_columns)
    std::snprintf(buf + n, sizeof buf - std::size_t(n), ",,,,,");
  return std::string(buf) + "\n";
}

void write_log_csv(const std::string& path, const std::vector<StepLog>& rows, bool val_columns) {
  std::ostringstream os;
  os << "step,content,style,task,tv,total,images_per_s";
  if (val_columns) os << ",val_content,val_style,val_task,val_tv,val_total";
  os << "\n";
  for (const auto& r : rows) os << log_csv_row(r, val_columns);
  write_file_atomic(path, os.str());
}

std::vector<StepLog> read_log_csv(const std::string& path) {
  std::vector<StepLog> rows;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    StepLog r{};
    long long step;
    LossValues& v = r.val;
    // A torn last line (crash mid-append) is dropped; empty validation fields stop the scan at 7.
    const int n = std::sscanf(line.c_str(), "%lld,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf",
                              &step, &r.content, &r.style, &r.task, &r.tv, &r.total,
                              &r.images_per_s, &v.content, &v.style, &v.task, &v.tv, &v.total);
    if (n == 7 || n == 12) {
      r.step = step;
      r.has_val = n == 12;
      rows.push_back(r);
    }
  }
  return rows;
}

void plot_log(const std::string& path, const std::vector<StepLog>& rows,
              const losses::LossConfig& weights, const std::string& title) {
  std::vector<std::vector<double>> series(5);
  for (const auto& r : rows) {
    series[0].push_back(r.content * weights.w_content);
    series[1].push_back(r.style * weights.w_style);
    series[2].push_back(r.task * weights.w_task);
    series[3].push_back(r.tv * weights.w_tv);
    series[4].push_back(r.total);
  }
  PlotOptions po;
  po.x_start = double(rows.front().step);
  write_loss_plot(path, {"w_c*content", "w_s*style", "w_t*task", "w_tv*tv", "total"}, series, title,
                  po);
}

}  // namespace mgst::train
