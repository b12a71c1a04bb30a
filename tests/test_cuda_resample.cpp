// CUDA upsample / max pool / avg pool vs the CPU backend, odd sizes (floor),
// with ties in the max pool (ties go to the first element in window order).
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"

TEST_SUITE("cuda") {

TEST_CASE("cuda resample: upsample, max pool (with ties), avg pool vs CPU") {
  MGST_REQUIRE_GPU();
  struct S { int NC, H, W; };
  for (S s : {S{1, 1, 1}, S{2, 5, 7}, S{3, 8, 8}, S{4, 33, 17}, S{2, 64, 63}}) {
    CAPTURE(s.NC); CAPTURE(s.H); CAPTURE(s.W);
    const std::size_t n = std::size_t(s.NC) * s.H * s.W;
    auto x = random_vector(n, 1);
    for (std::size_t i = 0; i < n; i += 3) x[i] = std::round(x[i] * 2) / 2;  // ties
    DeviceBuffer dxin(x), dxo(n);

    {  // upsample x2
      const auto dyv = random_vector(n * 4, 2);
      std::vector<float> y_ref(n * 4), dx_ref(n);
      kp::upsample_nearest2x_forward(s.NC, s.H, s.W, x.data(), y_ref.data());
      kp::upsample_nearest2x_backward(s.NC, s.H, s.W, dyv.data(), dx_ref.data());
      DeviceBuffer y(n * 4), dy(dyv);
      run_checked("upsample fwd", {&y}, [&] { kc::upsample_nearest2x_forward(s.NC, s.H, s.W, dxin, y); });
      elementwise_close("upsample_nearest2x_forward", y.download(), y_ref);
      run_checked("upsample bwd", {&dxo}, [&] { kc::upsample_nearest2x_backward(s.NC, s.H, s.W, dy, dxo); });
      elementwise_close("upsample_nearest2x_backward", dxo.download(), dx_ref);
    }
    const std::size_t np = std::size_t(s.NC) * (s.H / 2) * (s.W / 2);
    if (np > 0) {  // max pool
      const auto dyv = random_vector(np, 3);
      std::vector<float> y_ref(np), dx_ref(n);
      kp::max_pool2x2_forward(s.NC, s.H, s.W, x.data(), y_ref.data());
      kp::max_pool2x2_backward(s.NC, s.H, s.W, x.data(), dyv.data(), dx_ref.data());
      DeviceBuffer y(np), dy(dyv);
      run_checked("maxpool fwd", {&y}, [&] { kc::max_pool2x2_forward(s.NC, s.H, s.W, dxin, y); });
      elementwise_close("max_pool2x2_forward", y.download(), y_ref);
      run_checked("maxpool bwd", {&dxo}, [&] { kc::max_pool2x2_backward(s.NC, s.H, s.W, dxin, dy, dxo); });
      elementwise_close("max_pool2x2_backward", dxo.download(), dx_ref);
    }
    for (int k : {1, 2, 4, 8}) {  // avg pool
      const std::size_t na = std::size_t(s.NC) * (s.H / k) * (s.W / k);
      if (!na) continue;
      CAPTURE(k);
      const auto dyv = random_vector(na, 4);
      std::vector<float> y_ref(na), dx_ref(n);
      kp::avg_pool_forward(s.NC, s.H, s.W, k, x.data(), y_ref.data());
      kp::avg_pool_backward(s.NC, s.H, s.W, k, dyv.data(), dx_ref.data());
      DeviceBuffer y(na), dy(dyv);
      run_checked("avgpool fwd", {&y}, [&] { kc::avg_pool_forward(s.NC, s.H, s.W, k, dxin, y); });
      elementwise_close("avg_pool_forward", y.download(), y_ref);
      run_checked("avgpool bwd", {&dxo}, [&] { kc::avg_pool_backward(s.NC, s.H, s.W, k, dy, dxo); });
      elementwise_close("avg_pool_backward", dxo.download(), dx_ref);
    }
  }
}

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
