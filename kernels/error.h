// One error type for the whole library. Library code throws; only apps/
// catches and turns the message into an exit code.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace mgst {

// what() is the message a user reads; where() is the source location of the
// throw ("file:line", or "" when none was recorded). They are kept apart so
// the one place that prints errors (apps/cli) can show a build machine's
// source path only when asked (MGST_DEBUG=1) and tests can match messages
// without it.
struct Error : std::runtime_error {
  explicit Error(const std::string& message, std::string where = {})
      : std::runtime_error(message), where_(std::move(where)) {}
  const std::string& where() const noexcept { return where_; }

 private:
  std::string where_;
};

namespace detail {
[[noreturn]] inline void throw_error(const std::string& msg, const char* file, int line) {
  throw Error(msg, std::string(file) + ":" + std::to_string(line));
}
}  // namespace detail

}  // namespace mgst

// MGST_CHECK(cond, a << b << ...): throws mgst::Error with the streamed
// message, and file:line as its where(), when cond is false.
#define MGST_CHECK(cond, msg)                                          \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::ostringstream mgst_os_;                                     \
      mgst_os_ << msg;                                                 \
      ::mgst::detail::throw_error(mgst_os_.str(), __FILE__, __LINE__); \
    }                                                                  \
  } while (0)

#define MGST_FAIL(msg) MGST_CHECK(false, msg)
