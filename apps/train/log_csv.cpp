#include "apps/train/log_csv.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "apps/train/plot.h"
#include "core/io/fileio.h"

namespace mgst::train {

namespace {

// The column names of a layout, in file order.
std::vector<std::string> column_names(const LogColumns& c) {
  std::vector<std::string> n{"step", "content", "style", "task", "tv", "total", "images_per_s"};
  if (c.task_net_style) n.push_back("task_net_style");
  if (c.val)
    for (const char* v : {"val_content", "val_style", "val_task", "val_tv", "val_total"})
      n.push_back(v);
  if (c.val && c.task_net_style) n.push_back("val_task_net_style");
  return n;
}

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> out(1);
  for (char ch : line) {
    if (ch == ',')
      out.emplace_back();
    else if (ch != '\r')
      out.back() += ch;
  }
  return out;
}

// A whole field as a number; false for empty or trailing junk.
bool parse_number(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

std::string field(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string log_csv_header(const LogColumns& columns) {
  std::string h;
  for (const auto& n : column_names(columns)) h += (h.empty() ? "" : ",") + n;
  return h + "\n";
}

std::string log_csv_row(const StepLog& r, const LogColumns& columns) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%lld,%.9g,%.9g,%.9g,%.9g,%.9g,%.4g", (long long)r.step, r.content,
                r.style, r.task, r.tv, r.total, r.images_per_s);
  std::string row = buf;
  if (columns.task_net_style) row += "," + field(r.task_style);
  if (columns.val) {
    const LossValues& v = r.val;
    for (double x : {v.content, v.style, v.task, v.tv, v.total})
      row += "," + (r.has_val ? field(x) : "");
    if (columns.task_net_style) row += "," + (r.has_val ? field(v.task_net_style) : "");
  }
  return row + "\n";
}

void write_log_csv(const std::string& path, const std::vector<StepLog>& rows,
                   const LogColumns& columns) {
  std::string s = log_csv_header(columns);
  for (const auto& r : rows) s += log_csv_row(r, columns);
  write_file_atomic(path, s);
}

std::vector<StepLog> read_log_csv(const std::string& path) {
  const LogColumns layouts[] = {{false, false}, {true, false}, {false, true}, {true, true}};
  std::vector<StepLog> rows;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_commas(line);
  const LogColumns* by_header = nullptr;
  for (const auto& l : layouts)
    if (column_names(l) == header) by_header = &l;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = split_commas(line);
    const LogColumns* layout = by_header;
    if (!layout)
      for (const auto& l : layouts)
        if (column_names(l).size() == f.size()) layout = &l;
    if (!layout || column_names(*layout).size() != f.size()) continue;
    StepLog r{};
    r.task_style = kNoValue;
    double step = 0;
    bool ok = parse_number(f[0], &step) && step == std::floor(step);
    double* base[] = {&r.content, &r.style, &r.task, &r.tv, &r.total, &r.images_per_s};
    for (std::size_t i = 0; i < 6; ++i) ok = ok && parse_number(f[i + 1], base[i]);
    std::size_t at = 7;
    // Optional fields: a number, or empty (the row lacks the value).
    auto optional = [&](double* v) {
      const std::string& s = f[at++];
      if (s.empty()) return false;
      ok = ok && parse_number(s, v);
      return true;
    };
    if (layout->task_net_style) optional(&r.task_style);
    if (layout->val) {
      LossValues& v = r.val;
      int present = 0;
      for (double* x : {&v.content, &v.style, &v.task, &v.tv, &v.total}) present += optional(x);
      if (layout->task_net_style) optional(&v.task_net_style);
      ok = ok && (present == 0 || present == 5);  // all five or none
      r.has_val = present == 5;
    }
    if (!ok) continue;
    r.step = int64_t(step);
    rows.push_back(r);
  }
  return rows;
}

void plot_log(const std::string& path, const std::vector<StepLog>& rows,
              const losses::LossConfig& weights, const std::string& title) {
  std::vector<std::string> names{"w_c*content", "w_s*style", "w_t*task", "w_tv*tv"};
  std::vector<std::vector<double>> series(4);
  bool psi = false;
  for (const auto& r : rows) psi = psi || !std::isnan(r.task_style);
  if (psi) names.push_back("w_psi*task_net_style"), series.emplace_back();
  names.push_back("total"), series.emplace_back();
  for (const auto& r : rows) {
    series[0].push_back(r.content * weights.w_content);
    series[1].push_back(r.style * weights.w_style);
    series[2].push_back(r.task * weights.w_task);
    series[3].push_back(r.tv * weights.w_tv);
    if (psi) series[4].push_back(r.task_style * weights.w_task_style);  // NaN: not drawn
    series.back().push_back(r.total);
  }
  PlotOptions po;
  po.x_start = double(rows.front().step);
  write_loss_plot(path, names, series, title, po);
}

}  // namespace mgst::train
