// CUDA instance norm, every version of its table (kernels/cuda/versions.h)
// and the public (dispatched) functions, vs the CPU backend, forward (y,
// mean, rstd) and backward (dx, dgamma, dbeta, each nullable). Both sides keep statistics in
// double; tolerance: y/dx elementwise 1e-4 relative (a float rounding of
// rstd times values up to ~4 sigma), dgamma/dbeta normalised 1e-5.
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"
#include "kernels/cuda/versions.h"

TEST_SUITE("cuda") {

TEST_CASE("cuda instance_norm: every version, forward and backward vs CPU") {
  MGST_REQUIRE_GPU();
  // The table's versions, then the public functions (the dispatched version).
  struct Run { std::string name; kc::InstanceNormFns fn; };
  std::vector<Run> runs;
  for (const auto& v : kc::instance_norm_versions()) runs.push_back({v.name, v.fn});
  runs.push_back({"dispatched", {kc::instance_norm_forward, kc::instance_norm_backward}});
  struct S { int N, C, P; };
  for (S s : {S{1, 1, 1}, S{1, 3, 7}, S{2, 5, 33}, S{2, 32, 4096}, S{4, 8, 65536}, S{3, 4, 1023}}) {
    if (mgst::test::cuda::small_mode() && int64_t(s.N) * s.C * s.P > (1 << 18)) continue;
    CAPTURE(s.N); CAPTURE(s.C); CAPTURE(s.P);
    const std::size_t n = std::size_t(s.N) * s.C * s.P, nc = std::size_t(s.N) * s.C;
    auto x = random_vector(n, 1, -2.f, 3.f);
    const auto gamma = random_vector(s.C, 2, 0.5f, 1.5f), beta = random_vector(s.C, 3);
    const auto dyv = random_vector(n, 4);
    const float eps = 1e-5f;
    std::vector<float> y_ref(n), mean_ref(nc), rstd_ref(nc), dx_ref(n), dg_ref(s.C), db_ref(s.C);
    kp::instance_norm_forward(s.N, s.C, s.P, x.data(), gamma.data(), beta.data(), eps, y_ref.data(),
                              mean_ref.data(), rstd_ref.data());
    kp::instance_norm_backward(s.N, s.C, s.P, x.data(), gamma.data(), mean_ref.data(), rstd_ref.data(),
                               dyv.data(), dx_ref.data(), dg_ref.data(), db_ref.data());
    for (const Run& r : runs) {
      CAPTURE(r.name);
      DeviceBuffer dx_in(x), dgm(gamma), dbt(beta), y(n), mean(nc), rstd(nc), dy(dyv), dx(n), dg(s.C), db(s.C);
      run_checked("instance_norm_forward", {&y, &mean, &rstd}, [&] {
        r.fn.forward(s.N, s.C, s.P, dx_in, dgm, dbt, eps, y, mean, rstd);
      });
      all_close("in y", y.download(), y_ref, 1e-5, 1e-4);
      all_close("in mean", mean.download(), mean_ref, 1e-6, 1e-5);
      all_close("in rstd", rstd.download(), rstd_ref, 1e-6, 1e-5);
      // backward from the CPU's saved statistics, so only the backward differs
      mean.upload(mean_ref);
      rstd.upload(rstd_ref);
      run_checked("instance_norm_backward", {&dx, &dg, &db}, [&] {
        r.fn.backward(s.N, s.C, s.P, dx_in, dgm, mean, rstd, dy, dx, dg, db);
      });
      all_close("in dx", dx.download(), dx_ref, 1e-5, 1e-4);
      normalized_close("in dgamma", dg.download(), dg_ref, 1e-5);
      normalized_close("in dbeta", db.download(), db_ref, 1e-5);
      run_checked("instance_norm_backward (params only)", {&dg, &db}, [&] {
        r.fn.backward(s.N, s.C, s.P, dx_in, dgm, mean, rstd, dy, nullptr, dg, db);
      });
      normalized_close("in dgamma (dx null)", dg.download(), dg_ref, 1e-5);
      run_checked("instance_norm_backward (dx only)", {&dx}, [&] {
        r.fn.backward(s.N, s.C, s.P, dx_in, dgm, mean, rstd, dy, dx, nullptr, nullptr);
      });
      all_close("in dx (params null)", dx.download(), dx_ref, 1e-5, 1e-4);
    }
  }
}

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
