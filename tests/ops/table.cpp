// The op table and the input makers (tests/ops/harness.h). No test cases
// here: bench/bench_ops.cpp links this file and the family files too.
#include <algorithm>
#include <cstdlib>
#include <random>

#include "ops/harness.h"
#include "test_util.h"

namespace mgst::test::ops {

// ---- input makers and small helpers (harness.h) ----------------------------

FVec uniform(std::size_t n, uint64_t seed, float lo, float hi) {
  return random_vector(n, seed, lo, hi);
}

FVec distinct(std::size_t n, uint64_t seed) {
  FVec v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = float(i);
  std::shuffle(v.begin(), v.end(), std::mt19937_64(seed));
  for (auto& e : v) e = -1.f + 2.f * e / float(n);
  return v;
}

FVec away_from_zero(std::size_t n, uint64_t seed, float margin) {
  return mgst::test::away_from_zero(random_vector(n, seed), margin);
}

FVec mask(int N, int64_t P, uint64_t seed) {
  auto m = random_vector(std::size_t(N) * P, seed, 0.f, 1.f);
  for (std::size_t i = 0; i < m.size(); i += 3) m[i] = 0.f;
  if (N > 1)
    for (int64_t p = 0; p < P; ++p) m[P + p] = 0.f;
  return m;
}

std::vector<Vec> to_double(const std::vector<FVec>& v) {
  std::vector<Vec> d;
  for (const auto& e : v) d.push_back(mgst::test::to_double(e));
  return d;
}

bool selected(const OpCase& c) {
  const char* v = std::getenv("MGST_OPS");
  if (!v || !*v) return true;
  const std::string list = std::string(",") + v + ",";
  return list.find("," + c.op + ",") != std::string::npos;
}

bool small_mode() {
  const char* v = std::getenv("MGST_TEST_SMALL");
  return v && *v && *v != '0';
}

const std::vector<OpCase>& op_table() {
  static const std::vector<OpCase> table = [] {
    std::vector<OpCase> t;
    for (auto family : {gemm_cases, conv2d_cases, conv2d_fused_cases, pad_cases, resample_cases,
                        instance_norm_cases, elementwise_cases, concat_cases, gram_cases,
                        reduce_cases, losses_cases, adam_cases})
      for (auto& c : family()) t.push_back(std::move(c));
    return t;
  }();
  return table;
}

}  // namespace mgst::test::ops
