// One error type for the whole library. Library code throws; only apps/
// catches and turns the message into an exit code.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace mgst {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {
[[noreturn]] inline void throw_error(const std::string& msg, const char* file, int line) {
  std::ostringstream os;
  os << msg << " (" << file << ":" << line << ")";
  throw Error(os.str());
}
}  // namespace detail

}  // namespace mgst

// MGST_CHECK(cond, a << b << ...): throws mgst::Error with the streamed
// message and file:line when cond is false.
#define MGST_CHECK(cond, msg)                                          \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::ostringstream mgst_os_;                                     \
      mgst_os_ << msg;                                                 \
      ::mgst::detail::throw_error(mgst_os_.str(), __FILE__, __LINE__); \
    }                                                                  \
  } while (0)

#define MGST_FAIL(msg) MGST_CHECK(false, msg)
