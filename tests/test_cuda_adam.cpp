// CUDA Adam vs the CPU backend over several steps (same float formula; the
// only differences are fma contraction and sqrt rounding: elementwise 1e-5).
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"

TEST_SUITE("cuda") {

TEST_CASE("cuda adam_update: 5 steps vs CPU, aligned and odd lengths") {
  MGST_REQUIRE_GPU();
  for (int64_t n : {1, 7, 4096, 100003}) {
    CAPTURE(n);
    auto p = random_vector(n, 1), m = std::vector<float>(n, 0.f), v = std::vector<float>(n, 0.f);
    DeviceBuffer dp(p), dm(m), dv(v), dg(n);
    for (int64_t t = 1; t <= 5; ++t) {
      const auto g = random_vector(n, 10 + t);
      dg.upload(g);
      kc::adam_update(n, dp, dg, dm, dv, 1e-3f, 0.9f, 0.999f, 1e-8f, t);
      kp::adam_update(n, p.data(), g.data(), m.data(), v.data(), 1e-3f, 0.9f, 0.999f, 1e-8f, t);
    }
    elementwise_close("adam p", dp.download(), p);
    elementwise_close("adam m", dm.download(), m);
    elementwise_close("adam v", dv.download(), v);
    dp.guards_intact("adam p");
    dm.guards_intact("adam m");
    dv.guards_intact("adam v");
  }
}

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
