// CUDA elementwise ops vs the CPU twins (kernels/cpu), odd lengths and
// misaligned views (the scalar path) as well as aligned ones (float4 path).
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"

TEST_SUITE("cuda") {

TEST_CASE("cuda elementwise: every op matches the CPU backend") {
  MGST_REQUIRE_GPU();
  for (int64_t n : {1, 3, 4, 1000, 4097, 1 << 20}) {
    CAPTURE(n);
    const auto a = random_vector(n, 1), b = random_vector(n, 2), y0 = random_vector(n, 3);
    const std::vector<float> gout = {0.37f};
    DeviceBuffer da(a), db(b), dy(n), dg(gout);
    auto ref = std::vector<float>(n);

    run_checked("fill", {&dy}, [&] { kc::fill(n, 2.5f, dy); });
    kp::fill(n, 2.5f, ref.data());
    elementwise_close("fill", dy.download(), ref);

    run_checked("copy", {&dy}, [&] { kc::copy(n, da, dy); });
    elementwise_close("copy", dy.download(), a);

    run_checked("add", {&dy}, [&] { kc::add(n, da, db, dy); });
    kp::add(n, a.data(), b.data(), ref.data());
    elementwise_close("add", dy.download(), ref);

    run_checked("sub", {&dy}, [&] { kc::sub(n, da, db, dy); });
    kp::sub(n, a.data(), b.data(), ref.data());
    elementwise_close("sub", dy.download(), ref);

    run_checked("mul", {&dy}, [&] { kc::mul(n, da, db, dy); });
    kp::mul(n, a.data(), b.data(), ref.data());
    elementwise_close("mul", dy.download(), ref);

    run_checked("scale", {&dy}, [&] { kc::scale(n, da, -1.75f, dy); });
    kp::scale(n, a.data(), -1.75f, ref.data());
    elementwise_close("scale", dy.download(), ref);

    dy.upload(y0);  // axpy accumulates: no poisoning
    kc::axpy(n, 0.3f, da, dy);
    ref = y0;
    kp::axpy(n, 0.3f, a.data(), ref.data());
    elementwise_close("axpy", dy.download(), ref);
    dy.guards_intact("axpy");

    run_checked("scale_by_scalar", {&dy}, [&] { kc::scale_by_scalar(n, da, dg, dy); });
    kp::scale_by_scalar(n, a.data(), gout.data(), ref.data());
    elementwise_close("scale_by_scalar", dy.download(), ref);

    run_checked("relu_forward", {&dy}, [&] { kc::relu_forward(n, da, dy); });
    kp::relu_forward(n, a.data(), ref.data());
    elementwise_close("relu_forward", dy.download(), ref);

    run_checked("relu_backward", {&dy}, [&] { kc::relu_backward(n, da, db, dy); });
    kp::relu_backward(n, a.data(), b.data(), ref.data());
    elementwise_close("relu_backward", dy.download(), ref);
  }
}

TEST_CASE("cuda elementwise: misaligned views take the scalar path correctly") {
  MGST_REQUIRE_GPU();
  const int64_t n = 1027;
  const auto a = random_vector(n + 1, 4), b = random_vector(n + 1, 5);
  DeviceBuffer da(a), db(b), dy(n + 1);
  run_checked("add (offset 1)", {&dy}, [&] { kc::add(n, da.get() + 1, db.get() + 1, dy.get() + 1); });
  std::vector<float> ref(n);
  kp::add(n, a.data() + 1, b.data() + 1, ref.data());
  const auto got = dy.download();
  elementwise_close("add (offset 1)", std::vector<float>(got.begin() + 1, got.end()), ref);
}

TEST_CASE("cuda elementwise: in-place (y aliases an input)") {
  MGST_REQUIRE_GPU();
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

TEST_CASE("cuda channel_affine: forward and backward") {
  MGST_REQUIRE_GPU();
  struct S { int N, C, P; };
  for (S s : {S{1, 3, 1}, S{2, 3, 257}, S{4, 3, 4096}, S{3, 7, 33}}) {
    CAPTURE(s.N); CAPTURE(s.C); CAPTURE(s.P);
    const int64_t n = int64_t(s.N) * s.C * s.P;
    const auto x = random_vector(n, 8), a = random_vector(s.C, 9), b = random_vector(s.C, 10);
    DeviceBuffer dx(x), da(a), db(b), dy(n);
    std::vector<float> ref(n);
    run_checked("channel_affine_forward", {&dy}, [&] { kc::channel_affine_forward(s.N, s.C, s.P, dx, da, db, dy); });
    kp::channel_affine_forward(s.N, s.C, s.P, x.data(), a.data(), b.data(), ref.data());
    elementwise_close("channel_affine_forward", dy.download(), ref);
    run_checked("channel_affine_backward", {&dy}, [&] { kc::channel_affine_backward(s.N, s.C, s.P, da, dx, dy); });
    kp::channel_affine_backward(s.N, s.C, s.P, a.data(), x.data(), ref.data());
    elementwise_close("channel_affine_backward", dy.download(), ref);
  }
}

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
