// Helpers shared by the CPU kernels: OpenMP loops that stay serial for small
// work, and deterministic reductions.
//
// Determinism: a reduction over n elements is cut into fixed-size chunks
// (kChunk, independent of the thread count); each chunk is summed in double
// with 8 independent lanes (vectorisable without -ffast-math, since no
// reassociation happens inside a lane), and the chunk partials are combined
// serially in index order. Same inputs -> same bits for any OMP_NUM_THREADS.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mgst::kernels::cpu::detail {

// Below this many elements a loop runs serially: thread wake-up costs more.
constexpr int64_t kParallelGrain = 1 << 15;
// Chunk length of deterministic reductions; must not depend on threads.
constexpr int64_t kChunk = 1 << 14;

inline int threads_for(int64_t work) {
  if (omp_in_parallel() || work < kParallelGrain) return 1;
  return omp_get_max_threads();
}

// f(i) for i in [0, n), parallel when the total work (n * cost) is large.
template <class F>
inline void parallel_for(int64_t n, int64_t cost_per_item, F&& f) {
  const int nt = threads_for(n * cost_per_item);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t i = 0; i < n; ++i) f(i);
}

// Sum in double of g(i) for i in [0, n), 8 lanes combined in a fixed order.
template <class G>
inline double lane_sum(int64_t n, G&& g) {
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l) lane[l] += g(i + l);
  for (int l = 0; i < n; ++i, ++l) lane[l] += g(i);
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

// Deterministic parallel sum of g(i), i in [0, n): fixed chunks, serial combine.
template <class G>
inline double det_sum(int64_t n, G&& g) {
  const int64_t nchunks = (n + kChunk - 1) / kChunk;
  if (nchunks <= 1) return lane_sum(n, g);
  std::vector<double> part(nchunks);
  parallel_for(nchunks, kChunk, [&](int64_t c) {
    const int64_t i0 = c * kChunk, len = std::min(kChunk, n - i0);
    part[c] = lane_sum(len, [&](int64_t i) { return g(i0 + i); });
  });
  double s = 0;
  for (double p : part) s += p;
  return s;
}

// Deterministic sums of g(r, m), m in [0, M), for each row r in [0, R): the
// (row, chunk) pairs run in parallel, each row's chunks are combined in order.
template <class G>
inline std::vector<double> det_row_sums(int64_t R, int64_t M, G&& g) {
  const int64_t cpr = std::max<int64_t>(1, (M + kChunk - 1) / kChunk);
  std::vector<double> part(R * cpr), rows(R);
  parallel_for(R * cpr, std::min(M, kChunk), [&](int64_t t) {
    const int64_t r = t / cpr, m0 = t % cpr * kChunk;
    const int64_t len = std::max<int64_t>(0, std::min(kChunk, M - m0));
    part[t] = lane_sum(len, [&](int64_t i) { return g(r, m0 + i); });
  });
  for (int64_t r = 0; r < R; ++r) {
    double s = 0;
    for (int64_t c = 0; c < cpr; ++c) s += part[r * cpr + c];
    rows[r] = s;
  }
  return rows;
}

}  // namespace mgst::kernels::cpu::detail
