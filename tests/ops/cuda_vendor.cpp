// The dispatched CUDA kernels against NVIDIA's libraries in strict fp32
// (cuDNN with CUDNN_FMA_MATH, cuBLAS with CUBLAS_PEDANTIC_MATH), where
// mgst_refs found them. These are not per-op cases of the harness table:
// they check the dispatcher against an independent implementation on a real
// GPU (the emulator has neither library).
#ifdef MGST_WITH_CUDA
#if defined(MGST_HAVE_CUDNN) || defined(MGST_HAVE_CUBLAS)
#include <sstream>

#include "core/device.h"
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"
#ifdef MGST_HAVE_CUBLAS
#include <cublas_v2.h>
#endif
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

// The transform net's and VGG's combinations at small odd sizes (as in
// tests/ops/conv2d.cpp).
const Conv2dShape kShapes[] = {
    {1, 1, 1, 1, 1, 1, 1, 0},        // 1x1 everything
    {1, 3, 5, 7, 2, 3, 1, 1},        // tiny, odd
    {2, 4, 19, 23, 32, 9, 1, 0},     // c1: 9x9 4->32
    {2, 4, 17, 13, 5, 9, 1, 4},      // 9x9 with pad 4
    {2, 32, 21, 19, 3, 9, 1, 0},     // c4: 9x9 32->3
    {2, 32, 34, 34, 64, 3, 2, 0},    // c2: 3x3 s2 32->64 (after reflection pad)
    {1, 64, 17, 17, 128, 3, 2, 1},   // 3x3 s2 p1, odd input
    {1, 64, 18, 18, 128, 3, 2, 0},   // c3: 3x3 s2 64->128
    {2, 130, 9, 11, 129, 3, 1, 1},   // > 128 channels both sides, odd
    {1, 3, 16, 16, 64, 3, 1, 1},     // VGG conv1_1
    {2, 128, 12, 12, 128, 3, 1, 1},  // residual 128->128 (p1 variant)
    {3, 7, 10, 9, 6, 5, 2, 2},       // 5x5 s2 p2
    {1, 5, 6, 6, 7, 1, 1, 0},        // 1x1 conv
    {1, 2, 7, 7, 3, 3, 3, 0},        // stride 3
};

struct G {
  int M, N, K;
};

bool too_big_for_small_mode(const Conv2dShape& s) {
  return double(s.y_size()) * s.Ci * s.K * s.K > 1e7;
}

}  // namespace

TEST_SUITE("cuda") {
#ifdef MGST_HAVE_CUDNN
  TEST_CASE("cuda conv2d: dispatched version vs cuDNN (fp32, CUDNN_FMA_MATH)") {
    MGST_REQUIRE_GPU();
    const mgst::ScopedPrecision fp32("fp32");
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
      ok(cudnnSetTensor4dDescriptor(xd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.N, s.Ci, s.H, s.W),
         "x desc");
      ok(cudnnSetTensor4dDescriptor(yd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.N, s.Co, s.Ho(),
                                    s.Wo()),
         "y desc");
      ok(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, s.Co, s.Ci, s.K, s.K),
         "w desc");
      ok(cudnnSetConvolution2dDescriptor(cd, s.pad, s.pad, s.stride, s.stride, 1, 1,
                                         CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
         "conv desc");
      ok(cudnnSetConvolutionMathType(cd, CUDNN_FMA_MATH), "math type");
      const float one = 1.f, zero = 0.f;
      kc::synchronize();
      ok(cudnnConvolutionForward(h, &one, xd, x, wd, w, cd,
                                 CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr, 0, &zero, yd,
                                 y_ref),
         "cudnnConvolutionForward");
      std::size_t wsb = 0;
      ok(cudnnGetConvolutionBackwardDataWorkspaceSize(h, wd, yd, cd, xd,
                                                      CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, &wsb),
         "bwd data ws");
      std::size_t wsf = 0;
      ok(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, xd, yd, cd, wd,
                                                        CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1, &wsf),
         "bwd filter ws");
      DeviceBuffer work(std::max<std::size_t>(1, (std::max(wsb, wsf) + 3) / 4));
      ok(cudnnConvolutionBackwardData(h, &one, wd, w, yd, dy, cd, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1,
                                      work, wsb, &zero, xd, dx_ref),
         "cudnnConvolutionBackwardData");
      ok(cudnnConvolutionBackwardFilter(h, &one, xd, x, yd, dy, cd,
                                        CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1, work, wsf, &zero, wd,
                                        dw_ref),
         "cudnnConvolutionBackwardFilter");
      mgst::test::cuda::check_cuda(cudaDeviceSynchronize(), "cudnn");
      run_checked("conv2d_forward", {&y}, [&] { kc::conv2d_forward(s, x, w, nullptr, y); });
      run_checked("conv2d_backward_data", {&dx}, [&] { kc::conv2d_backward_data(s, w, dy, dx); });
      run_checked("conv2d_backward_weight", {&dw},
                  [&] { kc::conv2d_backward_weight(s, x, dy, dw, nullptr); });
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

#ifdef MGST_HAVE_CUBLAS
  TEST_CASE("cuda sgemm: vs cuBLAS (pedantic fp32)") {
    MGST_REQUIRE_GPU();
    cublasHandle_t h;
    REQUIRE(cublasCreate(&h) == CUBLAS_STATUS_SUCCESS);
    REQUIRE(cublasSetMathMode(h, CUBLAS_PEDANTIC_MATH) == CUBLAS_STATUS_SUCCESS);
    for (G g : {G{512, 384, 256}, G{129, 1000, 77}}) {
      const auto A = random_vector(std::size_t(g.M) * g.K, 3),
                 B = random_vector(std::size_t(g.K) * g.N, 4);
      DeviceBuffer dA(A), dB(B), dC(std::size_t(g.M) * g.N), dR(std::size_t(g.M) * g.N);
      const float one = 1.f, zero = 0.f;
      kc::synchronize();
      // Row-major C = A B is column-major C^T = B^T A^T.
      REQUIRE(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, g.N, g.M, g.K, &one, dB, g.N, dA, g.K, &zero,
                          dR, g.N) == CUBLAS_STATUS_SUCCESS);
      mgst::test::cuda::check_cuda(cudaDeviceSynchronize(), "cublas");
      run_checked("sgemm", {&dC}, [&] {
        kc::sgemm(false, false, g.M, g.N, g.K, 1.f, dA, g.K, dB, g.N, 0.f, dC, g.N);
      });
      matrix_close("sgemm vs cuBLAS", dC.download(), dR.download());
    }
    cublasDestroy(h);
  }

  TEST_CASE("cuda masked_gram: vs cuBLAS SGEMM of (F*w)(F*w)^T") {
    MGST_REQUIRE_GPU();
    cublasHandle_t h;
    REQUIRE(cublasCreate(&h) == CUBLAS_STATUS_SUCCESS);
    REQUIRE(cublasSetMathMode(h, CUBLAS_PEDANTIC_MATH) == CUBLAS_STATUS_SUCCESS);
    const int C = 256, P = 4096;
    const auto F = random_vector(std::size_t(C) * P, 5);
    const auto w = random_vector(P, 6, 0.f, 1.f);
    std::vector<float> Fw(F.size());
    double wsum = 0;
    for (int p = 0; p < P; ++p) wsum += w[p];
    for (int c = 0; c < C; ++c)
      for (int p = 0; p < P; ++p) Fw[std::size_t(c) * P + p] = F[std::size_t(c) * P + p] * w[p];
    DeviceBuffer dF(F), dw(w), dFw(Fw), G(std::size_t(C) * C), R(std::size_t(C) * C);
    const float alpha = float(1.0 / (C * wsum + 1e-8)), zero = 0.f;
    kc::synchronize();
    // Row-major Fw (C,P) is column-major Fw^T (P,C): G = Fw Fw^T = (Fw^T)^T (Fw^T).
    REQUIRE(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, C, C, P, &alpha, dFw, P, dFw, P, &zero, R,
                        C) == CUBLAS_STATUS_SUCCESS);
    mgst::test::cuda::check_cuda(cudaDeviceSynchronize(), "cublas");
    run_checked("masked_gram_forward", {&G},
                [&] { kc::masked_gram_forward(1, 1, C, P, dF, dw, 1e-8f, G, nullptr); });
    matrix_close("masked_gram vs cuBLAS", G.download(), R.download());
    cublasDestroy(h);
  }
#endif  // MGST_HAVE_CUBLAS

}  // TEST_SUITE

#ifdef MGST_HAVE_CUDNN
#pragma GCC diagnostic pop
#endif
#endif  // MGST_HAVE_CUDNN || MGST_HAVE_CUBLAS
#endif  // MGST_WITH_CUDA
