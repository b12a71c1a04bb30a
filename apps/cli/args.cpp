#include "apps/cli/args.h"

#include <cstdio>
#include <sstream>

namespace mgst::cli {

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
    if (!o) throw UsageError("unknown option '" + a + "'");
    if (o->metavar.empty()) {
      if (inline_value) throw UsageError(a + " takes no value");
      values_[a] = "1";
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value (" + o->metavar + ")");
      value = args[++i];
    }
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

int ArgParser::get_int(const std::string& flag) const {
  const std::string v = require(flag);
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used != v.size() || n < -2147483647LL || n > 2147483647LL) throw std::invalid_argument(v);
    return int(n);
  } catch (const std::logic_error&) {
    throw UsageError(flag + ": '" + v + "' is not an integer");
  }
}

double ArgParser::get_double(const std::string& flag) const {
  const std::string v = require(flag);
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return d;
  } catch (const std::logic_error&) {
    throw UsageError(flag + ": '" + v + "' is not a number");
  }
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
