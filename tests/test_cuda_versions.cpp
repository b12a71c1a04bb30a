// The kernel version tables (kernels/versions.h, kernels/cuda/versions.h):
// the lookup helpers, and every CUDA table well formed: names "v<N>_..."
// numbered 1, 2, ... in order, a "what", a "measured" figure or "unmeasured",
// a how-to-run line, every function set, the dispatched index in range.
// No GPU needed: only the tables are read.
#include <doctest/doctest.h>

#include <cstring>
#include <span>
#include <string>

#include "kernels/versions.h"

namespace {
struct OneFn {
  int (*f)(int);
};
int twice(int x) { return 2 * x; }
constexpr mgst::kernels::KernelVersion<OneFn> kToy[] = {
    {"v1_a", "first", "unmeasured", "none", {twice}},
    {"v2_b", "second", "unmeasured", "none", {twice}},
};
static_assert(mgst::kernels::find_version(kToy, "v2_b") == 1);
}  // namespace

TEST_SUITE("kernels_cpu") {
  TEST_CASE("kernel versions: find_version and version_named") {
    const std::span<const mgst::kernels::KernelVersion<OneFn>> t = kToy;
    CHECK(mgst::kernels::find_version(t, "v1_a") == 0);
    CHECK(mgst::kernels::find_version(t, "v3_c") == -1);
    CHECK(mgst::kernels::version_named(t, "v2_b").fn.f(4) == 8);
    CHECK_THROWS_WITH_AS(mgst::kernels::version_named(t, "v9"),
                         doctest::Contains("no kernel version 'v9' (have: v1_a, v2_b)"),
                         mgst::Error);
  }
}  // TEST_SUITE

#ifdef MGST_WITH_CUDA
#include "kernels/cuda/versions.h"

namespace {
namespace kc = mgst::kernels::cuda;

// Every function pointer of a Fns struct (they are all pointers).
template <class Fns>
bool all_set(const Fns& f) {
  constexpr std::size_t n = sizeof(Fns) / sizeof(void (*)());
  static_assert(sizeof(Fns) == n * sizeof(void (*)()), "Fns holds only function pointers");
  void (*p[n])();
  std::memcpy(p, &f, sizeof(Fns));
  for (auto* q : p)
    if (!q) return false;
  return true;
}

template <class Fns>
void check_table(const char* op, std::span<const mgst::kernels::KernelVersion<Fns>> t,
                 int dispatched) {
  CAPTURE(op);
  REQUIRE(!t.empty());
  CHECK(dispatched >= 0);
  CHECK(dispatched < int(t.size()));
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto& v = t[i];
    CAPTURE(v.name);
    CHECK(std::string(v.name).rfind("v" + std::to_string(i + 1) + "_", 0) == 0);
    CHECK(std::string(v.what).size() > 10);
    const std::string m = v.measured;
    CHECK((m == "unmeasured" || m.find(" on ") != std::string::npos));  // figure + machine
    CHECK(std::string(v.run).find("test: ") != std::string::npos);
    CHECK(std::string(v.run).find("bench: ") != std::string::npos);
    CHECK(all_set(v.fn));
  }
}
}  // namespace

TEST_SUITE("cuda") {
  TEST_CASE("cuda version tables: every op family, well formed") {
    check_table("sgemm", kc::sgemm_versions(), kc::sgemm_dispatched());
    check_table("conv2d", kc::conv2d_versions(), kc::conv2d_dispatched());
    check_table("conv2d_fused", kc::conv2d_fused_versions(), kc::conv2d_fused_dispatched());
    check_table("instance_norm", kc::instance_norm_versions(), kc::instance_norm_dispatched());
    check_table("instance_norm_fused", kc::instance_norm_fused_versions(),
                kc::instance_norm_fused_dispatched());
    check_table("masked_gram", kc::masked_gram_versions(), kc::masked_gram_dispatched());
    check_table("elementwise", kc::elementwise_versions(), kc::elementwise_dispatched());
    check_table("pad", kc::pad_versions(), kc::pad_dispatched());
    check_table("resample", kc::resample_versions(), kc::resample_dispatched());
    check_table("concat", kc::concat_versions(), kc::concat_dispatched());
    check_table("reduce", kc::reduce_versions(), kc::reduce_dispatched());
    check_table("losses", kc::losses_versions(), kc::losses_dispatched());
    check_table("adam", kc::adam_versions(), kc::adam_dispatched());
  }
}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
