// CUDA benchmarks (STYLE.md example 10): every version of the version tables
// (kernels/cuda/versions.h), named "<op>/<case>/[<pass>/]<version>": conv2d
// beside cuDNN (fp32 FMA math and TF32 tensor-op math), sgemm beside cuBLAS,
// masked Gram beside cuBLAS SGEMM / SYRK, instance norm and Adam.
// Timing: CUDA events on the backend's stream around each iteration
// (UseManualTime), one warm-up call first, L2 flushed (a memset of 2x the
// L2 size) before every iteration outside the timed region. Counters are
// computed from analytic counts over the GPU time (Google Benchmark's own
// rate counters divide by CPU time, which is wrong for async GPU work):
//   TFLOP/s  = 2 * MACs / time        (conv: N*Co*Ho*Wo*Ci*K*K MACs per pass)
//   GB/s     = minimal bytes / time   (each input read once, each output written once)
// Without a GPU every benchmark reports SkipWithError("no GPU").
#include <benchmark/benchmark.h>

#ifdef MGST_WITH_CUDA
#include <cuda_runtime.h>

#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

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
using mgst::kernels::Conv2dShape;

namespace {

cudaStream_t stream() { return static_cast<cudaStream_t>(kc::stream_handle()); }

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(e));
    std::abort();
  }
}

// Device buffer from the caching allocator, filled with uniform [-1, 1).
struct Buf {
  float* p = nullptr;
  std::size_t n = 0;
  explicit Buf(std::size_t count, uint64_t seed = 0) : n(count) {
    p = static_cast<float*>(kc::device_alloc(std::max<std::size_t>(1, n) * sizeof(float)));
    std::mt19937 gen(uint32_t(seed + 1));
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    std::vector<float> h(n);
    for (auto& v : h) v = d(gen);
    kc::memcpy_h2d(p, h.data(), n * sizeof(float));
  }
  ~Buf() { kc::device_free(p); }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  operator float*() const { return p; }
};

// Evicts the L2 between iterations so every iteration reads from HBM.
struct L2Flush {
  void* buf = nullptr;
  std::size_t bytes = 0;
  L2Flush() {
    int dev = 0, l2 = 0;
    check(cudaGetDevice(&dev), "cudaGetDevice");
    check(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev), "L2 size");
    bytes = std::size_t(std::max(l2, 1 << 20)) * 2;
    buf = kc::device_alloc(bytes);
  }
  ~L2Flush() { kc::device_free(buf); }
  void operator()() const { check(cudaMemsetAsync(buf, 0, bytes, stream()), "L2 flush"); }
};

// Runs `fn` once to warm up, then times each iteration with CUDA events.
// Sets TFLOP/s and GB/s from the analytic counts (0 = not reported).
void timed_loop(benchmark::State& st, const std::function<void()>& fn, double flops, double bytes) {
  static L2Flush* flush = new L2Flush;  // once per process
  cudaEvent_t a, b;
  check(cudaEventCreate(&a), "event");
  check(cudaEventCreate(&b), "event");
  try {
    fn();  // warm-up: module load, cuDNN plans, allocator free lists
    kc::synchronize();
  } catch (const std::exception& e) {
    st.SkipWithError(e.what());
    cudaEventDestroy(a);
    cudaEventDestroy(b);
    return;
  }
  double total_s = 0;
  for (auto _ : st) {
    (*flush)();
    check(cudaEventRecord(a, stream()), "record");
    fn();
    check(cudaEventRecord(b, stream()), "record");
    check(cudaEventSynchronize(b), "sync");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, a, b), "elapsed");
    st.SetIterationTime(ms / 1e3);
    total_s += ms / 1e3;
  }
  const double iters = double(st.iterations());
  if (total_s > 0) {
    if (flops > 0) st.counters["TFLOP/s"] = flops * iters / total_s / 1e12;
    if (bytes > 0) st.counters["GB/s"] = bytes * iters / total_s / 1e9;
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
}

bool require_gpu(benchmark::State& st) {
  if (kc::available()) return true;
  st.SkipWithError("no GPU");
  return false;
}

// ---- conv2d -----------------------------------------------------------------------
enum class Pass { kForward, kBackwardData, kBackwardWeight };
const char* pass_name(Pass p) {
  return p == Pass::kForward ? "fwd" : p == Pass::kBackwardData ? "bwd_data" : "bwd_weight";
}

struct ConvCase {
  const char* name;
  Conv2dShape s;
};
// Transform net at 256x256, batch 4 (convs after reflection padding, pad 0),
// and VGG-19 3x3 pad-1 layers at a 256x256 input, batch 4.
const ConvCase kConvCases[] = {
    {"tn_c1_9x9_4-32", {4, 4, 264, 264, 32, 9, 1, 0}},
    {"tn_c2_3x3s2_32-64", {4, 32, 258, 258, 64, 3, 2, 0}},
    {"tn_c3_3x3s2_64-128", {4, 64, 130, 130, 128, 3, 2, 0}},
    {"tn_res_3x3_128-128", {4, 128, 66, 66, 128, 3, 1, 0}},
    {"tn_u1_3x3_128-64", {4, 128, 130, 130, 64, 3, 1, 0}},
    {"tn_c4_9x9_32-3", {4, 32, 264, 264, 3, 9, 1, 0}},
    {"vgg_conv1_1_3-64", {4, 3, 256, 256, 64, 3, 1, 1}},
    {"vgg_conv1_2_64-64", {4, 64, 256, 256, 64, 3, 1, 1}},
    {"vgg_conv2_1_64-128", {4, 64, 128, 128, 128, 3, 1, 1}},
    {"vgg_conv2_2_128-128", {4, 128, 128, 128, 128, 3, 1, 1}},
    {"vgg_conv3_1_128-256", {4, 128, 64, 64, 256, 3, 1, 1}},
    {"vgg_conv3_x_256-256", {4, 256, 64, 64, 256, 3, 1, 1}},
    {"vgg_conv4_1_256-512", {4, 256, 32, 32, 512, 3, 1, 1}},
    {"vgg_conv4_x_512-512", {4, 512, 32, 32, 512, 3, 1, 1}},
};

double conv_flops(const Conv2dShape& s) {
  return 2.0 * s.N * s.Co * s.Ho() * s.Wo() * double(s.Ci) * s.K * s.K;
}

void bench_conv_ours(benchmark::State& st, Conv2dShape s, Pass pass, int version) {
  if (!require_gpu(st)) return;
  const auto& v = kc::conv2d_versions()[version];
  Buf x(s.x_size(), 1), w(s.w_size(), 2), b(s.Co, 3), y(s.y_size(), 4), dy(s.y_size(), 5),
      dx(s.x_size(), 6), dw(s.w_size(), 7), db(s.Co, 8);
  timed_loop(
      st,
      [&] {
        switch (pass) {
          case Pass::kForward: v.fn.forward(s, x, w, b, y); break;
          case Pass::kBackwardData: v.fn.backward_data(s, w, dy, dx); break;
          case Pass::kBackwardWeight: v.fn.backward_weight(s, x, dy, dw, db); break;
        }
      },
      conv_flops(s), 0);
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

// cuDNN at the same shape; tf32 = CUDNN_TENSOR_OP_MATH (tensor cores on fp32
// data), else CUDNN_FMA_MATH (strict fp32). The algorithm is cuDNN's own
// fastest by cudnnFind* among those of the requested math type.
void bench_conv_cudnn(benchmark::State& st, Conv2dShape s, Pass pass, bool tf32) {
  if (!require_gpu(st)) return;
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
    CUDNN_OK(
        cudnnSetTensor4dDescriptor(xd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.N, s.Ci, s.H, s.W));
    CUDNN_OK(cudnnSetTensor4dDescriptor(yd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.N, s.Co, s.Ho(),
                                        s.Wo()));
    CUDNN_OK(
        cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, s.Co, s.Ci, s.K, s.K));
    CUDNN_OK(cudnnSetConvolution2dDescriptor(cd, s.pad, s.pad, s.stride, s.stride, 1, 1,
                                             CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    const cudnnMathType_t math = tf32 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH;
    CUDNN_OK(cudnnSetConvolutionMathType(cd, math));
    const float one = 1.f, zero = 0.f;
    std::size_t ws_bytes = 0;
    std::function<void()> run;
    void* ws = nullptr;
    // From cudnnFind*'s list (fastest first): the first algorithm of the
    // requested math type; applies its math type, allocates its workspace,
    // labels the benchmark and returns the algorithm.
    auto use_fastest = [&](const auto* perf, int count) {
      for (int i = 0; i < count; ++i)
        if (perf[i].status == CUDNN_STATUS_SUCCESS &&
            (tf32 || perf[i].mathType != CUDNN_TENSOR_OP_MATH)) {
          CUDNN_OK(cudnnSetConvolutionMathType(cd, perf[i].mathType));
          ws_bytes = perf[i].memory;
          ws = ws_bytes ? kc::device_alloc(ws_bytes) : nullptr;
          st.SetLabel("algo " + std::to_string(int(perf[i].algo)));
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
    timed_loop(st, run, conv_flops(s), 0);
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
void bench_sgemm_ours(benchmark::State& st, int n, int version) {
  if (!require_gpu(st)) return;
  Buf A(std::size_t(n) * n, 1), B(std::size_t(n) * n, 2), C(std::size_t(n) * n, 3);
  const auto& v = kc::sgemm_versions()[version];
  timed_loop(
      st, [&] { v.fn.sgemm(false, false, n, n, n, 1.f, A, n, B, n, 0.f, C, n); },
      2.0 * n * double(n) * n, 0);
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

void bench_sgemm_cublas(benchmark::State& st, int n, bool tf32) {
  if (!require_gpu(st)) return;
  Buf A(std::size_t(n) * n, 1), B(std::size_t(n) * n, 2), C(std::size_t(n) * n, 3);
  set_math(tf32);
  const float one = 1.f, zero = 0.f;
  timed_loop(
      st,
      [&] {
        cublasSgemm(cublas(), CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, B, n, A, n, &zero, C, n);
      },
      2.0 * n * double(n) * n, 0);
}
#endif

// ---- masked Gram --------------------------------------------------------------------
// VGG style layers at a 256x256 input, batch 4. Counted as the full product
// (2*N*C*C*P flops) for every contender, although ours and SYRK compute
// only the upper triangle: the counter compares time on equal terms.
struct GramCase {
  const char* name;
  int N, C, P;
};
const GramCase kGramCases[] = {{"relu1_1_C64_P65536", 4, 64, 65536},
                               {"relu2_1_C128_P16384", 4, 128, 16384},
                               {"relu3_1_C256_P4096", 4, 256, 4096},
                               {"relu4_1_C512_P1024", 4, 512, 1024}};

double gram_flops(const GramCase& g) { return 2.0 * g.N * double(g.C) * g.C * g.P; }

void bench_gram_ours(benchmark::State& st, GramCase g, bool backward, int version) {
  if (!require_gpu(st)) return;
  const auto& v = kc::masked_gram_versions()[version];
  Buf F(std::size_t(g.N) * g.C * g.P, 1), w(std::size_t(g.N) * g.P, 2),
      G(std::size_t(g.N) * g.C * g.C, 3), dF(std::size_t(g.N) * g.C * g.P, 4);
  timed_loop(
      st,
      [&] {
        if (backward)
          v.fn.backward(g.N, g.C, g.P, F, w, 1e-8f, G, dF);
        else
          v.fn.forward(g.N, g.C, g.P, F, w, 1e-8f, G);
      },
      gram_flops(g), 0);
}

#ifdef MGST_HAVE_CUBLAS
// cuBLAS on the already-masked Fw (the masking multiply is not timed: a
// head start for cuBLAS). GEMM: strided-batched Fw Fw^T. SYRK: one call per
// sample (lower triangle only).
void bench_gram_cublas(benchmark::State& st, GramCase g, bool syrk, bool tf32) {
  if (!require_gpu(st)) return;
  Buf Fw(std::size_t(g.N) * g.C * g.P, 1), G(std::size_t(g.N) * g.C * g.C, 3);
  set_math(tf32);
  const float alpha = 1.f / (g.C * g.P), zero = 0.f;
  timed_loop(
      st,
      [&] {
        if (syrk) {
          for (int n = 0; n < g.N; ++n)
            cublasSsyrk(cublas(), CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_T, g.C, g.P, &alpha,
                        Fw.p + std::size_t(n) * g.C * g.P, g.P, &zero,
                        G.p + std::size_t(n) * g.C * g.C, g.C);
        } else {
          cublasSgemmStridedBatched(cublas(), CUBLAS_OP_T, CUBLAS_OP_N, g.C, g.C, g.P, &alpha, Fw,
                                    g.P, std::int64_t(g.C) * g.P, Fw, g.P, std::int64_t(g.C) * g.P,
                                    &zero, G, g.C, std::int64_t(g.C) * g.C, g.N);
        }
      },
      gram_flops(g), 0);
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
  Buf p(n, 1), g(n, 2), m(n, 3), vv(n, 4);
  kc::fill(n, 0.f, m);
  kc::fill(n, 0.f, vv);
  int64_t t = 0;
  // reads p, g, m, v; writes p, m, v
  timed_loop(
      st, [&] { v.fn.update(n, p, g, m, vv, 1e-3f, 0.9f, 0.999f, 1e-8f, ++t); }, 0,
      7.0 * n * sizeof(float));
}

// Registers `fn(args..., i)` as "<base><name of version i>" for every
// version of `table`.
template <class Table, class Fn, class... Args>
void register_versions(const std::string& base, const Table& table, benchmark::TimeUnit unit, Fn fn,
                       Args... args) {
  for (int i = 0; i < int(table.size()); ++i)
    benchmark::RegisterBenchmark((base + table[i].name).c_str(), fn, args..., i)
        ->UseManualTime()
        ->Unit(unit);
}

void register_all() {
  for (const ConvCase& c : kConvCases)
    for (Pass pass : {Pass::kForward, Pass::kBackwardData, Pass::kBackwardWeight}) {
      const std::string base = std::string("conv2d/") + c.name + "/" + pass_name(pass) + "/";
      register_versions(base, kc::conv2d_versions(), benchmark::kMillisecond, bench_conv_ours, c.s,
                        pass);
#ifdef MGST_HAVE_CUDNN
      benchmark::RegisterBenchmark((base + "cudnn_fp32").c_str(), bench_conv_cudnn, c.s, pass,
                                   false)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark((base + "cudnn_tf32").c_str(), bench_conv_cudnn, c.s, pass, true)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
#endif
    }
  register_versions("sgemm/2048/", kc::sgemm_versions(), benchmark::kMillisecond, bench_sgemm_ours,
                    2048);
#ifdef MGST_HAVE_CUBLAS
  benchmark::RegisterBenchmark("sgemm/2048/cublas_fp32", bench_sgemm_cublas, 2048, false)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("sgemm/2048/cublas_tf32", bench_sgemm_cublas, 2048, true)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
#endif
  for (const GramCase& g : kGramCases) {
    const std::string base = std::string("gram/") + g.name + "/";
    for (bool bwd : {false, true})
      register_versions(base + (bwd ? "bwd/" : "fwd/"), kc::masked_gram_versions(),
                        benchmark::kMicrosecond, bench_gram_ours, g, bwd);
#ifdef MGST_HAVE_CUBLAS
    benchmark::RegisterBenchmark((base + "cublas_sgemm_fp32").c_str(), bench_gram_cublas, g, false,
                                 false)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((base + "cublas_syrk_fp32").c_str(), bench_gram_cublas, g, true,
                                 false)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((base + "cublas_sgemm_tf32").c_str(), bench_gram_cublas, g, false,
                                 true)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
#endif
  }
  struct In {
    int N, C, P;
  };
  for (In s : {In{4, 32, 65536}, In{4, 64, 16384}, In{4, 128, 4096}})
    for (bool bwd : {false, true})
      register_versions("instance_norm/N" + std::to_string(s.N) + "_C" + std::to_string(s.C) +
                            "_P" + std::to_string(s.P) + (bwd ? "/bwd/" : "/fwd/"),
                        kc::instance_norm_versions(), benchmark::kMicrosecond, bench_instance_norm,
                        s.N, s.C, s.P, bwd);
  for (int64_t n : {int64_t(1700000), int64_t(1) << 24})
    register_versions("adam/" + std::to_string(n) + "/", kc::adam_versions(),
                      benchmark::kMicrosecond, bench_adam, n);
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
