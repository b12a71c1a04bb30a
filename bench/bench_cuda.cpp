// CUDA benchmarks (STYLE.md example 10): every version of the version tables
// (kernels/cuda/versions.h), named "<op>/<case>/[<pass>/]<contender>": conv2d
// beside cuDNN (fp32 FMA math, TF32 tensor-op math in NCHW and NHWC), sgemm
// beside cuBLAS fp32/TF32, masked Gram beside cuBLAS SGEMM / SYRK / TF32 GEMM
// of the same product, instance norm and Adam. Timing (bench/cuda_timing.h):
// CUDA events around each iteration, one warm-up call first, the L2 flushed
// before every iteration outside the timed region. Counters, from analytic
// counts over the GPU time:
//   TFLOP/s       = 2 * MACs / time   (conv: N*Co*Ho*Wo*Ci*K*K MACs per pass)
//   GB/s          = minimal bytes / time (each input read once, each output written once)
//   tf32_peak     = TFLOP/s over the card's dense TF32 tensor-core peak (card(); absent
//                   on a card not in its list)
//   x_<reference> = the reference's time / this row's time, the reference (cuDNN
//                   or cuBLAS TF32) measured earlier in the same run: > 1 is faster.
//                   References run first in registration order; filtering them
//                   out drops the ratio.
//   per_step      = how often one training step (default losses) runs this conv pass
// The card, its SM count, the peaks it was given and the cuDNN / cuBLAS
// versions are in the JSON's context. bench/summarize_cuda.py makes the tables.
// Without a GPU every benchmark reports SkipWithError("no GPU").
#include <benchmark/benchmark.h>

#ifdef MGST_WITH_CUDA
#include <cuda_runtime.h>

#include <array>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench/cuda_timing.h"
#include "kernels/adam_schedule.h"
#include "kernels/cuda/api.h"
#include "kernels/cuda/runtime.h"
#include "kernels/cuda/versions.h"

#ifdef MGST_HAVE_CUDNN
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <cudnn.h>
#endif
#ifdef MGST_HAVE_CUBLAS
#include <cublas_v2.h>
#endif

namespace kc = mgst::kernels::cuda;
using mgst::bench::card;
using mgst::bench::check;
using mgst::bench::Compare;
using mgst::bench::require_gpu;
using mgst::bench::stream;
using mgst::bench::timed_loop;
using mgst::kernels::Conv2dShape;

namespace {

// Uniform [-1, 1) values shared by every buffer: generated once, grown to
// the largest request. (A fresh mt19937 fill per buffer: 70M floats, about
// the four 16.8M-float buffers of one VGG conv1_2 benchmark, took 0.92 s on
// the 2-core CPU machine, 2026-12-06: minutes over the conv benchmarks.)
const float* random_pool(std::size_t n) {
  static std::vector<float> pool;
  static std::mt19937 gen(1);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  while (pool.size() < n) pool.push_back(d(gen));
  return pool.data();
}

// Device buffer from the caching allocator, filled with uniform [-1, 1)
// (from the pool at an offset that depends on `seed`).
struct Buf {
  float* p = nullptr;
  std::size_t n = 0;
  explicit Buf(std::size_t count, uint64_t seed = 0) : n(count) {
    p = static_cast<float*>(kc::device_alloc(std::max<std::size_t>(1, n) * sizeof(float)));
    const std::size_t offset = (seed * 1021) % 4096;
    kc::memcpy_h2d(p, random_pool(n + offset) + offset, n * sizeof(float));
  }
  ~Buf() { kc::device_free(p); }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  operator float*() const { return p; }
};

// ---- conv2d -----------------------------------------------------------------------
enum class Pass { kForward, kBackwardData, kBackwardWeight };
const char* pass_name(Pass p) {
  return p == Pass::kForward ? "fwd" : p == Pass::kBackwardData ? "bwd_data" : "bwd_weight";
}

struct ConvCase {
  const char* name;
  Conv2dShape s;
  int per_step[3];  // runs of {forward, backward-data, backward-weight} in one training step
};
// The model's real layers at 256x256, batch 4, as the training step runs them.
// Transform net (models/transform_net.cpp, layers/conv_layer.cpp): each conv
// reflection-pads its input by K/2 and then convolves with pad 0 (u1/u2
// upsample 2x first), so the conv sees the padded size. Its input (image +
// mask) needs no gradient: c1 has no backward-data. 5 residual blocks of 2
// convs each.
// VGG-19 (models/vgg19.cpp): 3x3 convs with zero padding 1, 2x2 max-pool after
// relu1_2, relu2_2, relu3_4. The default losses (losses/objective.h: style
// relu1_1..relu4_1, content relu2_2) run it on the output y up to relu4_1 with
// gradients and on the input x up to relu2_2 without (losses/objective.cpp);
// VGG is frozen, so it never computes a weight gradient (that pass is timed
// anyway, per_step 0: it is the same GEMM shape family).
const ConvCase kConvCases[] = {
    {"tn_c1_9x9_4-32", {4, 4, 264, 264, 32, 9, 1, 0}, {1, 0, 1}},
    {"tn_c2_3x3s2_32-64", {4, 32, 258, 258, 64, 3, 2, 0}, {1, 1, 1}},
    {"tn_c3_3x3s2_64-128", {4, 64, 130, 130, 128, 3, 2, 0}, {1, 1, 1}},
    {"tn_res_3x3_128-128", {4, 128, 66, 66, 128, 3, 1, 0}, {10, 10, 10}},
    {"tn_u1_3x3_128-64", {4, 128, 130, 130, 64, 3, 1, 0}, {1, 1, 1}},
    {"tn_u2_3x3_64-32", {4, 64, 258, 258, 32, 3, 1, 0}, {1, 1, 1}},
    {"tn_c4_9x9_32-3", {4, 32, 264, 264, 3, 9, 1, 0}, {1, 1, 1}},
    {"vgg_conv1_1_3-64", {4, 3, 256, 256, 64, 3, 1, 1}, {2, 1, 0}},
    {"vgg_conv1_2_64-64", {4, 64, 256, 256, 64, 3, 1, 1}, {2, 1, 0}},
    {"vgg_conv2_1_64-128", {4, 64, 128, 128, 128, 3, 1, 1}, {2, 1, 0}},
    {"vgg_conv2_2_128-128", {4, 128, 128, 128, 128, 3, 1, 1}, {2, 1, 0}},
    {"vgg_conv3_1_128-256", {4, 128, 64, 64, 256, 3, 1, 1}, {1, 1, 0}},
    {"vgg_conv3_2-4_256-256", {4, 256, 64, 64, 256, 3, 1, 1}, {3, 3, 0}},
    {"vgg_conv4_1_256-512", {4, 256, 32, 32, 512, 3, 1, 1}, {1, 1, 0}},
};

double conv_flops(const Conv2dShape& s) {
  return 2.0 * s.N * s.Co * s.Ho() * s.Wo() * double(s.Ci) * s.K * s.K;
}

// The references every conv row is compared with (x_cudnn_tf32, x_cudnn_tf32_nhwc).
const std::vector<std::string> kConvRefs = {"cudnn_tf32", "cudnn_tf32_nhwc"};

void bench_conv_ours(benchmark::State& st, ConvCase c, Pass pass, std::string group, int version) {
  if (!require_gpu(st)) return;
  const Conv2dShape s = c.s;
  st.counters["per_step"] = c.per_step[int(pass)];
  const auto& v = kc::conv2d_versions()[version];
  Buf x(s.x_size(), 1), w(s.w_size(), 2), b(s.Co, 3), y(s.y_size(), 4), dy(s.y_size(), 5),
      dx(s.x_size(), 6), dw(s.w_size(), 7), db(s.Co, 8);
  timed_loop(st,
             [&] {
               switch (pass) {
                 case Pass::kForward: v.fn.forward(s, x, w, b, y); break;
                 case Pass::kBackwardData: v.fn.backward_data(s, w, dy, dx); break;
                 case Pass::kBackwardWeight: v.fn.backward_weight(s, x, dy, dw, db); break;
               }
             },
             conv_flops(s), 0, {group, v.name, kConvRefs});
}

#ifdef MGST_HAVE_CUDNN
#define CUDNN_OK(stmt)                                                                \
  do {                                                                                \
    const cudnnStatus_t st_ = (stmt);                                                 \
    if (st_ != CUDNN_STATUS_SUCCESS)                                                  \
      throw std::runtime_error(std::string(#stmt) + ": " + cudnnGetErrorString(st_)); \
  } while (0)

cudnnHandle_t cudnn() {
  static cudnnHandle_t h = [] {
    cudnnHandle_t hh;
    CUDNN_OK(cudnnCreate(&hh));
    CUDNN_OK(cudnnSetStream(hh, stream()));
    return hh;
  }();
  return h;
}

// cuDNN at the same shape, its algorithm chosen by cudnnFind* (fastest
// first). fp32 (tf32 false): only CUDNN_FMA_MATH algorithms, i.e. no tensor
// cores (CUDNN_DEFAULT_MATH would allow TF32 on fp32 data since Ampere).
// tf32: CUDNN_TENSOR_OP_MATH, the fastest of any math type (TF32 allowed,
// like PyTorch's default for convolutions). nhwc: x, y and the filter in
// NHWC (KRSC) layout, where cuDNN's tensor-core kernels need no transposes.
void bench_conv_cudnn(benchmark::State& st, ConvCase c, Pass pass, std::string group, bool tf32,
                      bool nhwc) {
  if (!require_gpu(st)) return;
  const Conv2dShape s = c.s;
  st.counters["per_step"] = c.per_step[int(pass)];
  const std::string self = std::string(tf32 ? "cudnn_tf32" : "cudnn_fp32") + (nhwc ? "_nhwc" : "");
  try {
    Buf x(s.x_size(), 1), w(s.w_size(), 2), y(s.y_size(), 4), dy(s.y_size(), 5), dx(s.x_size(), 6),
        dw(s.w_size(), 7);
    cudnnTensorDescriptor_t xd, yd;
    cudnnFilterDescriptor_t wd;
    cudnnConvolutionDescriptor_t cd;
    CUDNN_OK(cudnnCreateTensorDescriptor(&xd));
    CUDNN_OK(cudnnCreateTensorDescriptor(&yd));
    CUDNN_OK(cudnnCreateFilterDescriptor(&wd));
    CUDNN_OK(cudnnCreateConvolutionDescriptor(&cd));
    const cudnnTensorFormat_t fmt = nhwc ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW;
    CUDNN_OK(cudnnSetTensor4dDescriptor(xd, fmt, CUDNN_DATA_FLOAT, s.N, s.Ci, s.H, s.W));
    CUDNN_OK(cudnnSetTensor4dDescriptor(yd, fmt, CUDNN_DATA_FLOAT, s.N, s.Co, s.Ho(), s.Wo()));
    CUDNN_OK(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, fmt, s.Co, s.Ci, s.K, s.K));
    CUDNN_OK(cudnnSetConvolution2dDescriptor(cd, s.pad, s.pad, s.stride, s.stride, 1, 1,
                                             CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    CUDNN_OK(cudnnSetConvolutionMathType(cd, tf32 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH));
    const float one = 1.f, zero = 0.f;
    std::size_t ws_bytes = 0;
    std::function<void()> run;
    void* ws = nullptr;
    // From cudnnFind*'s list (fastest first): tf32, the first algorithm, run
    // with the math type Find timed it with; fp32, the first that is not a
    // tensor-op one, run with the descriptor kept at CUDNN_FMA_MATH (so the
    // timed run cannot use tensor cores whatever Find reported). Allocates its
    // workspace, labels the benchmark and returns the algorithm.
    auto use_fastest = [&](const auto* perf, int count) {
      for (int i = 0; i < count; ++i) {
        const cudnnMathType_t m = perf[i].mathType;
        if (perf[i].status != CUDNN_STATUS_SUCCESS ||
            (!tf32 && (m == CUDNN_TENSOR_OP_MATH || m == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION)))
          continue;
        if (tf32) CUDNN_OK(cudnnSetConvolutionMathType(cd, m));
        ws_bytes = perf[i].memory;
        ws = ws_bytes ? kc::device_alloc(ws_bytes) : nullptr;
        st.SetLabel("algo " + std::to_string(int(perf[i].algo)) +
                    (!tf32                       ? " fma"
                     : m == CUDNN_TENSOR_OP_MATH ? " tensor-op"
                     : m == CUDNN_FMA_MATH       ? " fma"
                                                 : " math " + std::to_string(int(m))));
        return perf[i].algo;
      }
      throw std::runtime_error("cuDNN found no algorithm of the requested math type");
    };
    constexpr int kMax = 16;
    int found = 0;
    if (pass == Pass::kForward) {
      cudnnConvolutionFwdAlgoPerf_t perf[kMax];
      CUDNN_OK(cudnnFindConvolutionForwardAlgorithm(cudnn(), xd, wd, cd, yd, kMax, &found, perf));
      run = [&, algo = use_fastest(perf, found)] {
        CUDNN_OK(cudnnConvolutionForward(cudnn(), &one, xd, x, wd, w, cd, algo, ws, ws_bytes, &zero,
                                         yd, y));
      };
    } else if (pass == Pass::kBackwardData) {
      cudnnConvolutionBwdDataAlgoPerf_t perf[kMax];
      CUDNN_OK(
          cudnnFindConvolutionBackwardDataAlgorithm(cudnn(), wd, yd, cd, xd, kMax, &found, perf));
      run = [&, algo = use_fastest(perf, found)] {
        CUDNN_OK(cudnnConvolutionBackwardData(cudnn(), &one, wd, w, yd, dy, cd, algo, ws, ws_bytes,
                                              &zero, xd, dx));
      };
    } else {
      cudnnConvolutionBwdFilterAlgoPerf_t perf[kMax];
      CUDNN_OK(
          cudnnFindConvolutionBackwardFilterAlgorithm(cudnn(), xd, yd, cd, wd, kMax, &found, perf));
      run = [&, algo = use_fastest(perf, found)] {
        CUDNN_OK(cudnnConvolutionBackwardFilter(cudnn(), &one, xd, x, yd, dy, cd, algo, ws,
                                                ws_bytes, &zero, wd, dw));
      };
    }
    timed_loop(st, run, conv_flops(s), 0, {group, self, kConvRefs});
    kc::device_free(ws);
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyFilterDescriptor(wd);
    cudnnDestroyConvolutionDescriptor(cd);
  } catch (const std::exception& e) {
    st.SkipWithError(e.what());
  }
}
#endif  // MGST_HAVE_CUDNN

// ---- sgemm ------------------------------------------------------------------------
void bench_sgemm_ours(benchmark::State& st, int n, std::string group, int version) {
  if (!require_gpu(st)) return;
  Buf A(std::size_t(n) * n, 1), B(std::size_t(n) * n, 2), C(std::size_t(n) * n, 3);
  const auto& v = kc::sgemm_versions()[version];
  timed_loop(st, [&] { v.fn.sgemm(false, false, n, n, n, 1.f, A, n, B, n, 0.f, C, n); },
             2.0 * n * double(n) * n, 0, {group, v.name, {"cublas_tf32"}});
}

#ifdef MGST_HAVE_CUBLAS
cublasHandle_t cublas() {
  static cublasHandle_t h = [] {
    cublasHandle_t hh;
    if (cublasCreate(&hh) != CUBLAS_STATUS_SUCCESS) throw std::runtime_error("cublasCreate");
    cublasSetStream(hh, stream());
    return hh;
  }();
  return h;
}
void set_math(bool tf32) {
  cublasSetMathMode(cublas(), tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_PEDANTIC_MATH);
}

void bench_sgemm_cublas(benchmark::State& st, int n, std::string group, bool tf32) {
  if (!require_gpu(st)) return;
  Buf A(std::size_t(n) * n, 1), B(std::size_t(n) * n, 2), C(std::size_t(n) * n, 3);
  set_math(tf32);
  const float one = 1.f, zero = 0.f;
  timed_loop(st,
             [&] {
               cublasSgemm(cublas(), CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, B, n, A, n, &zero, C,
                           n);
             },
             2.0 * n * double(n) * n, 0,
             {group, tf32 ? "cublas_tf32" : "cublas_fp32", {"cublas_tf32"}});
}
#endif

// ---- masked Gram --------------------------------------------------------------------
// VGG's style layers (losses/objective.h: relu1_1..relu4_1) at a 256x256
// input, batch 4. Counted as the full product (2*N*C*C*P flops) for every
// contender, although ours and SYRK compute only the upper triangle: the
// counter compares time on equal terms. Groups "gram/<layer>/fwd" and
// "gram/<layer>/bwd", each compared with cuBLAS's TF32 GEMM of the same product.
struct GramCase {
  const char* name;
  int N, C, P;
};
const GramCase kGramCases[] = {{"relu1_1_C64_P65536", 4, 64, 65536},
                               {"relu2_1_C128_P16384", 4, 128, 16384},
                               {"relu3_1_C256_P4096", 4, 256, 4096},
                               {"relu4_1_C512_P1024", 4, 512, 1024}};
const std::vector<std::string> kBlasRefs = {"cublas_sgemm_tf32"};

double gram_flops(const GramCase& g) { return 2.0 * g.N * double(g.C) * g.C * g.P; }

void bench_gram_ours(benchmark::State& st, GramCase g, bool backward, std::string group,
                     int version) {
  if (!require_gpu(st)) return;
  const auto& v = kc::masked_gram_versions()[version];
  Buf F(std::size_t(g.N) * g.C * g.P, 1), w(std::size_t(g.N) * g.P, 2),
      G(std::size_t(g.N) * g.C * g.C, 3), dF(std::size_t(g.N) * g.C * g.P, 4), D(g.N, 5);
  v.fn.forward(g.N, 1, g.C, g.P, F, w, 1e-8f, G, D);  // the normalisers the backward reads
  timed_loop(st,
             [&] {
               if (backward)
                 v.fn.backward(g.N, 1, g.C, g.P, F, w, D, G, dF);
               else
                 v.fn.forward(g.N, 1, g.C, g.P, F, w, 1e-8f, G, D);
             },
             gram_flops(g), 0, {group, v.name, kBlasRefs});
}

#ifdef MGST_HAVE_CUBLAS
// cuBLAS on inputs already masked / symmetrised (those elementwise passes are
// not timed: a head start for cuBLAS). Forward: GEMM = strided-batched
// Fw Fw^T, SYRK = one call per sample (lower triangle only). Backward (GEMM
// only): dF = S Fw' per sample, S = dG + dG^T (C x C), Fw' = F w^2 (C x P).
void bench_gram_cublas(benchmark::State& st, GramCase g, bool backward, std::string group,
                       bool syrk, bool tf32) {
  if (!require_gpu(st)) return;
  Buf Fw(std::size_t(g.N) * g.C * g.P, 1), G(std::size_t(g.N) * g.C * g.C, 3),
      dF(std::size_t(g.N) * g.C * g.P, 4);
  set_math(tf32);
  const float alpha = 1.f / (g.C * g.P), zero = 0.f;
  const std::int64_t cp = std::int64_t(g.C) * g.P, cc = std::int64_t(g.C) * g.C;
  timed_loop(
      st,
      [&] {
        if (backward) {  // column-major: dF^T (P x C) = Fw'^T (P x C) . S^T (C x C)
          cublasSgemmStridedBatched(cublas(), CUBLAS_OP_N, CUBLAS_OP_N, g.P, g.C, g.C, &alpha, Fw,
                                    g.P, cp, G, g.C, cc, &zero, dF, g.P, cp, g.N);
        } else if (syrk) {
          for (int n = 0; n < g.N; ++n)
            cublasSsyrk(cublas(), CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_T, g.C, g.P, &alpha,
                        Fw.p + std::size_t(n) * cp, g.P, &zero, G.p + std::size_t(n) * cc, g.C);
        } else {
          cublasSgemmStridedBatched(cublas(), CUBLAS_OP_T, CUBLAS_OP_N, g.C, g.C, g.P, &alpha, Fw,
                                    g.P, cp, Fw, g.P, cp, &zero, G, g.C, cc, g.N);
        }
      },
      gram_flops(g), 0,
      {group, std::string(syrk ? "cublas_syrk" : "cublas_sgemm") + (tf32 ? "_tf32" : "_fp32"),
       kBlasRefs});
}
#endif

// ---- instance norm, adam (memory-bound: GB/s) -----------------------------------------
void bench_instance_norm(benchmark::State& st, int N, int C, int P, bool backward, int version) {
  if (!require_gpu(st)) return;
  const auto& v = kc::instance_norm_versions()[version];
  const std::size_t n = std::size_t(N) * C * P;
  Buf x(n, 1), y(n, 2), dy(n, 3), dx(n, 4), gamma(C, 5), beta(C, 6), mean(std::size_t(N) * C, 7),
      rstd(std::size_t(N) * C, 8), dg(C, 9), db(C, 10);
  v.fn.forward(N, C, P, x, gamma, beta, 1e-5f, y, mean, rstd);
  timed_loop(
      st,
      [&] {
        if (backward)
          v.fn.backward(N, C, P, x, gamma, mean, rstd, dy, dx, dg, db);
        else
          v.fn.forward(N, C, P, x, gamma, beta, 1e-5f, y, mean, rstd);
      },
      0, (backward ? 3.0 : 2.0) * n * sizeof(float));
}

void bench_adam(benchmark::State& st, int64_t n, int version) {
  if (!require_gpu(st)) return;
  const auto& v = kc::adam_versions()[version];
  Buf p(n, 1), g(n, 2), m(n, 3), vv(n, 4), coef(2);
  kc::fill(n, 0.f, m);
  kc::fill(n, 0.f, vv);
  // step 1's coefficients, as the trainer uploads them (the kernel reads them)
  const std::array<float, 2> c = mgst::kernels::adam_coefficients(1e-3f, 0.9f, 0.999f, 1);
  kc::memcpy_h2d(coef, c.data(), sizeof c);
  // reads p, g, m, v; writes p, m, v
  timed_loop(
      st, [&] { v.fn.update(n, p, g, m, vv, 0.9f, 0.999f, 1e-8f, coef, nullptr); }, 0,
      7.0 * n * sizeof(float));
}

// Registers `fn(args...)` as `name`, timed by CUDA events in `unit`.
template <class Fn, class... Args>
void reg(const std::string& name, benchmark::TimeUnit unit, Fn fn, Args... args) {
  benchmark::RegisterBenchmark(name.c_str(), fn, args...)->UseManualTime()->Unit(unit);
}

// Registers `fn(args..., i)` as "<base><name of version i>" for every
// version of `table`.
template <class Table, class Fn, class... Args>
void register_versions(const std::string& base, const Table& table, benchmark::TimeUnit unit, Fn fn,
                       Args... args) {
  for (int i = 0; i < int(table.size()); ++i) reg(base + table[i].name, unit, fn, args..., i);
}

// In each group the references come first (cuDNN / cuBLAS TF32), so that the
// rows after them can report their ratio to it (timed_loop's x_<ref>).
void register_all() {
  const auto ms = benchmark::kMillisecond, us = benchmark::kMicrosecond;
  for (const ConvCase& c : kConvCases)
    for (Pass pass : {Pass::kForward, Pass::kBackwardData, Pass::kBackwardWeight}) {
      const std::string group = std::string("conv2d/") + c.name + "/" + pass_name(pass);
#ifdef MGST_HAVE_CUDNN
      reg(group + "/cudnn_tf32", ms, bench_conv_cudnn, c, pass, group, true, false);
      reg(group + "/cudnn_tf32_nhwc", ms, bench_conv_cudnn, c, pass, group, true, true);
      reg(group + "/cudnn_fp32", ms, bench_conv_cudnn, c, pass, group, false, false);
#endif
      register_versions(group + "/", kc::conv2d_versions(), ms, bench_conv_ours, c, pass, group);
    }
  const std::string sgemm = "sgemm/2048";
#ifdef MGST_HAVE_CUBLAS
  reg(sgemm + "/cublas_tf32", ms, bench_sgemm_cublas, 2048, sgemm, true);
  reg(sgemm + "/cublas_fp32", ms, bench_sgemm_cublas, 2048, sgemm, false);
#endif
  register_versions(sgemm + "/", kc::sgemm_versions(), ms, bench_sgemm_ours, 2048, sgemm);
  for (const GramCase& g : kGramCases)
    for (bool bwd : {false, true}) {
      const std::string group = std::string("gram/") + g.name + (bwd ? "/bwd" : "/fwd");
#ifdef MGST_HAVE_CUBLAS
      reg(group + "/cublas_sgemm_tf32", us, bench_gram_cublas, g, bwd, group, false, true);
      reg(group + "/cublas_sgemm_fp32", us, bench_gram_cublas, g, bwd, group, false, false);
      if (!bwd) reg(group + "/cublas_syrk_fp32", us, bench_gram_cublas, g, bwd, group, true, false);
#endif
      register_versions(group + "/", kc::masked_gram_versions(), us, bench_gram_ours, g, bwd,
                        group);
    }
  struct In {
    int N, C, P;
  };
  for (In s : {In{4, 32, 65536}, In{4, 64, 16384}, In{4, 128, 4096}})
    for (bool bwd : {false, true})
      register_versions("instance_norm/N" + std::to_string(s.N) + "_C" + std::to_string(s.C) +
                            "_P" + std::to_string(s.P) + (bwd ? "/bwd/" : "/fwd/"),
                        kc::instance_norm_versions(), us, bench_instance_norm, s.N, s.C, s.P, bwd);
  for (int64_t n : {int64_t(1700000), int64_t(1) << 24})
    register_versions("adam/" + std::to_string(n) + "/", kc::adam_versions(), us, bench_adam, n);
  benchmark::AddCustomContext("card", card().name);
  benchmark::AddCustomContext("tf32_peak_tflops", std::to_string(card().tf32));
  benchmark::AddCustomContext("fp32_peak_tflops", std::to_string(card().fp32));
#ifdef MGST_HAVE_CUDNN
  benchmark::AddCustomContext("cudnn_version", std::to_string(cudnnGetVersion()));
#endif
#ifdef MGST_HAVE_CUBLAS
  int major = 0, minor = 0, patch = 0;
  cublasGetProperty(MAJOR_VERSION, &major);
  cublasGetProperty(MINOR_VERSION, &minor);
  cublasGetProperty(PATCH_LEVEL, &patch);
  benchmark::AddCustomContext("cublas_version", std::to_string(major) + "." +
                                                    std::to_string(minor) + "." +
                                                    std::to_string(patch));
#endif
}

}  // namespace
#endif  // MGST_WITH_CUDA

int main(int argc, char** argv) {
#ifdef MGST_WITH_CUDA
  register_all();
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
