// nvcuda::wmma for the CUDA emulator (included by cuda_emulator.h): the TF32
// m16n16k8 shape only, the subset mgst's tensor-core kernels may use.
// Under nvcc, <mma.h> declares the real one; under a host compiler it
// declares nothing, so this takes its place.
//
// Every operation is a warp collective (cuda_emulator.h's warp_collective)
// and asserts what the hardware leaves undefined, failing the launch with
// the kernel, block and lane named: all 32 lanes present, the pointer 256-bit
// (32-byte) aligned, ldm a multiple of 4 floats (16 bytes), pointer, ldm,
// layout and fill value the same in every lane.
//
// The element-to-lane mapping of a wmma fragment is unspecified by CUDA;
// this one is ours (lane l's element e is element e * 32 + l of the matrix
// in row-major order), chosen so that it matches no natural guess: a kernel
// that reads fragment elements as if it knew their coordinates gets wrong
// results here. Elementwise work on fragments (x[i] = f(x[i]) for every i,
// e.g. __float_to_tf32) is fine. Operands not converted with __float_to_tf32
// are truncated to TF32 by mma_sync, as by the tensor cores; accumulation is
// fp32 in k order (the hardware's order is not documented: compare with a
// tolerance).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>

namespace nvcuda::wmma {

struct matrix_a;
struct matrix_b;
struct accumulator;
struct row_major;
struct col_major;
namespace precision {
struct tf32;
}
enum layout_t { mem_row_major, mem_col_major };

// The same round-to-nearest-away as the device's cvt.rna.tf32.f32.
inline float __float_to_tf32(float in) { return ::mgst::emu::cvt_rna_tf32(in); }

template <class Use, int M, int N, int K, class T, class Layout = void>
class fragment;  // only the specializations below exist

namespace emu_detail {

template <int Size>
struct frag_base {
  using element_type = float;
  using storage_element_type = float;
  enum { num_elements = Size, num_storage_elements = Size };
  float x[Size];
};

// (row, col) of lane's element e in a Rows x Cols fragment (see the header).
inline void coord(int cols, int lane, int e, int& r, int& c) {
  const int i = e * 32 + lane;
  r = i / cols;
  c = i % cols;
}

[[noreturn]] inline void fail(const char* op, const char* what) {
  char msg[200];
  std::snprintf(msg, sizeof msg, "%s: %s", op, what);
  ::mgst::emu::fault(msg);
}

// The per-lane arguments of a load or store, checked for what the hardware
// requires; returns only if they are valid and warp-uniform.
struct MemArgs {
  std::uintptr_t p;
  unsigned ldm;
  int layout;
};
inline void check_mem_args(const char* op, const void* p, unsigned ldm, int layout) {
  const MemArgs mine{reinterpret_cast<std::uintptr_t>(p), ldm, layout};
  const bool uniform = ::mgst::emu::warp_collective(op, mine, [](const MemArgs* all) {
    for (int l = 1; l < 32; ++l)
      if (all[l].p != all[0].p || all[l].ldm != all[0].ldm || all[l].layout != all[0].layout)
        return false;
    return true;
  });
  if (!uniform) fail(op, "pointer, ldm or layout differ between the lanes of the warp");
  if (mine.p % 32 != 0) fail(op, "pointer not 256-bit (32-byte) aligned");
  if (ldm % 4 != 0) fail(op, "ldm not a multiple of 4 floats (16 bytes)");
}

template <class Layout>
constexpr bool is_row_major() {
  return std::is_same_v<Layout, row_major>;
}

// This lane's N fragment elements of a matrix `cols` wide at p: element
// (r, c) at p[r * ldm + c] (row_major) or p[c * ldm + r]. The values are copied
// as they are (no TF32 conversion).
template <int N>
inline void load_elements(float (&x)[N], int cols, const float* p, unsigned ldm, bool row_major) {
  const int lane = ::mgst::emu::lane_id();
  for (int e = 0; e < N; ++e) {
    int r, c;
    coord(cols, lane, e, r, c);
    x[e] = row_major ? p[r * ldm + c] : p[c * ldm + r];
  }
}

}  // namespace emu_detail

// Per-lane element counts as on the hardware (A 4, B 4, accumulator 8).
template <class Layout>
class fragment<matrix_a, 16, 16, 8, precision::tf32, Layout> : public emu_detail::frag_base<4> {
  static_assert(std::is_same_v<Layout, row_major> || std::is_same_v<Layout, col_major>);
};
template <class Layout>
class fragment<matrix_b, 16, 16, 8, precision::tf32, Layout> : public emu_detail::frag_base<4> {
  static_assert(std::is_same_v<Layout, row_major> || std::is_same_v<Layout, col_major>);
};
template <>
class fragment<accumulator, 16, 16, 8, float> : public emu_detail::frag_base<8> {};

template <class Use, class T, class Layout, class V>
inline void fill_fragment(fragment<Use, 16, 16, 8, T, Layout>& f, const V& v) {
  const float value = float(v);
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const bool uniform =
      ::mgst::emu::warp_collective("wmma::fill_fragment", bits, [](const std::uint32_t* all) {
        for (int l = 1; l < 32; ++l)
          if (all[l] != all[0]) return false;
        return true;
      });
  if (!uniform) emu_detail::fail("wmma::fill_fragment", "the value differs between the lanes");
  for (float& e : f.x) e = value;
}

// A (16x8, M x K): row_major element (m, k) at p[m * ldm + k], col_major at
// p[k * ldm + m].
template <class Layout>
inline void load_matrix_sync(fragment<matrix_a, 16, 16, 8, precision::tf32, Layout>& a,
                             const float* p, unsigned ldm) {
  emu_detail::check_mem_args("wmma::load_matrix_sync", p, ldm, emu_detail::is_row_major<Layout>());
  emu_detail::load_elements(a.x, 8, p, ldm, emu_detail::is_row_major<Layout>());
}
// B (8x16, K x N): row_major element (k, n) at p[k * ldm + n], col_major at
// p[n * ldm + k].
template <class Layout>
inline void load_matrix_sync(fragment<matrix_b, 16, 16, 8, precision::tf32, Layout>& b,
                             const float* p, unsigned ldm) {
  emu_detail::check_mem_args("wmma::load_matrix_sync", p, ldm, emu_detail::is_row_major<Layout>());
  emu_detail::load_elements(b.x, 16, p, ldm, emu_detail::is_row_major<Layout>());
}
// The accumulator (16x16) in either memory layout.
inline void load_matrix_sync(fragment<accumulator, 16, 16, 8, float>& c, const float* p,
                             unsigned ldm, layout_t layout) {
  emu_detail::check_mem_args("wmma::load_matrix_sync", p, ldm, int(layout));
  emu_detail::load_elements(c.x, 16, p, ldm, layout == mem_row_major);
}
inline void store_matrix_sync(float* p, const fragment<accumulator, 16, 16, 8, float>& c,
                              unsigned ldm, layout_t layout) {
  emu_detail::check_mem_args("wmma::store_matrix_sync", p, ldm, int(layout));
  const int lane = ::mgst::emu::lane_id();
  for (int e = 0; e < 8; ++e) {
    int m, n;
    emu_detail::coord(16, lane, e, m, n);
    (layout == mem_row_major ? p[m * ldm + n] : p[n * ldm + m]) = c.x[e];
  }
}

// d = a * b + c (16x16x8); d may be c.
template <class LayoutA, class LayoutB>
inline void mma_sync(fragment<accumulator, 16, 16, 8, float>& d,
                     const fragment<matrix_a, 16, 16, 8, precision::tf32, LayoutA>& a,
                     const fragment<matrix_b, 16, 16, 8, precision::tf32, LayoutB>& b,
                     const fragment<accumulator, 16, 16, 8, float>& c) {
  struct Lane {
    float a[4], b[4], c[8];
  };
  Lane mine;
  std::memcpy(mine.a, a.x, sizeof mine.a);
  std::memcpy(mine.b, b.x, sizeof mine.b);
  std::memcpy(mine.c, c.x, sizeof mine.c);
  struct Out {
    float d[8];
  };
  const Out out = ::mgst::emu::warp_collective("wmma::mma_sync", mine, [](const Lane* all) {
    float A[16][8] = {}, B[8][16] = {}, C[16][16] = {};
    for (int l = 0; l < 32; ++l) {
      for (int e = 0; e < 4; ++e) {
        int r, q;
        emu_detail::coord(8, l, e, r, q);
        A[r][q] = ::mgst::emu::truncate_tf32(all[l].a[e]);
        emu_detail::coord(16, l, e, r, q);
        B[r][q] = ::mgst::emu::truncate_tf32(all[l].b[e]);
      }
      for (int e = 0; e < 8; ++e) {
        int r, q;
        emu_detail::coord(16, l, e, r, q);
        C[r][q] = all[l].c[e];
      }
    }
    const int lane = ::mgst::emu::lane_id();
    Out o;
    for (int e = 0; e < 8; ++e) {
      int m, n;
      emu_detail::coord(16, lane, e, m, n);
      float acc = C[m][n];  // TF32 products are exact in fp32: only the sums round
      for (int k = 0; k < 8; ++k) acc = fmaf(A[m][k], B[k][n], acc);
      o.d[e] = acc;
    }
    return o;
  });
  std::memcpy(d.x, out.d, sizeof out.d);
}

}  // namespace nvcuda::wmma
