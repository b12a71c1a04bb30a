// Special-purpose checks beside the table (tests/ops/harness.h): argument
// validation, exact max-pool tie routing, in-place and misaligned elementwise
// calls, the conv bias gradient's bits inside the weight gradient's launch,
// conv2d_fused's data gradient adding the gradient so far (dx_add) as it stores.
// (The version tables themselves: tests/test_cuda_versions.cpp.)
#include <cstring>
#include <limits>

#include "kernels/cpu/api.h"
#include "kernels/error.h"
#include "test_util.h"
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cuda/versions.h"
#endif

namespace kcpu = mgst::kernels::cpu;
using mgst::kernels::Conv2dFusedShape;
using mgst::kernels::Conv2dShape;

namespace {
// conv2d_fused's data gradient with and without dx_add, on the transform
// net's and VGG's kinds of layer (odd sizes): upsampled + reflected, stride 2,
// zero padding + ReLU, more than 128 input channels (the big tiles).
std::vector<Conv2dFusedShape> dx_add_shapes() {
  Conv2dFusedShape up{2, 5, 7, 9, 3, 3, 1, 1}, down{1, 6, 11, 9, 4, 3, 2, 1},
      vgg{2, 3, 9, 13, 5, 3, 1, 1}, wide{1, 130, 5, 7, 6, 3, 1, 1};
  up.up = 2, up.reflect = true, down.reflect = true, vgg.relu = true, wide.relu = true;
  return {up, down, vgg, wide};
}
// What the autograd's add kernel stored before: so_far + dx, in float.
std::vector<float> plus(const std::vector<float>& so_far, const std::vector<float>& dx) {
  std::vector<float> y(dx.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = so_far[i] + dx[i];
  return y;
}
// The gradient so far: mixed magnitudes, so that the sum rounds.
std::vector<float> so_far_values(std::size_t n) {
  auto v = mgst::test::random_vector(n, 21);
  for (std::size_t i = 0; i < n; i += 3) v[i] *= 1000.f;
  return v;
}
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}
}  // namespace

TEST_SUITE("kernels_cpu") {
  TEST_CASE("ops: the CPU kernels reject bad arguments") {
    std::vector<float> buf(1024);
    float* b = buf.data();
    CHECK_THROWS_AS(kcpu::adam_update(1, b, b, b, b, 0.9f, 0.999f, 1e-8f, nullptr, nullptr),
                    mgst::Error);  // the coefficients are required
    CHECK_THROWS_AS(kcpu::conv2d_forward(Conv2dShape{1, 1, 2, 2, 1, 5, 1, 0}, b, b, nullptr, b),
                    mgst::Error);
    CHECK_THROWS_AS(kcpu::reflection_pad_forward(1, 2, 5, 2, b, b), mgst::Error);   // pad >= H
    CHECK_THROWS_AS(kcpu::reflection_pad_backward(1, 5, 1, 1, b, b), mgst::Error);  // pad >= W
    CHECK_THROWS_AS(kcpu::sgemm(false, false, 4, 4, 4, 1.f, b, 3, b, 4, 0.f, b, 4),
                    mgst::Error);  // lda < K
    CHECK_THROWS_AS(kcpu::sgemm(false, true, 4, 4, 4, 1.f, b, 4, b, 4, 0.f, b, 2),
                    mgst::Error);  // ldc < N
  }

  TEST_CASE("ops: sgemm with K = 0 or alpha = 0 only scales C") {
    std::vector<float> C = {1, 2, 3, 4}, A = {1, 2}, B = {3, 4};
    kcpu::sgemm(false, false, 2, 2, 0, 1.f, A.data(), 1, B.data(), 2, 0.5f, C.data(), 2);
    CHECK(C == std::vector<float>{0.5f, 1, 1.5f, 2});
    std::vector<float> N(4, std::numeric_limits<float>::quiet_NaN());
    kcpu::sgemm(false, false, 2, 2, 1, 0.f, A.data(), 1, B.data(), 2, 0.f, N.data(), 2);
    CHECK(N == std::vector<float>(4, 0.f));
  }

  TEST_CASE("ops: 2x2 max pool ties route to the first element in window order") {
    const std::vector<float> x = {1, 3, 3, 3,  // window 0: 3 at (0,1) first; window 1: (0,2)
                                  3, 0, 3, 3};
    const std::vector<float> dy = {10, 20};
    std::vector<float> y(2), dx(8);
    kcpu::max_pool2x2_forward(1, 2, 4, x.data(), y.data());
    CHECK(y == std::vector<float>{3, 3});
    kcpu::max_pool2x2_backward(1, 2, 4, x.data(), dy.data(), dx.data());
    CHECK(dx == std::vector<float>{0, 10, 20, 0, 0, 0, 0, 0});
  }

  TEST_CASE("ops: conv2d_fused's data gradient adds dx_add as the autograd's add did") {
    using mgst::test::random_vector;
    for (const Conv2dFusedShape& s : dx_add_shapes()) {
      CAPTURE(s.Ci);
      const auto w = random_vector(std::size_t(s.w_size()), 22),
                 y = random_vector(std::size_t(s.y_size()), 23),  // the ReLU's mask
          dy = random_vector(std::size_t(s.y_size()), 24), add = so_far_values(s.x_size());
      std::vector<float> dx(std::size_t(s.x_size())), dx_sum(dx.size());
      kcpu::conv2d_fused_backward_data(s, w.data(), y.data(), dy.data(), nullptr, dx.data());
      kcpu::conv2d_fused_backward_data(s, w.data(), y.data(), dy.data(), add.data(), dx_sum.data());
      CHECK(same_bits(dx_sum, plus(add, dx)));
      CHECK(!same_bits(dx_sum, dx));
    }
  }

  TEST_CASE("ops: elementwise ops work in place") {
    auto a = mgst::test::random_vector(1000, 5);
    const auto keep = a;
    kcpu::add(int64_t(a.size()), a.data(), a.data(), a.data());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == 2 * keep[i]);
  }

}  // TEST_SUITE

#ifdef MGST_WITH_CUDA
TEST_SUITE("cuda") {
  TEST_CASE("cuda ops: the CUDA kernels reject bad arguments") {
    MGST_REQUIRE_GPU();
    DeviceBuffer a(4096), b(4096), c(4096);
    Conv2dShape bad{2, 3, 8, 8, 4, 50, 1, 1};  // K larger than the padded input
    CHECK_THROWS_AS(kc::conv2d_forward(bad, a, b, nullptr, c), mgst::Error);
    bad.K = 3;
    bad.stride = 0;
    CHECK_THROWS_AS(kc::conv2d_forward(bad, a, b, nullptr, c), mgst::Error);
    CHECK_THROWS_AS(kc::sgemm(false, false, 30, 60, 7, 1.f, a, 6, b, 60, 0.f, c, 60),
                    mgst::Error);  // lda < K
    CHECK_THROWS_AS(kc::reflection_pad_forward(1, 4, 4, 4, a, b), mgst::Error);
  }

  TEST_CASE("cuda ops: elementwise on misaligned views (the scalar path) and in place") {
    MGST_REQUIRE_GPU();
    {
      const int64_t n = 1027;
      const auto a = random_vector(n + 1, 4), b = random_vector(n + 1, 5);
      DeviceBuffer da(a), db(b), dy(n + 1);
      run_checked("add (offset 1)", {&dy},
                  [&] { kc::add(n, da.get() + 1, db.get() + 1, dy.get() + 1); });
      std::vector<float> ref(n);
      kp::add(n, a.data() + 1, b.data() + 1, ref.data());
      const auto got = dy.download();
      elementwise_close("add (offset 1)", std::vector<float>(got.begin() + 1, got.end()), ref);
    }
    {
      const int64_t n = 999;
      const auto a = random_vector(n, 6), b = random_vector(n, 7);
      DeviceBuffer da(a), db(b);
      kc::add(n, da, db, da);
      kc::relu_forward(n, da, da);
      std::vector<float> ref(n);
      kp::add(n, a.data(), b.data(), ref.data());
      kp::relu_forward(n, ref.data(), ref.data());
      elementwise_close("add+relu in place", da.download(), ref);
    }
  }

  // The _db versions of kernels/cuda/conv2d.cu run the bias gradient inside
  // the weight gradient's launch: dw and db must keep the bits of the
  // versions they replace. dy is noise in [-1, 1) plus, in image 0, +2^60 and
  // -2^60 at pixels 0 and 1 of every channel: a double partial sum holding
  // one of them rounds away the small terms added to it until the other
  // cancels it, so which terms are lost depends on the reduction's order,
  // and a reduction in another order gives other bits. Shapes: P = 437, 396
  // and 144 (none a multiple of 256), two images, split-K, both tile sizes
  // (the TF32 64-tiles' blocks are 128 threads), the ReLU mask.
  TEST_CASE("cuda ops: conv2d's bias gradient in the weight-gradient launch keeps its bits") {
    MGST_REQUIRE_GPU();
    auto wide_dy = [](int N, int Co, int P, uint64_t seed) {
      auto v = random_vector(std::size_t(N) * Co * P, seed);
      for (int co = 0; co < Co; ++co) v[std::size_t(co) * P] = 0x1p60f, v[co * P + 1] = -0x1p60f;
      return v;
    };
    // Runs backward_weight of two versions on the same inputs; dw, db bit-equal.
    auto compare = [&](const auto& table, const char* unfused, const char* fused,
                       std::size_t x_size, std::size_t w_size, int N, int Co, int P,
                       auto&& backward_weight) {
      const std::string versions = std::string(unfused) + " vs " + fused;
      CAPTURE(versions);
      auto y = random_vector(std::size_t(N) * Co * P, 12);  // the ReLU's output: its mask
      for (int co = 0; co < Co; ++co) y[std::size_t(co) * P] = y[co * P + 1] = 1.f;
      DeviceBuffer xb(random_vector(x_size, 11)), yb(y), dyb(wide_dy(N, Co, P, 13));
      std::vector<float> got[2][2];
      for (int k = 0; k < 2; ++k) {
        const auto& v = mgst::kernels::version_named(table, k == 0 ? unfused : fused);
        const std::size_t b_size = Co;
        DeviceBuffer dw(w_size), db(b_size);
        run_checked(v.name, {&dw, &db}, [&] { backward_weight(v.fn, xb, yb, dyb, dw, db); });
        got[k][0] = dw.download(), got[k][1] = db.download();
      }
      CHECK_MESSAGE(same_bits(got[0][0], got[1][0]), "dw");
      CHECK_MESSAGE(same_bits(got[0][1], got[1][1]), "db");
    };
    for (const Conv2dShape& s : {Conv2dShape{2, 3, 19, 23, 5, 3, 1, 1},        // 64-tiles, split-K
                                 Conv2dShape{1, 16, 12, 12, 130, 3, 1, 1}}) {  // 128-tiles
      CAPTURE(s.Co);
      for (auto [a, b] : {std::pair{"v4_igemm_auto", "v6_igemm_auto_db"},
                          std::pair{"v5_tf32_mma", "v7_tf32_mma_db"}})
        compare(kc::conv2d_versions(), a, b, s.x_size(), s.w_size(), s.N, s.Co, s.Ho() * s.Wo(),
                [&](const auto& f, float* x, float*, float* dy, float* dw, float* db) {
                  f.backward_weight(s, x, dy, dw, db);
                });
    }
    using mgst::kernels::Conv2dFusedShape;
    Conv2dFusedShape up{2, 3, 9, 11, 5, 3, 1, 1};  // upsampled to 18x22: P = 396
    up.up = 2, up.reflect = true, up.relu = true;
    Conv2dFusedShape vgg{1, 16, 12, 12, 130, 3, 1, 1};
    vgg.relu = true;
    for (const Conv2dFusedShape& s : {up, vgg}) {
      CAPTURE(s.Co);
      for (auto [a, b] : {std::pair{"v1_igemm_auto", "v3_igemm_auto_db"},
                          std::pair{"v2_tf32_mma", "v4_tf32_mma_db"}})
        compare(kc::conv2d_fused_versions(), a, b, s.x_size(), s.w_size(), s.N, s.Co,
                s.Ho() * s.Wo(),
                [&](const auto& f, float* x, float* y, float* dy, float* dw, float* db) {
                  f.backward_weight(s, x, y, dy, dw, db);
                });
    }
  }

  // Every version and the dispatched function: with dx_add, the bits of
  // dx_add + (its own dx without), the add kernel's result before the fusion.
  TEST_CASE("cuda ops: conv2d_fused's data gradient adds dx_add as the autograd's add did") {
    MGST_REQUIRE_GPU();
    for (const Conv2dFusedShape& s : dx_add_shapes()) {
      CAPTURE(s.Ci);
      DeviceBuffer w(random_vector(std::size_t(s.w_size()), 22)),
          y(random_vector(std::size_t(s.y_size()), 23)),
          dy(random_vector(std::size_t(s.y_size()), 24));
      const auto add = so_far_values(s.x_size());
      DeviceBuffer so_far(add), dx(std::size_t(s.x_size())), dx_sum(std::size_t(s.x_size()));
      auto check = [&](const std::string& who, auto&& backward_data) {
        CAPTURE(who);
        run_checked(who.c_str(), {&dx}, [&] { backward_data(nullptr, dx.get()); });
        run_checked(who.c_str(), {&dx_sum}, [&] { backward_data(so_far.get(), dx_sum.get()); });
        CHECK(same_bits(dx_sum.download(), plus(add, dx.download())));
      };
      for (const auto& v : kc::conv2d_fused_versions())
        check(v.name, [&](const float* a, float* out) { v.fn.backward_data(s, w, y, dy, a, out); });
      check("dispatched", [&](const float* a, float* out) {
        kc::conv2d_fused_backward_data(s, w, y, dy, a, out);
      });
    }
  }

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
