// sum and weighted row mse against double loops; backward by finite
// differences; bit-identical sums for 1 and 2 threads.
#include <cstring>

#include "kernels/cpu/api.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::random_vector;
using mgst::test::to_double;
using Vec = std::vector<double>;

namespace {
double row_mse_ref(int R, int64_t M, const Vec& a, const Vec& t, int64_t ts, const Vec* rw) {
  double s = 0;
  for (int r = 0; r < R; ++r) {
    double e = 0;
    for (int64_t m = 0; m < M; ++m) e += std::pow(a[r * M + m] - t[r * ts + m], 2);
    s += (rw ? (*rw)[r] : 1.0) * e / M;
  }
  return s / R;
}
}  // namespace

TEST_SUITE("kernels_cpu") {

TEST_CASE("sum_forward matches a double sum and is bit-identical for 1 and 2 threads") {
  for (int64_t n : {int64_t(0), int64_t(1), int64_t(1000), int64_t(300001)}) {
    CAPTURE(n);
    const auto x = random_vector(n, 3 + n, -1.f, 3.f);
    double ref = 0;
    for (float v : x) ref += v;
    float out[2];
    for (int t = 1; t <= 2; ++t) {
      mgst::test::ScopedThreads th(t);
      kc::sum_forward(n, x.data(), &out[t - 1]);
    }
    all_close("sum", std::vector<float>{out[0]}, std::vector<double>{ref}, 1e-6, 1e-6);
    CHECK(std::memcmp(&out[0], &out[1], sizeof(float)) == 0);
  }
}

TEST_CASE("weighted row mse forward/backward") {
  struct Case {
    int R;
    int64_t M;
    bool broadcast, weighted;
  };
  const Case cases[] = {{1, 1, false, false}, {1, 37, false, false}, {3, 11, true, true},
                        {4, 9, false, true},  {2, 5, true, false},    {2, 40000, false, true}};
  uint64_t seed = 50;
  for (const auto& c : cases) {
    CAPTURE(c.R);
    CAPTURE(c.M);
    CAPTURE(c.broadcast);
    CAPTURE(c.weighted);
    const int64_t ts = c.broadcast ? 0 : c.M;
    const auto a = random_vector(c.R * c.M, ++seed);
    const auto t = random_vector(c.broadcast ? c.M : c.R * c.M, ++seed);
    const auto rw = random_vector(c.R, ++seed, 0.f, 2.f);
    const float* rwp = c.weighted ? rw.data() : nullptr;
    const Vec ad = to_double(a), td = to_double(t), rwd = to_double(rw);
    const Vec* rwr = c.weighted ? &rwd : nullptr;
    float out = 0;
    kc::weighted_row_mse_forward(c.R, c.M, a.data(), t.data(), ts, rwp, &out);
    all_close("row mse", std::vector<float>{out},
              std::vector<double>{row_mse_ref(c.R, c.M, ad, td, ts, rwr)}, 1e-6, 1e-5);
    const float gout = 1.7f;
    std::vector<float> da(a.size());
    kc::weighted_row_mse_backward(c.R, c.M, a.data(), t.data(), ts, rwp, &gout, da.data());
    if (a.size() < 1000) {
      const auto fd = mgst::test::numeric_gradient(
          [&](const Vec& v) { return gout * row_mse_ref(c.R, c.M, v, td, ts, rwr); }, ad);
      all_close("row mse da", da, fd, 1e-6, 1e-4);
    } else {  // the analytic form, too many points for finite differences
      Vec r(a.size());
      for (int64_t i = 0; i < int64_t(a.size()); ++i)
        r[i] = gout * rwd[i / c.M] * 2 * (ad[i] - td[i / c.M * ts + i % c.M]) / (c.R * c.M);
      all_close("row mse da", da, r, 1e-9, 1e-5);
    }
  }
}

}  // TEST_SUITE
