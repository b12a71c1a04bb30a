// CUDA region losses (masked mse, task edge loss, total variation) vs the
// CPU backend: value (scalar_close, both in double) and gradient
// (elementwise 1e-5 relative + 1e-7 absolute: tiny gradients of big sums).
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"

namespace {
// masks in [0,1] with exact zeros and an all-zero sample (n = 1) when N > 1
std::vector<float> make_mask(int N, int64_t P, uint64_t seed) {
  auto m = random_vector(std::size_t(N) * P, seed, 0.f, 1.f);
  for (std::size_t i = 0; i < m.size(); i += 3) m[i] = 0.f;
  if (N > 1)
    for (int64_t p = 0; p < P; ++p) m[P + p] = 0.f;
  return m;
}
}  // namespace

TEST_SUITE("cuda") {

TEST_CASE("cuda masked_mse: forward/backward vs CPU") {
  MGST_REQUIRE_GPU();
  struct S { int N, C, P; };
  for (S s : {S{1, 1, 1}, S{2, 3, 17}, S{4, 64, 4096}, S{3, 5, 1023}}) {
    CAPTURE(s.N); CAPTURE(s.C); CAPTURE(s.P);
    const std::size_t n = std::size_t(s.N) * s.C * s.P;
    const auto a = random_vector(n, 1), b = random_vector(n, 2);
    const auto m = make_mask(s.N, s.P, 3);
    const std::vector<float> gout = {0.7f};
    float ref = 0;
    std::vector<float> da_ref(n);
    kp::masked_mse_forward(s.N, s.C, s.P, a.data(), b.data(), m.data(), 1e-8f, &ref);
    kp::masked_mse_backward(s.N, s.C, s.P, a.data(), b.data(), m.data(), 1e-8f, gout.data(), da_ref.data());
    DeviceBuffer da_in(a), db_in(b), dm(m), dg(gout), out(1), da(n);
    run_checked("masked_mse_forward", {&out}, [&] { kc::masked_mse_forward(s.N, s.C, s.P, da_in, db_in, dm, 1e-8f, out); });
    scalar_close("masked_mse_forward", out.download()[0], ref);
    run_checked("masked_mse_backward", {&da}, [&] { kc::masked_mse_backward(s.N, s.C, s.P, da_in, db_in, dm, 1e-8f, dg, da); });
    all_close("masked_mse_backward", da.download(), da_ref, 1e-7, 1e-5);
  }
}

TEST_CASE("cuda task_edge_loss: forward/backward vs CPU") {
  MGST_REQUIRE_GPU();
  struct S { int N, H, W; };
  for (S s : {S{1, 1, 1}, S{1, 2, 3}, S{2, 17, 13}, S{4, 64, 64}, S{3, 1, 9}, S{2, 9, 1}}) {
    CAPTURE(s.N); CAPTURE(s.H); CAPTURE(s.W);
    const std::size_t n = std::size_t(s.N) * 3 * s.H * s.W;
    const auto y = random_vector(n, 1), x = random_vector(n, 2);
    const auto m = make_mask(s.N, int64_t(s.H) * s.W, 3);
    const std::vector<float> gout = {1.3f};
    float ref = 0;
    std::vector<float> dy_ref(n);
    kp::task_edge_loss_forward(s.N, s.H, s.W, y.data(), x.data(), m.data(), 1e-8f, &ref);
    kp::task_edge_loss_backward(s.N, s.H, s.W, y.data(), x.data(), m.data(), 1e-8f, gout.data(), dy_ref.data());
    DeviceBuffer dyi(y), dxi(x), dm(m), dg(gout), out(1), dy(n);
    run_checked("task_edge_loss_forward", {&out}, [&] { kc::task_edge_loss_forward(s.N, s.H, s.W, dyi, dxi, dm, 1e-8f, out); });
    scalar_close("task_edge_loss_forward", out.download()[0], ref);
    run_checked("task_edge_loss_backward", {&dy}, [&] { kc::task_edge_loss_backward(s.N, s.H, s.W, dyi, dxi, dm, 1e-8f, dg, dy); });
    all_close("task_edge_loss_backward", dy.download(), dy_ref, 1e-7, 1e-5);
  }
}

TEST_CASE("cuda total_variation: forward/backward vs CPU (incl. 1-pixel sides)") {
  MGST_REQUIRE_GPU();
  struct S { int N, C, H, W; };
  for (S s : {S{1, 1, 1, 1}, S{1, 3, 1, 7}, S{2, 3, 9, 1}, S{2, 3, 17, 13}, S{4, 3, 128, 128}}) {
    CAPTURE(s.N); CAPTURE(s.C); CAPTURE(s.H); CAPTURE(s.W);
    const std::size_t n = std::size_t(s.N) * s.C * s.H * s.W;
    const auto y = random_vector(n, 1);
    const std::vector<float> gout = {0.9f};
    float ref = 0;
    std::vector<float> dy_ref(n);
    kp::total_variation_forward(s.N, s.C, s.H, s.W, y.data(), &ref);
    kp::total_variation_backward(s.N, s.C, s.H, s.W, y.data(), gout.data(), dy_ref.data());
    DeviceBuffer dyi(y), dg(gout), out(1), dy(n);
    run_checked("total_variation_forward", {&out}, [&] { kc::total_variation_forward(s.N, s.C, s.H, s.W, dyi, out); });
    scalar_close("total_variation_forward", out.download()[0], ref);
    run_checked("total_variation_backward", {&dy}, [&] { kc::total_variation_backward(s.N, s.C, s.H, s.W, dyi, dg, dy); });
    all_close("total_variation_backward", dy.download(), dy_ref, 1e-7, 1e-5);
  }
}

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
