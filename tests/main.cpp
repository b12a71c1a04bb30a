// Test runner: doctest, plus two things doctest lacks.
//  1. A suite whose prerequisites are absent (no GPU for `cuda`, no
//     ../shared/data for `shared_data`) exits 77, which CTest reports as
//     SKIPPED rather than passed.
//     A suite named in $MGST_REQUIRE_SUITES (comma-separated; CI sets
//     "browser") fails instead of skipping, so CI cannot go green without it.
//  2. `--check-suites a b c` fails if any test case belongs to none of them,
//     so no test silently escapes the CTest entries.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace {

std::string requested_suite(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    for (const char* key : {"--test-suite=", "-ts="}) {
      if (std::strncmp(a, key, std::strlen(key)) == 0) return a + std::strlen(key);
    }
  }
  return "";
}

bool required(const std::string& suite) {
  const char* env = std::getenv("MGST_REQUIRE_SUITES");
  if (!env || suite.empty()) return false;
  std::stringstream list(env);
  for (std::string item; std::getline(list, item, ',');)
    if (item == suite) return true;
  return false;
}

int check_suites(int argc, char** argv, int first) {
  std::set<std::string> known(argv + first, argv + argc);
  int bad = 0;
  for (const auto& tc : doctest::detail::getRegisteredTests()) {
    if (!known.count(tc.m_test_suite)) {
      std::printf("test '%s' (%s:%d) is in suite '%s', which has no CTest entry\n", tc.m_name,
                  tc.m_file.c_str(), tc.m_line, tc.m_test_suite);
      ++bad;
    }
  }
  std::printf("%d test cases checked, %d outside the registered suites\n",
              int(doctest::detail::getRegisteredTests().size()), bad);
  return bad ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  // CUDA device memory from the caching allocator arrives NaN-filled in
  // tests (kernels/cuda/runtime.cu), so reading never-written memory shows.
  setenv("MGST_CUDA_POISON_ALLOC", "1", 0);
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--check-suites") == 0) return check_suites(argc, argv, i + 1);

  const std::string suite = requested_suite(argc, argv);
  const std::string why = mgst::test::skip_reason(suite);
  if (!why.empty() && required(suite)) {
    std::printf("FAILED suite '%s': required by MGST_REQUIRE_SUITES but cannot run: %s\n",
                suite.c_str(), why.c_str());
    return 1;
  }
  if (!why.empty()) {
    std::printf("SKIPPED suite '%s': %s\n", suite.c_str(), why.c_str());
    return 77;
  }
  doctest::Context ctx;
  ctx.applyCommandLine(argc, argv);
  return ctx.run();
}
