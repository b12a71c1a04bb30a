// Shared test helpers: one comparison helper, random data, finite
// differences, and where the shared sample data lives.
#pragma once
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#ifdef MGST_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

namespace mgst::test {

// ../shared/data beside the checkout, or $MGST_SHARED_DATA.
inline std::string shared_data_dir() {
  if (const char* env = std::getenv("MGST_SHARED_DATA")) return env;
  return std::string(MGST_SOURCE_DIR) + "/../shared/data";
}

// The first of `names` found as an executable file on $PATH, or "".
inline std::string find_on_path(const std::vector<std::string>& names) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  for (const auto& name : names) {
    std::string dirs = path;
    for (std::size_t b = 0, e; b <= dirs.size(); b = e + 1) {
      e = dirs.find(':', b);
      if (e == std::string::npos) e = dirs.size();
      const std::filesystem::path p =
          std::filesystem::path(e > b ? dirs.substr(b, e - b) : ".") / name;
      std::error_code ec;
      if (std::filesystem::is_regular_file(p, ec) &&
          (std::filesystem::status(p, ec).permissions() & std::filesystem::perms::owner_exec) !=
              std::filesystem::perms::none)
        return p.string();
    }
  }
  return "";
}

// Headless Chromium for the `browser` suite (Debian: chromium; Ubuntu: chromium-browser).
// This test process's scratch folder, <temp>/mgst_test_<pid>, so that two
// checkouts (or suites) tested at once never write into each other's files.
// Removed when the process exits normally, kept when MGST_KEEP_TEST_DIRS=1
// (to look at what a failing test wrote) or when the process crashed.
inline const std::filesystem::path& test_temp_root() {
  struct Root {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("mgst_test_" + std::to_string(::getpid()));
    Root() {
      std::filesystem::remove_all(path);  // a stale one from a recycled pid
      std::filesystem::create_directories(path);
    }
    ~Root() {
      const char* keep = std::getenv("MGST_KEEP_TEST_DIRS");
      std::error_code ec;
      if (!(keep && std::string(keep) == "1")) std::filesystem::remove_all(path, ec);
    }
  };
  static const Root root;
  return root.path;
}

// A fresh, empty directory <test_temp_root()>/<name> (removed first if present).
inline std::string fresh_temp_dir(const std::string& name) {
  const std::filesystem::path d = test_temp_root() / name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}

// Runs `cmd` through the shell; its stdout into *out (redirect stderr in
// `cmd` as needed). Returns the exit status, -1 when a signal ended it.
inline int run_command(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE_MESSAGE(p != nullptr, "popen failed: " << cmd);
  std::string text;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  const int rc = pclose(p);
  if (out) *out = std::move(text);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline std::string chromium_path() { return find_on_path({"chromium", "chromium-browser"}); }

// Why a suite cannot run here ("" = it can).
inline std::string skip_reason(const std::string& suite) {
  if (suite == "cuda") {
#ifdef MGST_WITH_CUDA
    if (!mgst::kernels::cuda::available())
      return "no usable GPU (" + mgst::kernels::cuda::device_description() + ")";
    return "";
#else
    return "mgst was built without the CUDA backend (-DMGST_CUDA=OFF or no nvcc)";
#endif
  }
  if (suite == "browser") {
    if (chromium_path().empty())
      return "no chromium (or chromium-browser) binary on PATH (Debian: apt-get install chromium)";
  }
  if (suite == "shared_data") {
    if (!std::filesystem::is_directory(shared_data_dir()))
      return "sample data not found at " + shared_data_dir() + " (set MGST_SHARED_DATA)";
  }
  return "";
}

// Deterministic uniform random data in [lo, hi).
inline std::vector<float> random_vector(std::size_t n, uint64_t seed, float lo = -1.f,
                                        float hi = 1.f) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = float(d(gen));
  return v;
}

inline std::vector<double> to_double(const std::vector<float>& v) {
  return std::vector<double>(v.begin(), v.end());
}

// |got - ref| <= atol + rtol * |ref| elementwise. Prints the first mismatches,
// the max abs / rel error and the share of the tolerance used; NaN or Inf in
// `got` always fails. Returns true when everything matched.
template <class A, class B>
bool all_close(const char* what, const A& got, const B& ref, double atol, double rtol,
               int show = 5) {
  REQUIRE_MESSAGE(got.size() == ref.size(),
                  what << ": size " << got.size() << " vs reference " << ref.size());
  double max_abs = 0, max_rel = 0, max_share = 0;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double g = double(got[i]), r = double(ref[i]);
    const double err = std::fabs(g - r);
    const double tol = atol + rtol * std::fabs(r);
    const bool ok = std::isfinite(g) && err <= tol;
    max_abs = std::max(max_abs, err);
    if (std::fabs(r) > 0) max_rel = std::max(max_rel, err / std::fabs(r));
    max_share = std::max(max_share, err / tol);
    if (!ok) {
      if (int(bad) < show)
        std::printf("  %s[%zu]: got %.9g, expected %.9g (|err| %.3g > tol %.3g)\n", what, i, g, r,
                    err, tol);
      ++bad;
    }
  }
  if (bad)
    std::printf("%s: %zu/%zu mismatches, max abs %.3g, max rel %.3g, %.0f%% of tolerance\n", what,
                bad, got.size(), max_abs, max_rel, 100 * max_share);
  CHECK_MESSAGE(bad == 0, what << ": " << bad << " of " << got.size()
                               << " elements outside tolerance (max abs err " << max_abs << ")");
  return bad == 0;
}

// Normalised error for reductions: ||got - ref|| / (||ref|| + tiny) <= tol.
template <class A, class B>
bool normalized_close(const char* what, const A& got, const B& ref, double tol) {
  REQUIRE(got.size() == ref.size());
  double num = 0, den = 0;
  bool finite = true;
  for (std::size_t i = 0; i < got.size(); ++i) {
    finite = finite && std::isfinite(double(got[i]));
    num += (double(got[i]) - double(ref[i])) * (double(got[i]) - double(ref[i]));
    den += double(ref[i]) * double(ref[i]);
  }
  const double err = std::sqrt(num) / (std::sqrt(den) + 1e-30);
  CHECK_MESSAGE(finite, what << ": NaN/Inf in result");
  CHECK_MESSAGE(err <= tol, what << ": normalised error " << err << " > " << tol);
  return finite && err <= tol;
}

// Central finite differences of a scalar function of doubles.
inline std::vector<double> numeric_gradient(
    const std::function<double(const std::vector<double>&)>& f, std::vector<double> x,
    double h = 1e-6) {
  std::vector<double> g(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double keep = x[i];
    x[i] = keep + h;
    const double fp = f(x);
    x[i] = keep - h;
    const double fm = f(x);
    x[i] = keep;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

// Vector-Jacobian product by central differences: the gradient of
// L(x) = sum_i dy_i f(x)_i, the quantity every backward kernel computes.
inline std::vector<double> numeric_vjp(
    const std::function<std::vector<double>(const std::vector<double>&)>& f,
    const std::vector<double>& x, const std::vector<double>& dy, double h = 1e-6) {
  return numeric_gradient(
      [&](const std::vector<double>& v) {
        const std::vector<double> y = f(v);
        REQUIRE(y.size() == dy.size());
        double s = 0;
        for (std::size_t i = 0; i < y.size(); ++i) s += dy[i] * y[i];
        return s;
      },
      x, h);
}

// Moves values at least `margin` away from zero, keeping finite-difference
// points off kinks such as ReLU's.
inline std::vector<float> away_from_zero(std::vector<float> v, float margin = 0.05f) {
  for (auto& x : v)
    if (std::fabs(x) < margin) x = x < 0 ? x - margin : x + margin;
  return v;
}

// Runs a block with a given OpenMP thread count, restoring the old one.
struct ScopedThreads {
  explicit ScopedThreads(int n);
  ~ScopedThreads();
  int saved;
};

}  // namespace mgst::test

#ifdef _OPENMP
#include <omp.h>
inline mgst::test::ScopedThreads::ScopedThreads(int n) : saved(omp_get_max_threads()) {
  omp_set_num_threads(n);
}
inline mgst::test::ScopedThreads::~ScopedThreads() { omp_set_num_threads(saved); }
#else
inline mgst::test::ScopedThreads::ScopedThreads(int) : saved(1) {}
inline mgst::test::ScopedThreads::~ScopedThreads() {}
#endif
