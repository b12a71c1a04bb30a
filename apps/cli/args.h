// Command-line options from one table per subcommand: the same table parses
// the arguments and prints --help, so the help cannot drift from the parser.
#pragma once
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace mgst::cli {

// A mistake in the command line (unknown flag, bad value): exit code 2. Every
// other error is exit code 1; run_cli (apps/cli/cli.cpp) is where both are
// turned into exit codes. A flag's value is checked as it is read (ArgParser's
// getters, check_flag_value at parse time), so a bad value is a UsageError
// however deep the code that would first have tripped over it.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The candidate closest to `word` by edit distance (adjacent swaps count
// one), if it is close enough to be a likely typo; "" otherwise. A word that
// is a prefix of exactly one candidate ("--checkpoint") suggests that one.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);
// " (did you mean X?)" for closest_match's answer, "" when there is none.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// The values that mean the same in every command that takes the flag, checked
// when the command line is parsed: --device (cpu | cuda | auto; whether a GPU
// is there is checked later, a runtime error), --size (HxW or S, multiples of
// 4; also "native" where the option's metavar names it), --crop (eye[:F] | center | random),
// --style-target (mean | paired),
// --batch >= 1, --lr > 0, --steps / --warmup-steps / --checkpoint-every >= 0.
// Throws UsageError naming the flag; other flags pass unchecked.
void check_flag_value(const std::string& flag, const std::string& metavar,
                      const std::string& value);

struct OptionSpec {
  std::string flag;           // "--steps"
  std::string metavar;        // "N"; empty = a switch without a value
  std::string default_value;  // shown in --help; "" = no default
  std::string help;
};

class ArgParser {
 public:
  ArgParser(std::string command, std::string synopsis, std::vector<OptionSpec> options);
  // Returns false when --help was given (help already printed).
  bool parse(const std::vector<std::string>& args);
  void print_help() const;
  // `alias` (e.g. "--output") is read as `flag` ("--out"): an old spelling
  // keeps working while the help shows one name per option.
  void alias(const std::string& alias, const std::string& flag);

  // Replaces a flag's default after parsing (a checkpoint's recorded
  // setting); given() still tells the command line from the default, and the
  // help keeps the table's default. A switch's default is "1" (on) or "".
  void set_default(const std::string& flag, const std::string& value);
  bool declares(const std::string& flag) const;  // in this command's table

  bool given(const std::string& flag) const;       // present on the command line
  bool flag(const std::string& flag) const;        // a switch: given, or on by default
  std::string get(const std::string& flag) const;  // value or default
  std::string require(const std::string& flag) const;
  int get_int(const std::string& flag) const;
  double get_double(const std::string& flag) const;
  // "a,b,c" lists; expected_count < 0 means any length >= 1.
  std::vector<double> get_doubles(const std::string& flag, int expected_count = -1) const;
  std::vector<int> get_ints(const std::string& flag) const;

 private:
  const OptionSpec& spec(const std::string& flag) const;
  std::string command_, synopsis_;
  std::vector<OptionSpec> options_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> aliases_;  // alias -> declared flag
};

}  // namespace mgst::cli
