// CUDA channel concat vs the CPU backend (exact data movement), incl. the
// nullable gradients.
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"

TEST_SUITE("cuda") {

TEST_CASE("cuda concat_channels: forward and backward vs CPU") {
  MGST_REQUIRE_GPU();
  struct S { int N, Ca, Cb, P; };
  for (S s : {S{1, 1, 1, 1}, S{2, 3, 1, 35}, S{4, 3, 1, 4096}, S{3, 5, 7, 17}}) {
    CAPTURE(s.N); CAPTURE(s.Ca); CAPTURE(s.Cb); CAPTURE(s.P);
    const auto a = random_vector(std::size_t(s.N) * s.Ca * s.P, 1);
    const auto b = random_vector(std::size_t(s.N) * s.Cb * s.P, 2);
    const auto dyv = random_vector(std::size_t(s.N) * (s.Ca + s.Cb) * s.P, 3);
    std::vector<float> y_ref(dyv.size()), da_ref(a.size()), db_ref(b.size());
    kp::concat_channels_forward(s.N, s.Ca, s.Cb, s.P, a.data(), b.data(), y_ref.data());
    kp::concat_channels_backward(s.N, s.Ca, s.Cb, s.P, dyv.data(), da_ref.data(), db_ref.data());
    DeviceBuffer da_in(a), db_in(b), y(dyv.size()), dy(dyv), da(a.size()), db(b.size());
    run_checked("concat fwd", {&y}, [&] { kc::concat_channels_forward(s.N, s.Ca, s.Cb, s.P, da_in, db_in, y); });
    elementwise_close("concat_channels_forward", y.download(), y_ref);
    run_checked("concat bwd", {&da, &db}, [&] { kc::concat_channels_backward(s.N, s.Ca, s.Cb, s.P, dy, da, db); });
    elementwise_close("concat_channels_backward da", da.download(), da_ref);
    elementwise_close("concat_channels_backward db", db.download(), db_ref);
    run_checked("concat bwd (db null)", {&da}, [&] { kc::concat_channels_backward(s.N, s.Ca, s.Cb, s.P, dy, da, nullptr); });
    elementwise_close("concat_channels_backward da only", da.download(), da_ref);
  }
}

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
