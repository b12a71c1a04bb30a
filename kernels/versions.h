// One entry of an op's version table: the numbered teaching sequence of
// llm.c's dev/cuda/<op>.cu kept in the library. Each op family lists its
// versions oldest first in ONE table (kernels/cuda/versions.h) that the
// dispatcher, the tests and the benchmarks all iterate, so the list a reader
// sees is the list that runs. `Fns` is the op's struct of function pointers
// (forward, backward, ...) with the kernel contract's signatures
// (kernels/api.inc). Plain C++: no CUDA headers.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "kernels/error.h"
#include "kernels/precision.h"

namespace mgst::kernels {

template <class Fns>
struct KernelVersion {
  const char* name;      // "v2_igemm64": number, then a short tag
  const char* what;      // one line: what changed vs the previous version
  const char* measured;  // a measured figure with its machine, or "unmeasured"
  const char* run;       // how to run this one: test filter, bench filter
  Fns fn;                // the op's functions for this version
  // kTf32: its products run on TF32 tensor cores (kernels/precision.h):
  // dispatched under a tf32 policy, tested with the TF32 tolerance.
  Precision precision = Precision::kFp32;
};

// Index of the version called `name` in `table` (an array or span of
// KernelVersion), or -1. constexpr, so a .cu file can name its dispatched
// version and static_assert that it exists.
template <class Table>
constexpr int find_version(const Table& table, std::string_view name) {
  int i = 0;
  for (const auto& v : table) {
    if (name == v.name) return i;
    ++i;
  }
  return -1;
}

// The version called `name`; throws mgst::Error listing the names if absent.
template <class Fns>
const KernelVersion<Fns>& version_named(std::span<const KernelVersion<Fns>> table,
                                        std::string_view name) {
  const int i = find_version(table, name);
  if (i < 0) {
    std::string names;
    for (const auto& v : table) names += std::string(names.empty() ? "" : ", ") + v.name;
    MGST_FAIL("no kernel version '" << name << "' (have: " << names << ")");
  }
  return table[std::size_t(i)];
}

}  // namespace mgst::kernels
