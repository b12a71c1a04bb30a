// CUDA sum / weighted row mse vs the CPU backend, and bit-reproducibility.
// Both sides accumulate in double: scalar_close (1e-5 relative).
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"

TEST_SUITE("cuda") {

TEST_CASE("cuda sum_forward: vs CPU, deterministic") {
  MGST_REQUIRE_GPU();
  for (int64_t n : {0, 1, 255, 4097, 1 << 20, 16 * 1000 * 1000 + 3}) {
    if (mgst::test::cuda::small_mode() && n > (1 << 20)) continue;
    CAPTURE(n);
    const auto x = random_vector(n, 1);
    float ref = 0;
    kp::sum_forward(n, x.data(), &ref);
    DeviceBuffer dx(x), out(1);
    run_checked("sum_forward", {&out}, [&] { kc::sum_forward(n, dx, out); });
    const float got = out.download()[0];
    scalar_close("sum_forward", got, ref);
    kc::sum_forward(n, dx, out);
    CHECK(out.download()[0] == got);
  }
}

TEST_CASE("cuda weighted_row_mse: forward/backward vs CPU, broadcast target, weights") {
  MGST_REQUIRE_GPU();
  struct S { int R; int64_t M; };
  for (S s : {S{1, 1}, S{1, 1000}, S{4, 4096}, S{3, 262144}, S{7, 33}}) {
    for (int variant = 0; variant < 3; ++variant) {  // 0: plain, 1: weights, 2: broadcast target
      CAPTURE(s.R); CAPTURE(s.M); CAPTURE(variant);
      const auto a = random_vector(std::size_t(s.R) * s.M, 1);
      const int64_t ts = variant == 2 ? 0 : s.M;
      const auto t = random_vector(variant == 2 ? s.M : std::size_t(s.R) * s.M, 2);
      const auto rw = random_vector(s.R, 3, 0.f, 2.f);
      const float* rwp = variant == 1 ? rw.data() : nullptr;
      const std::vector<float> gout = {1.7f};
      float ref = 0;
      std::vector<float> da_ref(a.size());
      kp::weighted_row_mse_forward(s.R, s.M, a.data(), t.data(), ts, rwp, &ref);
      kp::weighted_row_mse_backward(s.R, s.M, a.data(), t.data(), ts, rwp, gout.data(), da_ref.data());
      DeviceBuffer da_in(a), dt(t), drw(rw), dg(gout), out(1), da(a.size());
      float* drwp = variant == 1 ? drw.get() : nullptr;
      run_checked("weighted_row_mse_forward", {&out}, [&] { kc::weighted_row_mse_forward(s.R, s.M, da_in, dt, ts, drwp, out); });
      scalar_close("weighted_row_mse_forward", out.download()[0], ref);
      run_checked("weighted_row_mse_backward", {&da}, [&] { kc::weighted_row_mse_backward(s.R, s.M, da_in, dt, ts, drwp, dg, da); });
      elementwise_close("weighted_row_mse_backward", da.download(), da_ref);
    }
  }
}

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
