// Special-purpose checks beside the table (tests/ops/harness.h): argument
// validation, exact max-pool tie routing, in-place and misaligned elementwise
// calls. (The version tables themselves: tests/test_cuda_versions.cpp.)
#include <limits>

#include "kernels/cpu/api.h"
#include "kernels/error.h"
#include "test_util.h"
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#endif

namespace kcpu = mgst::kernels::cpu;
using mgst::kernels::Conv2dShape;

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

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
