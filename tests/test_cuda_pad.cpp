// CUDA reflection padding vs the CPU backend (exact: pure data movement
// forward; backward sums at most 4 values: elementwise tolerance).
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"

TEST_SUITE("cuda") {

TEST_CASE("cuda reflection_pad: forward and backward vs CPU") {
  MGST_REQUIRE_GPU();
  struct S { int NC, H, W, pad; };
  for (S s : {S{1, 2, 2, 1}, S{3, 5, 7, 1}, S{2, 9, 10, 4}, S{4, 33, 17, 4}, S{2, 64, 64, 1},
              S{1, 6, 5, 4}, S{2, 3, 3, 0}}) {
    CAPTURE(s.NC); CAPTURE(s.H); CAPTURE(s.W); CAPTURE(s.pad);
    const int Hp = s.H + 2 * s.pad, Wp = s.W + 2 * s.pad;
    const auto x = random_vector(std::size_t(s.NC) * s.H * s.W, 1);
    const auto dyv = random_vector(std::size_t(s.NC) * Hp * Wp, 2);
    std::vector<float> y_ref(dyv.size()), dx_ref(x.size());
    kp::reflection_pad_forward(s.NC, s.H, s.W, s.pad, x.data(), y_ref.data());
    kp::reflection_pad_backward(s.NC, s.H, s.W, s.pad, dyv.data(), dx_ref.data());
    DeviceBuffer dx_in(x), y(dyv.size()), dy(dyv), dx(x.size());
    run_checked("reflection_pad_forward", {&y}, [&] { kc::reflection_pad_forward(s.NC, s.H, s.W, s.pad, dx_in, y); });
    elementwise_close("reflection_pad_forward", y.download(), y_ref);
    run_checked("reflection_pad_backward", {&dx}, [&] { kc::reflection_pad_backward(s.NC, s.H, s.W, s.pad, dy, dx); });
    elementwise_close("reflection_pad_backward", dx.download(), dx_ref);
  }
  DeviceBuffer a(16), b(100);
  CHECK_THROWS_AS(kc::reflection_pad_forward(1, 4, 4, 4, a, b), mgst::Error);
}

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
