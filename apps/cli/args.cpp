#include "apps/cli/args.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "apps/data/dataset.h"
#include "kernels/error.h"

namespace mgst::cli {

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of two adjacent characters ("--stpes") each cost one.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::string strip_dashes(const std::string& s) {
  const std::size_t n = s.find_first_not_of('-');
  return n == std::string::npos ? "" : s.substr(n);
}

// The integer in `v` (all of it), else a UsageError naming `flag`.
int parse_int(const std::string& flag, const std::string& v) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used != v.size() || n < -2147483647LL || n > 2147483647LL) throw std::invalid_argument(v);
    return int(n);
  } catch (const std::logic_error&) {
    throw UsageError(flag + ": '" + v + "' is not an integer");
  }
}

double parse_double(const std::string& flag, const std::string& v) {
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return d;
  } catch (const std::logic_error&) {
    throw UsageError(flag + ": '" + v + "' is not a number");
  }
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  // Dashes are compared apart from the name so "-steps" and "steps" find
  // "--steps", and a short name ("--lr") does not match every two-letter typo.
  const std::string w = strip_dashes(word);
  if (w.empty()) return "";
  std::string best, prefixed;
  int prefix_hits = 0;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    const std::string name = strip_dashes(c);
    if (name.rfind(w, 0) == 0) ++prefix_hits, prefixed = c;
    const std::size_t d = edit_distance(w, name);
    if (d < best_d) best_d = d, best = c;
  }
  // About one typo per three characters, at least one, at most three.
  const std::size_t allowed = std::clamp<std::size_t>(w.size() / 3, 1, 3);
  if (best_d <= allowed) return best;
  return prefix_hits == 1 ? prefixed : "";
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string m = closest_match(word, candidates);
  return m.empty() ? "" : " (did you mean " + m + "?)";
}

void check_flag_value(const std::string& flag, const std::string& metavar,
                      const std::string& value) {
  try {
    if (flag == "--device") {
      if (value != "cpu" && value != "cuda" && value != "auto")
        throw UsageError("--device " + value + ": expected cpu, cuda or auto");
    } else if (flag == "--size" &&
               !(value == "native" && metavar.find("native") != std::string::npos)) {
      const auto [h, w] = data::parse_size(value);
      if (h % 4 || w % 4)
        throw UsageError("--size " + value + ": H and W must be multiples of 4 (e.g. 96x128)");
    } else if (flag == "--precision") {
      const std::string choices = std::string("|") + precision_choices() + "|";
      if (choices.find("|" + value + "|") == std::string::npos)
        throw UsageError("--precision " + value + ": expected one of " + precision_choices());
    } else if (flag == "--crop") {
      data::parse_crop(value);
    } else if (flag == "--style-target") {
      if (value != "mean" && value != "paired")
        throw UsageError("--style-target " + value + ": expected mean or paired");
    } else if (flag == "--batch" && parse_int(flag, value) < 1) {
      throw UsageError("--batch must be >= 1, got " + value);
    } else if ((flag == "--steps" || flag == "--warmup-steps" || flag == "--checkpoint-every") &&
               parse_int(flag, value) < 0) {
      throw UsageError(flag + " must be >= 0, got " + value);
    } else if (flag == "--lr") {
      const double lr = parse_double(flag, value);
      if (!std::isfinite(lr) || lr <= 0)
        throw UsageError("--lr " + value + ": the learning rate must be a positive finite number");
    }
  } catch (const Error& e) {
    throw UsageError(e.what());  // data::parse_size and parse_crop name the flag
  }
}

ArgParser::ArgParser(std::string command, std::string synopsis, std::vector<OptionSpec> options)
    : command_(std::move(command)), synopsis_(std::move(synopsis)), options_(std::move(options)) {}

const OptionSpec& ArgParser::spec(const std::string& flag) const {
  for (const auto& o : options_)
    if (o.flag == flag) return o;
  throw std::logic_error("option " + flag + " is not declared for mgst " + command_);
}

bool ArgParser::parse(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--help" || a == "-h") {
      print_help();
      return false;
    }
    std::string value;
    bool inline_value = false;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      inline_value = true;
    }
    if (auto al = aliases_.find(a); al != aliases_.end()) a = al->second;
    const OptionSpec* o = nullptr;
    for (const auto& cand : options_)
      if (cand.flag == a) o = &cand;
    if (!o) {
      std::vector<std::string> flags{"--help"};
      for (const auto& cand : options_) flags.push_back(cand.flag);
      throw UsageError("unknown option '" + a + "'" + did_you_mean(a, flags));
    }
    if (o->metavar.empty()) {
      if (inline_value) throw UsageError(a + " takes no value");
      values_[a] = "1";
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value (" + o->metavar + ")");
      value = args[++i];
    }
    check_flag_value(a, o->metavar, value);
    values_[a] = value;
  }
  return true;
}

void ArgParser::alias(const std::string& alias, const std::string& flag) {
  spec(flag);
  aliases_[alias] = flag;
}

void ArgParser::print_help() const {
  std::printf("usage: mgst %s\n\n%s\n\noptions:\n", command_.c_str(), synopsis_.c_str());
  for (const auto& o : options_) {
    std::string left = o.flag + (o.metavar.empty() ? "" : " " + o.metavar);
    std::printf("  %-28s %s", left.c_str(), o.help.c_str());
    for (const auto& [alias, flag] : aliases_)
      if (flag == o.flag) std::printf(" (also %s)", alias.c_str());
    if (!o.default_value.empty()) std::printf(" [default: %s]", o.default_value.c_str());
    std::printf("\n");
  }
  std::printf("  %-28s %s\n", "--help", "show this help");
}

bool ArgParser::given(const std::string& flag) const {
  spec(flag);
  return values_.count(flag) > 0;
}

bool ArgParser::flag(const std::string& f) const { return !get(f).empty(); }

void ArgParser::set_default(const std::string& flag, const std::string& value) {
  spec(flag);
  for (auto& o : options_)
    if (o.flag == flag) o.default_value = value;
}

bool ArgParser::declares(const std::string& flag) const {
  for (const auto& o : options_)
    if (o.flag == flag) return true;
  return false;
}

std::string ArgParser::get(const std::string& flag) const {
  const auto& o = spec(flag);
  auto it = values_.find(flag);
  return it != values_.end() ? it->second : o.default_value;
}

std::string ArgParser::require(const std::string& flag) const {
  const std::string v = get(flag);
  if (v.empty()) throw UsageError("missing required option " + flag + " " + spec(flag).metavar);
  return v;
}

int ArgParser::get_int(const std::string& flag) const { return parse_int(flag, require(flag)); }

double ArgParser::get_double(const std::string& flag) const {
  return parse_double(flag, require(flag));
}

std::vector<double> ArgParser::get_doubles(const std::string& flag, int expected_count) const {
  const std::string v = require(flag);
  std::vector<double> out;
  std::stringstream ss(v);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      std::size_t used = 0;
      out.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::logic_error&) {
      throw UsageError(flag + ": '" + item + "' in '" + v + "' is not a number");
    }
  }
  if (out.empty() || (expected_count >= 0 && int(out.size()) != expected_count))
    throw UsageError(flag + ": expected " +
                     (expected_count >= 0 ? std::to_string(expected_count) : "one or more") +
                     " comma-separated numbers, got '" + v + "'");
  return out;
}

std::vector<int> ArgParser::get_ints(const std::string& flag) const {
  std::vector<int> out;
  for (double d : get_doubles(flag)) {
    if (d != double(int(d)))
      throw UsageError(flag + ": " + std::to_string(d) + " is not an integer");
    out.push_back(int(d));
  }
  return out;
}

}  // namespace mgst::cli
