// The CUDA emulator itself (kernels/cuda/emulator, -DMGST_CUDA=EMULATE): the
// built-in coordinates, shuffles, barriers, TF32 rounding and the TF32 mma
// behave as on a GPU, and the faults it exists to expose (divergent
// barriers, shuffles and mmas, a missing __syncthreads between warps, a bad
// launch configuration, an mma in a partial warp, a cp.async stage read
// before its wait) are reported. Stream capture records instead of running,
// replays in order, and refuses what real capture refuses. Device atomics
// count exactly while blocks run at once, and the last-block pattern
// (kernels/cuda/last_block.cuh) combines every block's partial on eager
// launches and graph replays alike, while a ticket counter that does not wrap
// back to 0 is caught on its second launch.
#ifdef MGST_CUDA_EMULATED
#include "kernels/cuda/emulator/cuda_emulator.h"
// (the emulator header first: it maps the device keywords for what follows)
#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/cuda/check.cuh"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/cp_async.cuh"
#include "kernels/cuda/last_block.cuh"
#include "kernels/cuda/mma_tf32.cuh"
#include "kernels/error.h"
#include "test_util.h"

namespace {

namespace kd = mgst::kernels::cuda::detail;

// ---- cp.async ----

// Three groups of copies (group g: src[g*64 + t] for the 64 threads; a null
// source in group 1 for odd t, a zero fill), then cp.async.wait_group
// `wait_n`, a barrier, and every thread copies all 192 shared values out.
// Thread t reads slots of other warps' copies: visible only after their
// wait and the barrier.
template <int WaitN>
__global__ void cp_async_groups_kernel(const float* src, float* out) {
  __shared__ __align__(16) float s[3 * 64];
  const int t = threadIdx.x;
  for (int g = 0; g < 3; ++g) {
    const bool zero = g == 1 && t % 2;
    kd::cp_async4(&s[g * 64 + t], zero ? nullptr : src + g * 64 + t);
    kd::cp_async_commit();
  }
  kd::cp_async_wait<WaitN>();
  __syncthreads();
  for (int i = 0; i < 3; ++i) out[i * 64 + t] = s[i * 64 + 63 - t];
  for (int i = 0; i < 3; ++i) out[192 + i * 64 + t] = s[i * 64 + t];
}

// A misaligned 16-byte copy (not a multiple of 16 bytes away).
__global__ void cp_async_misaligned_kernel(const float* src) {
  __shared__ __align__(16) float s[8];
  ::mgst::emu::cp_async(&s[1], src, 16, 16);
  ::mgst::emu::cp_async_commit();
  ::mgst::emu::cp_async_wait(0);
}

__global__ void coords_kernel(int* out) {
  const unsigned bx = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  const unsigned tx = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  const unsigned per_block = blockDim.x * blockDim.y * blockDim.z;
  out[bx * per_block + tx] += int(bx * 1000 + tx) + 1;
}

__global__ void warp_and_block_sum_kernel(float* warp_out, double* block_out) {
  __shared__ double red[32];
  warp_out[threadIdx.x] = kd::warp_sum(float(threadIdx.x & 31));
  const double b = kd::block_sum(double(threadIdx.x), red);
  if (threadIdx.x == 0) block_out[blockIdx.x] = b;
}

__global__ void divergent_barrier_kernel(int n) {
  if (int(threadIdx.x) >= n) return;
  __syncthreads();
}

__global__ void divergent_shuffle_kernel(float* out) {
  if ((threadIdx.x & 31) >= 16) return;
  out[threadIdx.x] = __shfl_xor_sync(0xffffffffu, 1.f, 1);
}

// Every thread writes its slot, then reads the mirrored one: correct only
// with the barrier, since the mirror belongs to another warp.
// (`base` differs per launch: shared memory keeps the last launch's values.)
__global__ void mirror_kernel(int* out, int base, bool barrier) {
  __shared__ int s[256];
  s[threadIdx.x] = base + int(threadIdx.x);
  if (barrier) __syncthreads();
  out[threadIdx.x] = s[255 - threadIdx.x];
}

// ---- TF32 and mma.m16n8k8 ----

// cvt.rna.tf32.f32 computed independently of the bit trick under test: in
// double, on TF32's grid (10 fraction bits; below FLT_MIN the subnormal grid
// of spacing 2^-136), ties away from zero, >= 2^128 after rounding is inf.
float reference_tf32(float x) {
  if (std::isnan(x) || std::isinf(x) || x == 0.f) return x;
  const double m = std::fabs(double(x));
  int e = 0;
  std::frexp(m, &e);                      // m = f * 2^e, f in [0.5, 1)
  const int exp = std::max(e - 1, -126);  // the binade; subnormals share -126's spacing
  const double ulp = std::ldexp(1.0, exp - 10);
  const double r = std::floor(m / ulp + 0.5) * ulp;  // exact: m / ulp has at most 24 bits
  const double out = r >= std::ldexp(1.0, 128) ? double(INFINITY) : r;
  return float(std::copysign(out, double(x)));
}

float bits(std::uint32_t u) { return std::bit_cast<float>(u); }
std::uint32_t bits_of(float f) { return std::bit_cast<std::uint32_t>(f); }

// One warp computes D = A * B + C (A 16x8, B 8x8, C/D 16x8, all row-major),
// loading its fragments with the PTX ISA's .tf32 formulas written out here
// (not mma_tf32.cuh's helpers, which the emulator's own multiply uses: a
// wrong helper would otherwise agree with itself). swap_a12 loads a1 and a2
// the wrong way round (the .f16 A order), the mutation the check must catch.
// round_operands: to_tf32 at load, else the mma truncates them.
__global__ void mma_tile_kernel(const float* A, const float* B, const float* C, float* D,
                                bool swap_a12, bool round_operands) {
  const int lane = int(threadIdx.x) & 31, g = lane >> 2, t = lane & 3;
  auto op = [&](float v) { return round_operands ? kd::to_tf32(v) : v; };
  float a[4] = {op(A[g * 8 + t]), op(A[(g + 8) * 8 + t]), op(A[g * 8 + t + 4]),
                op(A[(g + 8) * 8 + t + 4])};
  if (swap_a12) std::swap(a[1], a[2]);
  const float b[2] = {op(B[t * 8 + g]), op(B[(t + 4) * 8 + g])};
  float c[4] = {C[g * 8 + 2 * t], C[g * 8 + 2 * t + 1], C[(g + 8) * 8 + 2 * t],
                C[(g + 8) * 8 + 2 * t + 1]};
  kd::mma_m16n8k8_tf32(c, a, b, c);  // d aliasing c, as kernels accumulate
  D[g * 8 + 2 * t] = c[0];
  D[g * 8 + 2 * t + 1] = c[1];
  D[(g + 8) * 8 + 2 * t] = c[2];
  D[(g + 8) * 8 + 2 * t + 1] = c[3];
}

// Lanes 16..31 skip the mma.
__global__ void mma_half_warp_kernel(float* D) {
  if ((threadIdx.x & 31) >= 16) return;
  float d[4] = {}, a[4] = {}, b[2] = {};
  kd::mma_m16n8k8_tf32(d, a, b, d);
  D[threadIdx.x] = d[0];
}

// How many elements of D miss the double-precision product of the TF32
// operands (as the hardware reads them: tf32(A), tf32(B)) plus C by more
// than fp32 accumulation allows: 9 roundings of a relative 2^-24 each on
// |C| + sum |A||B| (the bound for a sum of 9 terms in fp32).
int mma_mismatches(const std::vector<float>& A, const std::vector<float>& B,
                   const std::vector<float>& C, const std::vector<float>& D, bool rounded) {
  int bad = 0;
  for (int m = 0; m < 16; ++m)
    for (int n = 0; n < 8; ++n) {
      double ref = C[std::size_t(m * 8 + n)], mag = std::fabs(ref);
      for (int k = 0; k < 8; ++k) {
        const float a = A[std::size_t(m * 8 + k)], b = B[std::size_t(k * 8 + n)];
        const double ta = rounded ? reference_tf32(a) : bits(bits_of(a) & ~0x1fffu);
        const double tb = rounded ? reference_tf32(b) : bits(bits_of(b) & ~0x1fffu);
        ref += ta * tb;
        mag += std::fabs(ta * tb);
      }
      const double tol = 9.0 * std::ldexp(1.0, -24) * mag;
      bad += !(std::fabs(double(D[std::size_t(m * 8 + n)]) - ref) <= tol);
    }
  return bad;
}

// ---- nvcuda::wmma, TF32 m16n16k8 ----

namespace wmma = nvcuda::wmma;

// One warp: D = A * B + C with A 16x8 row-major (lda), B 8x16 col-major (ldb
// = 8: element (k, n) at B[n * 8 + k]), C and D 16x16 (ldc 16), C read
// row-major and D written col-major (element (m, n) at D[n * 16 + m]), so
// both memory layouts of every load and store are used. assume_mapping:
// write D from the accumulator's elements as if lane l held elements
// l * 8 .. l * 8 + 7 (row-major) instead of store_matrix_sync, the
// dependence on wmma's unspecified mapping the emulator must expose.
__global__ void wmma_tile_kernel(const float* A, unsigned lda, const float* B, const float* C,
                                 float* D, float fill, bool convert, bool assume_mapping) {
  wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> a;
  wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::col_major> b;
  wmma::fragment<wmma::accumulator, 16, 16, 8, float> c;
  wmma::load_matrix_sync(a, A, lda);
  wmma::load_matrix_sync(b, B, 8);
  if (convert) {
    for (int i = 0; i < a.num_elements; ++i) a.x[i] = wmma::__float_to_tf32(a.x[i]);
    for (int i = 0; i < b.num_elements; ++i) b.x[i] = wmma::__float_to_tf32(b.x[i]);
  }
  if (C) {
    wmma::load_matrix_sync(c, C, 16, wmma::mem_row_major);
  } else {
    wmma::fill_fragment(c, fill);
  }
  wmma::mma_sync(c, a, b, c);
  if (assume_mapping) {
    const int lane = int(threadIdx.x) & 31;
    for (int e = 0; e < c.num_elements; ++e) {
      const int i = lane * 8 + e;
      D[(i % 16) * 16 + i / 16] = c.x[e];
    }
    return;
  }
  wmma::store_matrix_sync(D, c, 16, wmma::mem_col_major);
}

// Lane 5 passes a different ldm to load_matrix_sync.
__global__ void wmma_nonuniform_kernel(const float* A) {
  wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> a;
  wmma::load_matrix_sync(a, A, (threadIdx.x & 31) == 5 ? 12 : 8);
}

// x[i] = x[i] * 2 + 1 (the order of a replay's nodes shows in the result).
__global__ void twice_plus_one_kernel(int n, float* x) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n) x[i] = x[i] * 2.f + 1.f;
}

// ---- atomics and the last block ----

// Every thread adds 1 to *count `adds` times, and takes one ticket from
// *ticket (atomicInc, wrapping at limit) and marks it in seen[ticket].
__global__ void count_kernel(unsigned* count, int adds, unsigned* ticket, unsigned limit,
                             unsigned* seen) {
  for (int k = 0; k < adds; ++k) atomicAdd(count, 1u);
  atomicAdd(&seen[atomicInc(ticket, limit)], 1u);
}

// Block b sums x[b*256 + t] (t < 256, i < n) into part[b]; the block that
// finishes last sums part[0..B) in order into *out. wraps = false takes its
// ticket with a plain count (atomicAdd, never back to 0) instead of
// last_block_arrives: correct on the first launch only.
__global__ void last_block_sum_kernel(int n, const float* x, double* part, unsigned* ticket,
                                      bool wraps, double* out) {
  __shared__ double red[32];
  __shared__ bool last;
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  const double s = kd::block_sum(i < n ? double(x[i]) : 0.0, red);
  if (threadIdx.x == 0) part[blockIdx.x] = s;
  if (wraps) {
    last = kd::last_block_arrives(ticket);
  } else {
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0) last = atomicAdd(ticket, 1u) == gridDim.x - 1;
    __syncthreads();
  }
  if (!last || threadIdx.x != 0) return;
  const volatile double* p = part;
  double total = 0;
  for (unsigned b = 0; b < gridDim.x; ++b) total += p[b];
  *out = total;
}

}  // namespace

TEST_SUITE("cuda") {
  TEST_CASE("cuda emulator: atomicAdd and atomicInc count exactly while blocks race") {
    const int blocks = 512, threads = 64, adds = 16, total = blocks * threads;
    unsigned count = 0, ticket = 0;
    for (int launch = 1; launch <= 3; ++launch) {
      CAPTURE(launch);
      std::vector<unsigned> seen(std::size_t(total), 0);
      ::mgst::emu::launcher(count_kernel, "count_kernel", blocks,
                            threads)(&count, adds, &ticket, unsigned(total - 1), seen.data());
      REQUIRE(cudaGetLastError() == cudaSuccess);
      CHECK(count == unsigned(launch * total * adds));
      CHECK(ticket == 0u);  // the last of `total` tickets wrapped it
      CHECK(std::count(seen.begin(), seen.end(), 1u) == total);  // each ticket drawn once
    }
    // atomicInc's wrap: old >= limit gives 0, else old + 1; it returns old.
    unsigned c = 5;
    CHECK(atomicInc(&c, 5) == 5u);
    CHECK(c == 0u);
    CHECK(atomicInc(&c, 0) == 0u);
    CHECK(c == 0u);
    c = 9;
    CHECK(atomicInc(&c, 5) == 9u);  // above the limit: also back to 0
    CHECK(c == 0u);
  }

  TEST_CASE("cuda emulator: the last block sums every block's partial, eager and replayed") {
    const int threads = 256, blocks = 300, n = blocks * threads - 17;
    std::vector<float> x(static_cast<std::size_t>(n));
    double exact = 0;  // small integers: every order of summation is exact
    for (int i = 0; i < n; ++i) exact += x[std::size_t(i)] = float((i * 7919) % 1001 - 500);
    std::vector<double> part(std::size_t(blocks), 0.0);
    unsigned ticket = 0;
    double out = 0;
    const double poison = std::numeric_limits<double>::quiet_NaN();
    for (int launch = 0; launch < 4; ++launch) {
      CAPTURE(launch);
      out = -1;
      std::fill(part.begin(), part.end(), poison);  // no partial left from the last launch
      ::mgst::emu::launcher(last_block_sum_kernel, "last_block_sum_kernel", blocks,
                            threads)(n, x.data(), part.data(), &ticket, true, &out);
      REQUIRE(cudaGetLastError() == cudaSuccess);
      CHECK(out == exact);
      CHECK(ticket == 0u);
    }
    // Captured once, replayed: each replay starts from the counter at 0.
    cudaStream_t s = nullptr;
    REQUIRE(cudaStreamCreate(&s) == cudaSuccess);
    REQUIRE(cudaStreamBeginCapture(s, cudaStreamCaptureModeRelaxed) == cudaSuccess);
    ::mgst::emu::launcher(last_block_sum_kernel, "last_block_sum_kernel", blocks, threads, 0,
                          s)(n, x.data(), part.data(), &ticket, true, &out);
    cudaGraph_t graph = nullptr;
    REQUIRE(cudaStreamEndCapture(s, &graph) == cudaSuccess);
    cudaGraphExec_t exec = nullptr;
    REQUIRE(cudaGraphInstantiate(&exec, graph, 0) == cudaSuccess);
    for (int replay = 0; replay < 3; ++replay) {
      CAPTURE(replay);
      out = -1;
      std::fill(part.begin(), part.end(), poison);
      x[std::size_t(replay)] += 1.f;  // a new input each replay
      exact += 1;
      REQUIRE(cudaGraphLaunch(exec, s) == cudaSuccess);
      REQUIRE(cudaStreamSynchronize(s) == cudaSuccess);
      CHECK(out == exact);
      CHECK(ticket == 0u);
    }
    CHECK(cudaGraphExecDestroy(exec) == cudaSuccess);
    CHECK(cudaGraphDestroy(graph) == cudaSuccess);
    CHECK(cudaStreamDestroy(s) == cudaSuccess);

    // A counter that does not wrap: right once, then no block is "last".
    out = -1;
    ::mgst::emu::launcher(last_block_sum_kernel, "last_block_sum_kernel", blocks,
                          threads)(n, x.data(), part.data(), &ticket, false, &out);
    REQUIRE(cudaGetLastError() == cudaSuccess);
    CHECK(out == exact);
    CHECK(ticket == unsigned(blocks));
    out = -1;
    ::mgst::emu::launcher(last_block_sum_kernel, "last_block_sum_kernel", blocks,
                          threads)(n, x.data(), part.data(), &ticket, false, &out);
    REQUIRE(cudaGetLastError() == cudaSuccess);
    CHECK(out == -1);  // the second launch's tickets run from 300 to 599: never written
  }

  TEST_CASE(
      "cuda emulator: stream capture records launches, copies and memsets; replays run them") {
    cudaStream_t s = nullptr;
    REQUIRE(cudaStreamCreate(&s) == cudaSuccess);
    const int n = 40;
    float *dev = nullptr, *pinned = nullptr;
    REQUIRE(cudaMalloc(reinterpret_cast<void**>(&dev), n * sizeof(float)) == cudaSuccess);
    REQUIRE(cudaMallocHost(reinterpret_cast<void**>(&pinned), n * sizeof(float)) == cudaSuccess);
    for (int i = 0; i < n; ++i) pinned[i] = float(i);
    REQUIRE(cudaMemset(dev, 0, n * sizeof(float)) == cudaSuccess);

    REQUIRE(cudaStreamBeginCapture(s, cudaStreamCaptureModeRelaxed) == cudaSuccess);
    cudaStreamCaptureStatus status{};
    REQUIRE(cudaStreamIsCapturing(s, &status) == cudaSuccess);
    CHECK(status == cudaStreamCaptureStatusActive);
    // upload, then x*2+1, then x*2+1 on the first half only... recorded, not run
    CHECK(cudaMemcpyAsync(dev, pinned, n * sizeof(float), cudaMemcpyHostToDevice, s) ==
          cudaSuccess);
    ::mgst::emu::launcher(twice_plus_one_kernel, "twice_plus_one_kernel", 1, 64, 0, s)(n, dev);
    ::mgst::emu::launcher(twice_plus_one_kernel, "twice_plus_one_kernel", 1, 64, 0, s)(n / 2, dev);
    CHECK(cudaMemsetAsync(dev + n - 1, 0, sizeof(float), s) == cudaSuccess);
    CHECK(cudaMemcpyAsync(pinned, dev, n * sizeof(float), cudaMemcpyDeviceToHost, s) ==
          cudaSuccess);
    // Work on another (not capturing) stream still runs at once.
    ::mgst::emu::launcher(twice_plus_one_kernel, "twice_plus_one_kernel", 1, 64)(1, dev + 5);
    cudaGraph_t graph = nullptr;
    REQUIRE(cudaStreamEndCapture(s, &graph) == cudaSuccess);
    REQUIRE(graph != nullptr);
    std::size_t nodes = 0;
    REQUIRE(cudaGraphGetNodes(graph, nullptr, &nodes) == cudaSuccess);
    CHECK(nodes == 5);
    std::vector<float> now(n);
    REQUIRE(cudaMemcpy(now.data(), dev, n * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess);
    for (int i = 0; i < n; ++i) CHECK(now[std::size_t(i)] == (i == 5 ? 1.f : 0.f));  // not run
    for (int i = 0; i < n; ++i) CHECK(pinned[i] == float(i));

    cudaGraphExec_t exec = nullptr;
    REQUIRE(cudaGraphInstantiate(&exec, graph, 0) == cudaSuccess);
    for (int replay = 0; replay < 2; ++replay) {
      for (int i = 0; i < n; ++i) pinned[i] = float(i + replay);  // the next input
      REQUIRE(cudaGraphLaunch(exec, s) == cudaSuccess);
      REQUIRE(cudaStreamSynchronize(s) == cudaSuccess);
      for (int i = 0; i < n; ++i) {
        const float x = float(i + replay), once = x * 2 + 1;
        CAPTURE(i);
        CHECK(pinned[i] == (i == n - 1 ? 0.f : i < n / 2 ? once * 2 + 1 : once));
      }
    }
    CHECK(cudaGraphExecDestroy(exec) == cudaSuccess);
    CHECK(cudaGraphDestroy(graph) == cudaSuccess);
    CHECK(cudaFreeHost(pinned) == cudaSuccess);
    CHECK(cudaFree(dev) == cudaSuccess);
    CHECK(cudaStreamDestroy(s) == cudaSuccess);
  }

  TEST_CASE("cuda emulator: a wait, a pageable copy or a cudaFree inside a capture breaks it") {
    cudaStream_t s = nullptr;
    REQUIRE(cudaStreamCreate(&s) == cudaSuccess);
    float* dev = nullptr;
    REQUIRE(cudaMalloc(reinterpret_cast<void**>(&dev), 16) == cudaSuccess);
    std::vector<float> pageable(4, 1.f);
    struct Forbidden {
      const char* what;
      std::function<cudaError_t()> call;
    };
    const Forbidden calls[] = {
        {"cudaStreamSynchronize", [&] { return cudaStreamSynchronize(s); }},
        {"cudaDeviceSynchronize", [&] { return cudaDeviceSynchronize(); }},
        {"pageable H2D",
         [&] { return cudaMemcpyAsync(dev, pageable.data(), 16, cudaMemcpyHostToDevice, s); }},
        {"pageable D2H",
         [&] { return cudaMemcpyAsync(pageable.data(), dev, 16, cudaMemcpyDeviceToHost, s); }},
        {"synchronous cudaMemcpy",
         [&] { return cudaMemcpy(dev, pageable.data(), 16, cudaMemcpyHostToDevice); }},
        {"cudaFree", [&] { return cudaFree(dev + 1); }},
    };
    for (const Forbidden& f : calls) {
      CAPTURE(f.what);
      REQUIRE(cudaStreamBeginCapture(s, cudaStreamCaptureModeRelaxed) == cudaSuccess);
      CHECK(f.call() == cudaErrorStreamCaptureUnsupported);
      cudaStreamCaptureStatus status{};
      REQUIRE(cudaStreamIsCapturing(s, &status) == cudaSuccess);
      CHECK(status == cudaStreamCaptureStatusInvalidated);
      cudaGraph_t graph = nullptr;
      CHECK(cudaStreamEndCapture(s, &graph) == cudaErrorStreamCaptureInvalidated);
      CHECK(graph == nullptr);
      (void)cudaGetLastError();
    }
    // cudaMalloc: only a relaxed capture allows it.
    void* p = nullptr;
    REQUIRE(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal) == cudaSuccess);
    CHECK(cudaMalloc(&p, 16) == cudaErrorStreamCaptureUnsupported);
    cudaGraph_t graph = nullptr;
    CHECK(cudaStreamEndCapture(s, &graph) == cudaErrorStreamCaptureInvalidated);
    REQUIRE(cudaStreamBeginCapture(s, cudaStreamCaptureModeRelaxed) == cudaSuccess);
    CHECK(cudaMalloc(&p, 16) == cudaSuccess);
    REQUIRE(cudaStreamEndCapture(s, &graph) == cudaSuccess);
    CHECK(cudaGraphDestroy(graph) == cudaSuccess);
    (void)cudaGetLastError();
    CHECK(cudaFree(p) == cudaSuccess);
    CHECK(cudaFree(dev) == cudaSuccess);
    CHECK(cudaStreamDestroy(s) == cudaSuccess);
  }

  TEST_CASE("cuda emulator: every thread of a 3-D grid and block runs once with its coordinates") {
    const dim3 grid(3, 2, 2), block(5, 4, 3);
    const int per_block = 5 * 4 * 3, blocks = 3 * 2 * 2;
    std::vector<int> out(std::size_t(per_block * blocks), 0);
    ::mgst::emu::launcher(coords_kernel, "coords_kernel", grid, block)(out.data());
    REQUIRE(cudaGetLastError() == cudaSuccess);
    for (int b = 0; b < blocks; ++b)
      for (int t = 0; t < per_block; ++t)
        CHECK(out[std::size_t(b * per_block + t)] == b * 1000 + t + 1);
  }

  TEST_CASE("cuda emulator: warp_sum and block_sum give every lane the full sums") {
    std::vector<float> warp(256, -1.f);
    std::vector<double> block(3, -1.0);
    ::mgst::emu::launcher(warp_and_block_sum_kernel, "warp_and_block_sum_kernel", 3,
                          256)(warp.data(), block.data());
    REQUIRE(cudaGetLastError() == cudaSuccess);
    for (float v : warp) CHECK(v == 496.f);  // 0 + 1 + ... + 31
    for (double v : block) CHECK(v == 255.0 * 256 / 2);
  }

  TEST_CASE("cuda emulator: a __syncthreads() part of the block skips fails the launch") {
    ::mgst::emu::launcher(divergent_barrier_kernel, "divergent_barrier_kernel", 2, 256)(256);
    CHECK(cudaGetLastError() == cudaSuccess);  // all threads reach it: fine
    ::mgst::emu::launcher(divergent_barrier_kernel, "divergent_barrier_kernel", 2, 256)(200);
    const cudaError_t err = cudaGetLastError();
    REQUIRE(err == cudaErrorLaunchFailure);
    const std::string msg = cudaGetErrorString(err);
    CHECK(msg.find("divergent_barrier_kernel") != std::string::npos);
    CHECK(msg.find("reached by 200 of 256") != std::string::npos);

    // ...and MGST_CHECK_LAUNCH turns it into an mgst::Error naming the op.
    ::mgst::emu::launcher(divergent_barrier_kernel, "divergent_barrier_kernel", 1, 64)(10);
    try {
      MGST_CHECK_LAUNCH("test_op", "n=", 10);
      FAIL("no error");
    } catch (const mgst::Error& e) {
      const std::string w = e.what();
      CHECK(w.find("test_op") != std::string::npos);
      CHECK(w.find("n= 10") != std::string::npos);
      CHECK(w.find("divergent") != std::string::npos);
    }
  }

  TEST_CASE("cuda emulator: a full-mask shuffle half the warp skips fails the launch") {
    std::vector<float> out(64, 0.f);
    ::mgst::emu::launcher(divergent_shuffle_kernel, "divergent_shuffle_kernel", 1, 64)(out.data());
    const cudaError_t err = cudaGetLastError();
    REQUIRE(err == cudaErrorLaunchFailure);
    CHECK(std::string(cudaGetErrorString(err)).find("16 of 32 lanes") != std::string::npos);
  }

  TEST_CASE("cuda emulator: a missing __syncthreads between warps changes the result") {
    std::vector<int> out(256, -1);
    ::mgst::emu::launcher(mirror_kernel, "mirror_kernel", 1, 256)(out.data(), 0, true);
    REQUIRE(cudaGetLastError() == cudaSuccess);
    for (int t = 0; t < 256; ++t) CHECK(out[std::size_t(t)] == 255 - t);
    // Without the barrier, warp 0 reads warp 7's slots before warp 7 has run
    // (forward order; reverse order fails the other way round).
    std::vector<int> racy(256, -1);
    ::mgst::emu::launcher(mirror_kernel, "mirror_kernel", 1, 256)(racy.data(), 1000, false);
    REQUIRE(cudaGetLastError() == cudaSuccess);
    int wrong = 0;
    for (int t = 0; t < 256; ++t) wrong += racy[std::size_t(t)] != 1000 + 255 - t;
    CHECK(wrong > 0);
  }

  TEST_CASE("cuda emulator: cp.async lands at its wait_group, zero-fills, and poisons until then") {
    std::vector<float> src(192);
    for (int i = 0; i < 192; ++i) src[std::size_t(i)] = float(i + 1);
    // What slot i of the shared array must hold once its group has landed.
    auto landed = [&](int i) { return i / 64 == 1 && (i % 64) % 2 ? 0.f : src[std::size_t(i)]; };
    std::vector<float> out(384, -1.f);
    ::mgst::emu::launcher(cp_async_groups_kernel<0>, "cp_async_groups_kernel<0>", 1,
                          64)(src.data(), out.data());
    REQUIRE(cudaGetLastError() == cudaSuccess);
    for (int i = 0; i < 3; ++i)
      for (int t = 0; t < 64; ++t) {
        CHECK(out[std::size_t(i * 64 + t)] == landed(i * 64 + 63 - t));
        CHECK(out[std::size_t(192 + i * 64 + t)] == landed(i * 64 + t));
      }
    // wait_group 1: the two older groups have landed, the newest is still
    // in flight, so its slots read as the poison (NaN), for the thread's
    // own copies and for everyone else's.
    std::fill(out.begin(), out.end(), -1.f);
    ::mgst::emu::launcher(cp_async_groups_kernel<1>, "cp_async_groups_kernel<1>", 1,
                          64)(src.data(), out.data());
    REQUIRE(cudaGetLastError() == cudaSuccess);
    for (int t = 0; t < 64; ++t) {
      for (int i = 0; i < 2; ++i) CHECK(out[std::size_t(192 + i * 64 + t)] == landed(i * 64 + t));
      CHECK(std::isnan(out[std::size_t(192 + 128 + t)]));
      CHECK(std::isnan(out[std::size_t(128 + t)]));
    }
    // Misaligned copies fail the launch.
    ::mgst::emu::launcher(cp_async_misaligned_kernel, "cp_async_misaligned_kernel", 1,
                          32)(src.data());
    const cudaError_t err = cudaGetLastError();
    REQUIRE(err == cudaErrorLaunchFailure);
    CHECK(std::string(cudaGetErrorString(err)).find("aligned to the copy size") !=
          std::string::npos);
  }

  TEST_CASE("cuda emulator: bad launch configurations are refused like on a GPU") {
    std::vector<float> out(1);
    ::mgst::emu::launcher(divergent_shuffle_kernel, "k", 1, 2048)(out.data());
    CHECK(cudaGetLastError() == cudaErrorInvalidConfiguration);
    ::mgst::emu::launcher(divergent_shuffle_kernel, "k", dim3(1, 70000), 32)(out.data());
    CHECK(cudaGetLastError() == cudaErrorInvalidConfiguration);
    ::mgst::emu::launcher(divergent_shuffle_kernel, "k", 0, 32)(out.data());
    CHECK(cudaGetLastError() == cudaErrorInvalidConfiguration);
    CHECK(cudaGetLastError() == cudaSuccess);  // the error is not sticky
  }

  TEST_CASE("cuda emulator: to_tf32 is cvt.rna.tf32.f32 bit for bit, ties away from zero") {
    struct Case {
      std::uint32_t in, out;
    };
    const Case cases[] = {
        {0x3f800000u, 0x3f800000u},  // 1: already TF32
        {0x3f801000u, 0x3f802000u},  // 1 + 2^-11: a tie, away (to even would give 1)
        {0xbf801000u, 0xbf802000u},  // -(1 + 2^-11): away from zero, i.e. down
        {0x3f803000u, 0x3f804000u},  // 1 + 3*2^-11: a tie, away (= to even here)
        {0x3f800fffu, 0x3f800000u},  // just below the tie: down
        {0x3f801001u, 0x3f802000u},  // just above: up
        {0x3fffffffu, 0x40000000u},  // rounds up into the next binade
        {0x7f7fffffu, 0x7f800000u},  // FLT_MAX: above the last tie, overflows to inf
        {0x7f7ff000u, 0x7f800000u},  // the tie between the largest TF32 and 2^128: inf
        {0x7f7fefffu, 0x7f7fe000u},  // just below it: the largest TF32
        {0xff7fffffu, 0xff800000u},  // -FLT_MAX: -inf
        {0x00001000u, 0x00002000u},  // subnormal tie: away
        {0x80001000u, 0x80002000u},  // negative subnormal tie
        {0x00000fffu, 0x00000000u},  // below half the smallest TF32 subnormal: +0
        {0x80000001u, 0x80000000u},  // -tiny: -0
        {0x007ff000u, 0x00800000u},  // largest subnormals round up to FLT_MIN
        {0x7f800000u, 0x7f800000u},  // inf
        {0xff800000u, 0xff800000u},  // -inf
        {0x00000000u, 0x00000000u},  // +0
        {0x80000000u, 0x80000000u},  // -0
    };
    for (const Case& c : cases) {
      INFO("input 0x" << std::hex << c.in);
      CHECK(bits_of(kd::to_tf32(bits(c.in))) == c.out);
      CHECK(bits_of(reference_tf32(bits(c.in))) == c.out);  // the reference agrees
    }
    // NaN stays NaN, also with its payload only in the low 13 bits.
    for (std::uint32_t u : {0x7fc00000u, 0xffc00000u, 0x7f800001u, 0x7f801fffu, 0xff800001u}) {
      CHECK(std::isnan(kd::to_tf32(bits(u))));
      CHECK(std::isnan(kd::truncate_tf32(bits(u))));
    }
    // Random bit patterns over every exponent, against the double reference.
    std::mt19937 gen(13);
    int wrong = 0;
    for (int i = 0; i < 200000; ++i) {
      const float x = bits(std::uint32_t(gen()));
      if (std::isnan(x)) continue;
      const std::uint32_t got = bits_of(kd::to_tf32(x)), want = bits_of(reference_tf32(x));
      wrong += got != want;
      wrong += (got & 0x1fffu) != 0;
    }
    CHECK(wrong == 0);
  }

  TEST_CASE("cuda emulator: truncate_tf32 drops the low 13 bits, toward zero") {
    CHECK(bits_of(kd::truncate_tf32(bits(0x3f801fffu))) == 0x3f800000u);
    CHECK(bits_of(kd::truncate_tf32(bits(0xbf803fffu))) == 0xbf802000u);
    CHECK(bits_of(kd::truncate_tf32(bits(0x7f7fffffu))) == 0x7f7fe000u);  // no overflow
    CHECK(bits_of(kd::truncate_tf32(bits(0x00001fffu))) == 0x00000000u);
    CHECK(kd::truncate_tf32(INFINITY) == INFINITY);
    // Independently: the largest TF32 value not above |x| in magnitude.
    std::mt19937 gen(7);
    for (int i = 0; i < 1000; ++i) {
      const float x = float(std::ldexp(std::uniform_real_distribution<double>(-1, 1)(gen), 20));
      const float tr = kd::truncate_tf32(x);
      CHECK(std::fabs(tr) <= std::fabs(x));
      CHECK(reference_tf32(tr) == tr);  // on the TF32 grid
      const float up =
          float(std::fabs(double(tr)) + std::ldexp(1.0, std::ilogb(tr == 0 ? x : tr) - 10));
      CHECK(up > std::fabs(x));  // the next TF32 value up is past |x|
    }
  }

  TEST_CASE("cuda emulator: the mma fragment coordinates are the PTX ISA's .tf32 table") {
    // Written out from the PTX ISA table for lanes 0, 6 (g=1, t=2) and 31 (g=7, t=3).
    using C = kd::FragCoord;
    struct Entry {
      char matrix;  // a, b or c (the accumulator)
      int lane, i, row, col;
    };
    const Entry table[] = {
        {'a', 6, 0, 1, 2},   {'a', 6, 1, 9, 2}, {'a', 6, 2, 1, 6}, {'a', 6, 3, 9, 6},
        {'a', 31, 3, 15, 7}, {'b', 6, 0, 2, 1}, {'b', 6, 1, 6, 1}, {'b', 31, 1, 7, 7},
        {'c', 6, 0, 1, 4},   {'c', 6, 1, 1, 5}, {'c', 6, 2, 9, 4}, {'c', 6, 3, 9, 5},
        {'c', 0, 0, 0, 0},
    };
    for (const Entry& e : table) {
      CAPTURE(e.matrix);
      CAPTURE(e.lane);
      CAPTURE(e.i);
      const C got = e.matrix == 'a'   ? kd::mma_tf32_a_coord(e.lane, e.i)
                    : e.matrix == 'b' ? kd::mma_tf32_b_coord(e.lane, e.i)
                                      : kd::mma_tf32_c_coord(e.lane, e.i);
      CHECK(got.row == e.row);
      CHECK(got.col == e.col);
    }
    // Each matrix element belongs to exactly one (lane, register).
    int a[16][8] = {}, b[8][8] = {}, c[16][8] = {};
    for (int l = 0; l < 32; ++l) {
      for (int i = 0; i < 4; ++i) {
        ++a[kd::mma_tf32_a_coord(l, i).row][kd::mma_tf32_a_coord(l, i).col];
        ++c[kd::mma_tf32_c_coord(l, i).row][kd::mma_tf32_c_coord(l, i).col];
      }
      for (int i = 0; i < 2; ++i)
        ++b[kd::mma_tf32_b_coord(l, i).row][kd::mma_tf32_b_coord(l, i).col];
    }
    int off = 0;
    for (int r = 0; r < 16; ++r)
      for (int k = 0; k < 8; ++k) off += (a[r][k] != 1) + (c[r][k] != 1) + (r < 8 && b[r][k] != 1);
    CHECK(off == 0);
  }

  TEST_CASE("cuda emulator: mma.m16n8k8 tf32 against a double matmul; a wrong lane mapping fails") {
    const auto A = mgst::test::random_vector(16 * 8, 1, -2.f, 2.f);
    const auto B = mgst::test::random_vector(8 * 8, 2, -2.f, 2.f);
    const auto C = mgst::test::random_vector(16 * 8, 3, -1.f, 1.f);
    for (int warps : {1, 4}) {  // the same tile in every warp of a block
      INFO("warps per block: " << warps);
      std::vector<float> D(16 * 8, NAN);
      ::mgst::emu::launcher(mma_tile_kernel, "mma_tile_kernel", 1,
                            32 * warps)(A.data(), B.data(), C.data(), D.data(), false, true);
      REQUIRE(cudaGetLastError() == cudaSuccess);
      CHECK(mma_mismatches(A, B, C, D, true) == 0);
    }
    // Unconverted operands are truncated, as by the hardware: the check
    // with truncated operands passes, the one with rounded operands does
    // not (random data has low bits set everywhere).
    std::vector<float> T(16 * 8, NAN);
    ::mgst::emu::launcher(mma_tile_kernel, "mma_tile_kernel", 1, 32)(A.data(), B.data(), C.data(),
                                                                     T.data(), false, false);
    REQUIRE(cudaGetLastError() == cudaSuccess);
    CHECK(mma_mismatches(A, B, C, T, false) == 0);
    CHECK(mma_mismatches(A, B, C, T, true) > 0);
    // The mutation: a1 and a2 swapped (the .f16 ordering) must be rejected.
    std::vector<float> W(16 * 8, NAN);
    ::mgst::emu::launcher(mma_tile_kernel, "mma_tile_kernel", 1, 32)(A.data(), B.data(), C.data(),
                                                                     W.data(), true, true);
    REQUIRE(cudaGetLastError() == cudaSuccess);
    const int bad = mma_mismatches(A, B, C, W, true);
    MESSAGE("a1/a2 swapped: " << bad << " of 128 elements of D wrong");
    CHECK(bad > 64);
  }

  TEST_CASE("cuda emulator: an mma without all 32 lanes fails the launch") {
    std::vector<float> D(128, 0.f), A(128, 0.f), B(64, 0.f), C(128, 0.f);
    ::mgst::emu::launcher(mma_half_warp_kernel, "mma_half_warp_kernel", 1, 64)(D.data());
    cudaError_t err = cudaGetLastError();
    REQUIRE(err == cudaErrorLaunchFailure);
    CHECK(std::string(cudaGetErrorString(err)).find("16 of 32 lanes") != std::string::npos);
    // A block of 48 threads: its second warp has 16 lanes.
    ::mgst::emu::launcher(mma_tile_kernel, "mma_tile_kernel", 1, 48)(A.data(), B.data(), C.data(),
                                                                     D.data(), false, true);
    err = cudaGetLastError();
    REQUIRE(err == cudaErrorLaunchFailure);
    const std::string msg = cudaGetErrorString(err);
    CHECK(msg.find("mma_tile_kernel") != std::string::npos);
    CHECK(msg.find("needs all 32 lanes of the warp; this warp has 16") != std::string::npos);
  }

  TEST_CASE("cuda emulator: wmma tf32 m16n16k8 against a double matmul, and its asserts") {
    struct alignas(32) Buf {
      float v[16 * 16 + 8];
    };
    Buf A{}, B{}, C{}, D{};
    const auto ra = mgst::test::random_vector(16 * 8, 4, -2.f, 2.f);
    const auto rb = mgst::test::random_vector(8 * 16, 5, -2.f, 2.f);
    const auto rc = mgst::test::random_vector(16 * 16, 6, -1.f, 1.f);
    std::copy(ra.begin(), ra.end(), A.v);
    std::copy(rb.begin(), rb.end(), B.v);
    std::copy(rc.begin(), rc.end(), C.v);
    // |D - (tf32(A) tf32(B) + C)| within fp32 accumulation of 9 terms.
    auto mismatches = [&](const float* c_or_null, float fill, bool convert) {
      int bad = 0;
      for (int m = 0; m < 16; ++m)
        for (int n = 0; n < 16; ++n) {
          double ref = c_or_null ? c_or_null[m * 16 + n] : fill, mag = std::fabs(ref);
          for (int k = 0; k < 8; ++k) {
            auto tf = [&](float x) {
              return convert ? double(reference_tf32(x)) : double(bits(bits_of(x) & ~0x1fffu));
            };
            const double p = tf(A.v[m * 8 + k]) * tf(B.v[n * 8 + k]);
            ref += p;
            mag += std::fabs(p);
          }
          bad += !(std::fabs(double(D.v[n * 16 + m]) - ref) <= 9.0 * std::ldexp(1.0, -24) * mag);
        }
      return bad;
    };
    for (bool convert : {true, false}) {
      INFO("convert: " << convert);
      std::fill(std::begin(D.v), std::end(D.v), NAN);
      ::mgst::emu::launcher(wmma_tile_kernel, "wmma_tile_kernel", 1, 64)(A.v, 8u, B.v, C.v, D.v,
                                                                         0.f, convert, false);
      REQUIRE(cudaGetLastError() == cudaSuccess);
      CHECK(mismatches(C.v, 0.f, convert) == 0);
      CHECK(mismatches(C.v, 0.f, !convert) > 0);  // rounding vs truncation is visible
    }
    ::mgst::emu::launcher(wmma_tile_kernel, "wmma_tile_kernel", 1, 32)(A.v, 8u, B.v, nullptr, D.v,
                                                                       0.5f, true, false);
    REQUIRE(cudaGetLastError() == cudaSuccess);
    CHECK(mismatches(nullptr, 0.5f, true) == 0);
    // A kernel that relies on a guessed element-to-lane mapping is caught.
    std::fill(std::begin(D.v), std::end(D.v), NAN);
    ::mgst::emu::launcher(wmma_tile_kernel, "wmma_tile_kernel", 1, 32)(A.v, 8u, B.v, C.v, D.v, 0.f,
                                                                       true, true);
    REQUIRE(cudaGetLastError() == cudaSuccess);
    const int guessed = mismatches(C.v, 0.f, true);
    MESSAGE("wmma accumulator read with a guessed mapping: " << guessed << " of 256 wrong");
    CHECK(guessed > 128);

    auto fails_with = [](const char* text) {
      const cudaError_t err = cudaGetLastError();
      const std::string msg = cudaGetErrorString(err);
      INFO(msg);
      return err == cudaErrorLaunchFailure && msg.find(text) != std::string::npos;
    };
    // A pointer 16 bytes off 32-byte alignment, ldm 6, ldm not warp-uniform,
    // a partial warp: all undefined on the hardware, all fail here.
    ::mgst::emu::launcher(wmma_tile_kernel, "wmma_tile_kernel", 1, 32)(A.v + 4, 8u, B.v, C.v, D.v,
                                                                       0.f, true, false);
    CHECK(fails_with("not 256-bit (32-byte) aligned"));
    ::mgst::emu::launcher(wmma_tile_kernel, "wmma_tile_kernel", 1, 32)(A.v, 6u, B.v, C.v, D.v, 0.f,
                                                                       true, false);
    CHECK(fails_with("ldm not a multiple of 4"));
    ::mgst::emu::launcher(wmma_nonuniform_kernel, "wmma_nonuniform_kernel", 1, 32)(A.v);
    CHECK(fails_with("differ between the lanes"));
    ::mgst::emu::launcher(wmma_tile_kernel, "wmma_tile_kernel", 1, 40)(A.v, 8u, B.v, C.v, D.v, 0.f,
                                                                       true, false);
    CHECK(fails_with("needs all 32 lanes of the warp; this warp has 8"));
  }

}  // TEST_SUITE
#endif  // MGST_CUDA_EMULATED
