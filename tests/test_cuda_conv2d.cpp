// CUDA conv2d: every version of the table (kernels/cuda/versions.h)
// against the CPU backend, forward / backward_data / backward_weight (+ bias
// grad), at the model's kernel/stride/pad combinations and odd sizes; and,
// where cuDNN is available (mgst_refs), the dispatched version against
// cuDNN in strict fp32 (CUDNN_FMA_MATH).
// Tolerance: matrix_close (cuda_test_util.h): normalised 2e-5, elementwise
// 1e-4 * max|ref| — float32 sums of up to Ci*K*K = 2592 (forward),
// Co*K*K (backward_data) or N*Ho*Wo = 2178 (backward_weight) products in
// a different order from the CPU's.
#ifdef MGST_WITH_CUDA
#include <sstream>

#include "cuda_test_util.h"
#include "kernels/cpu/api.h"
#include "kernels/cuda/versions.h"

#ifdef MGST_HAVE_CUDNN
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <cudnn.h>
#endif

using mgst::kernels::Conv2dShape;

namespace {

std::string describe(const Conv2dShape& s) {
  std::ostringstream os;
  os << "N=" << s.N << " Ci=" << s.Ci << " " << s.H << "x" << s.W << " Co=" << s.Co << " K=" << s.K
     << " s=" << s.stride << " p=" << s.pad;
  return os.str();
}

// The model's combinations (9x9 s1 p0 after reflection pad, 3x3 s2, 3x3 s1,
// VGG 3x3 p1, the 9x9 32->3 output layer) at small odd sizes, plus shapes
// that cross the 64/128 tile edges in every GEMM dimension.
const Conv2dShape kShapes[] = {
    {1, 1, 1, 1, 1, 1, 1, 0},      // 1x1 everything
    {1, 3, 5, 7, 2, 3, 1, 1},      // tiny, odd
    {2, 4, 19, 23, 32, 9, 1, 0},   // c1: 9x9 4->32
    {2, 4, 17, 13, 5, 9, 1, 4},    // 9x9 with pad 4
    {2, 32, 21, 19, 3, 9, 1, 0},   // c4: 9x9 32->3
    {2, 32, 34, 34, 64, 3, 2, 0},  // c2: 3x3 s2 32->64 (after reflection pad)
    {1, 64, 17, 17, 128, 3, 2, 1}, // 3x3 s2 p1, odd input
    {1, 64, 18, 18, 128, 3, 2, 0}, // c3: 3x3 s2 64->128
    {2, 130, 9, 11, 129, 3, 1, 1}, // > 128 channels both sides, odd
    {1, 3, 16, 16, 64, 3, 1, 1},   // VGG conv1_1
    {2, 128, 12, 12, 128, 3, 1, 1},// residual 128->128 (p1 variant)
    {3, 7, 10, 9, 6, 5, 2, 2},     // 5x5 s2 p2
    {1, 5, 6, 6, 7, 1, 1, 0},      // 1x1 conv
    {1, 2, 7, 7, 3, 3, 3, 0},      // stride 3
};

// MGST_TEST_SMALL (compute-sanitizer, the emulator under ASan): skip shapes
// with over 1e7 multiply-adds, and v1 (one 256-thread block per weight in
// its weight gradient: 5M emulated threads at 20000 weights) on shapes with
// more weights than that; the tiled versions still see every shape.
bool too_big_for_small_mode(const Conv2dShape& s) {
  return double(s.y_size()) * s.Ci * s.K * s.K > 1e7;
}
bool too_big_for_small_mode(const Conv2dShape& s, const mgst::kernels::KernelVersion<kc::Conv2dFns>& v) {
  return too_big_for_small_mode(s) || (std::string(v.name).rfind("v1", 0) == 0 && s.w_size() > 20000);
}

struct ConvData {
  Conv2dShape s;
  std::vector<float> x, w, b, dy;
  std::vector<float> y_ref, dx_ref, dw_ref, db_ref;
};

ConvData make_data(const Conv2dShape& s, uint64_t seed) {
  ConvData d{s, random_vector(s.x_size(), seed), random_vector(s.w_size(), seed + 1),
             random_vector(s.Co, seed + 2), random_vector(s.y_size(), seed + 3),
             {}, {}, {}, {}};
  d.y_ref.resize(s.y_size());
  d.dx_ref.resize(s.x_size());
  d.dw_ref.resize(s.w_size());
  d.db_ref.resize(s.Co);
  kp::conv2d_forward(s, d.x.data(), d.w.data(), d.b.data(), d.y_ref.data());
  kp::conv2d_backward_data(s, d.w.data(), d.dy.data(), d.dx_ref.data());
  kp::conv2d_backward_weight(s, d.x.data(), d.dy.data(), d.dw_ref.data(), d.db_ref.data());
  return d;
}

}  // namespace

TEST_SUITE("cuda") {

TEST_CASE("cuda conv2d: the version table is complete and the dispatcher uses it") {
  const auto versions = kc::conv2d_versions();
  REQUIRE(versions.size() >= 2);
  CHECK(kc::conv2d_dispatched() >= 0);
  CHECK(kc::conv2d_dispatched() < int(versions.size()));
  for (const auto& v : versions) {
    CAPTURE(v.name);
    CHECK((v.fn.forward != nullptr));
    CHECK((v.fn.backward_data != nullptr));
    CHECK((v.fn.backward_weight != nullptr));
  }
}

TEST_CASE("cuda conv2d: every version matches the CPU backend, all three passes") {
  MGST_REQUIRE_GPU();
  uint64_t seed = 100;
  for (const Conv2dShape& s : kShapes) {
    if (small_mode() && too_big_for_small_mode(s)) continue;
    const ConvData d = make_data(s, seed += 10);
    DeviceBuffer x(d.x), w(d.w), b(d.b), dy(d.dy);
    DeviceBuffer y(s.y_size()), dx(s.x_size()), dw(s.w_size()), db(s.Co);
    for (const auto& v : kc::conv2d_versions()) {
      if (small_mode() && too_big_for_small_mode(s, v)) continue;
      const std::string what = std::string(v.name) + " " + describe(s);
      CAPTURE(what);
      run_checked("conv2d_forward", {&y}, [&] { v.fn.forward(s, x, w, b, y); });
      matrix_close(("forward " + what).c_str(), y.download(), d.y_ref);

      // Without bias: y - b must match.
      run_checked("conv2d_forward (no bias)", {&y}, [&] { v.fn.forward(s, x, w, nullptr, y); });
      std::vector<float> nob = d.y_ref;
      const int P = s.Ho() * s.Wo();
      for (int64_t i = 0; i < s.y_size(); ++i) nob[i] -= d.b[i / P % s.Co];
      matrix_close(("forward no-bias " + what).c_str(), y.download(), nob);

      run_checked("conv2d_backward_data", {&dx}, [&] { v.fn.backward_data(s, w, dy, dx); });
      matrix_close(("backward_data " + what).c_str(), dx.download(), d.dx_ref);

      run_checked("conv2d_backward_weight", {&dw, &db}, [&] { v.fn.backward_weight(s, x, dy, dw, db); });
      matrix_close(("backward_weight " + what).c_str(), dw.download(), d.dw_ref);
      matrix_close(("bias grad " + what).c_str(), db.download(), d.db_ref);

      run_checked("conv2d_backward_weight (db null)", {&dw}, [&] { v.fn.backward_weight(s, x, dy, dw, nullptr); });
      matrix_close(("backward_weight db=null " + what).c_str(), dw.download(), d.dw_ref);
    }
  }
}

TEST_CASE("cuda conv2d: public functions dispatch, are deterministic, and reject bad shapes") {
  MGST_REQUIRE_GPU();
  const Conv2dShape s{2, 32, 20, 20, 64, 3, 1, 1};
  const ConvData d = make_data(s, 7);
  DeviceBuffer x(d.x), w(d.w), b(d.b), dy(d.dy), y(s.y_size()), dx(s.x_size()), dw(s.w_size()),
      db(s.Co);
  run_checked("conv2d_forward", {&y}, [&] { kc::conv2d_forward(s, x, w, b, y); });
  matrix_close("conv2d_forward", y.download(), d.y_ref);
  run_checked("conv2d_backward_data", {&dx}, [&] { kc::conv2d_backward_data(s, w, dy, dx); });
  matrix_close("conv2d_backward_data", dx.download(), d.dx_ref);
  run_checked("conv2d_backward_weight", {&dw, &db}, [&] { kc::conv2d_backward_weight(s, x, dy, dw, db); });
  const auto dw1 = dw.download(), db1 = db.download();
  matrix_close("conv2d_backward_weight", dw1, d.dw_ref);
  kc::conv2d_backward_weight(s, x, dy, dw, db);
  CHECK(dw.download() == dw1);  // split-K combine in fixed order: same bits
  CHECK(db.download() == db1);

  Conv2dShape bad = s;
  bad.K = 50;  // larger than the padded input
  CHECK_THROWS_AS(kc::conv2d_forward(bad, x, w, b, y), mgst::Error);
  bad = s;
  bad.stride = 0;
  CHECK_THROWS_AS(kc::conv2d_forward(bad, x, w, b, y), mgst::Error);
}

#ifdef MGST_HAVE_CUDNN
TEST_CASE("cuda conv2d: dispatched version vs cuDNN (fp32, CUDNN_FMA_MATH)") {
  MGST_REQUIRE_GPU();
  auto ok = [](cudnnStatus_t st, const char* what) {
    REQUIRE_MESSAGE(st == CUDNN_STATUS_SUCCESS, what << ": " << cudnnGetErrorString(st));
  };
  cudnnHandle_t h;
  ok(cudnnCreate(&h), "cudnnCreate");
  for (const Conv2dShape& s : kShapes) {
    if (small_mode() && too_big_for_small_mode(s)) continue;
    CAPTURE(describe(s));
    const auto xs = random_vector(s.x_size(), 1), ws = random_vector(s.w_size(), 2),
               dys = random_vector(s.y_size(), 3);
    DeviceBuffer x(xs), w(ws), dy(dys), y(s.y_size()), y_ref(s.y_size()), dx(s.x_size()),
        dx_ref(s.x_size()), dw(s.w_size()), dw_ref(s.w_size());
    cudnnTensorDescriptor_t xd, yd;
    cudnnFilterDescriptor_t wd;
    cudnnConvolutionDescriptor_t cd;
    ok(cudnnCreateTensorDescriptor(&xd), "desc");
    ok(cudnnCreateTensorDescriptor(&yd), "desc");
    ok(cudnnCreateFilterDescriptor(&wd), "desc");
    ok(cudnnCreateConvolutionDescriptor(&cd), "desc");
    ok(cudnnSetTensor4dDescriptor(xd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.N, s.Ci, s.H, s.W), "x desc");
    ok(cudnnSetTensor4dDescriptor(yd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.N, s.Co, s.Ho(), s.Wo()), "y desc");
    ok(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, s.Co, s.Ci, s.K, s.K), "w desc");
    ok(cudnnSetConvolution2dDescriptor(cd, s.pad, s.pad, s.stride, s.stride, 1, 1,
                                       CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT), "conv desc");
    ok(cudnnSetConvolutionMathType(cd, CUDNN_FMA_MATH), "math type");
    const float one = 1.f, zero = 0.f;
    kc::synchronize();
    ok(cudnnConvolutionForward(h, &one, xd, x, wd, w, cd, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM,
                               nullptr, 0, &zero, yd, y_ref), "cudnnConvolutionForward");
    std::size_t wsb = 0;
    ok(cudnnGetConvolutionBackwardDataWorkspaceSize(h, wd, yd, cd, xd, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, &wsb), "bwd data ws");
    std::size_t wsf = 0;
    ok(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, xd, yd, cd, wd, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1, &wsf), "bwd filter ws");
    DeviceBuffer work(std::max<std::size_t>(1, (std::max(wsb, wsf) + 3) / 4));
    ok(cudnnConvolutionBackwardData(h, &one, wd, w, yd, dy, cd, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1,
                                    work, wsb, &zero, xd, dx_ref), "cudnnConvolutionBackwardData");
    ok(cudnnConvolutionBackwardFilter(h, &one, xd, x, yd, dy, cd, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1,
                                      work, wsf, &zero, wd, dw_ref), "cudnnConvolutionBackwardFilter");
    mgst::test::cuda::check_cuda(cudaDeviceSynchronize(), "cudnn");
    run_checked("conv2d_forward", {&y}, [&] { kc::conv2d_forward(s, x, w, nullptr, y); });
    run_checked("conv2d_backward_data", {&dx}, [&] { kc::conv2d_backward_data(s, w, dy, dx); });
    run_checked("conv2d_backward_weight", {&dw}, [&] { kc::conv2d_backward_weight(s, x, dy, dw, nullptr); });
    matrix_close("forward vs cuDNN", y.download(), y_ref.download());
    matrix_close("backward_data vs cuDNN", dx.download(), dx_ref.download());
    matrix_close("backward_weight vs cuDNN", dw.download(), dw_ref.download());
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyFilterDescriptor(wd);
    cudnnDestroyConvolutionDescriptor(cd);
  }
  cudnnDestroy(h);
}
#endif  // MGST_HAVE_CUDNN

}  // TEST_SUITE

#ifdef MGST_HAVE_CUDNN
#pragma GCC diagnostic pop
#endif
#endif  // MGST_WITH_CUDA
