// The one-pass reductions (kernels/cuda/last_block.cuh: the block that
// finishes last does the combine) against the two-launch versions they
// replace, bit for bit: the combine reads the same partials in the same
// order, only which block runs it changes. The harness (modes.cpp) checks
// every version against the CPU within tolerances; this checks the stronger
// promise, on shapes with several blocks per row so that the combine has
// something to order. Each call runs a few times (the counter must be back
// at 0 after every launch for the next to be right). The partials are
// summed in double, so on plain random data another combine order hardly
// ever changes the float result; the "cancelling" cases plant +1e15 and
// -1e15 in the first two partials, where it does: in order they cancel
// exactly before the small ones are added, the other way round the small
// ones are rounded to 1e15's grid first (a last block summing the partials
// in reverse order failed both cases; the plain cases passed).
#ifdef MGST_WITH_CUDA
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cuda_test_util.h"
#include "kernels/cuda/versions.h"

namespace {

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Runs `run(version index, outputs)` for the `before` and `after` versions,
// three times each, and requires the same bits from all six runs. `sizes`:
// the outputs' lengths.
void check_same_bits(const std::string& what, int before, int after,
                     const std::vector<std::size_t>& sizes,
                     const std::function<void(int, const std::vector<float*>&)>& run) {
  CAPTURE(what);
  std::vector<std::vector<float>> first;
  for (int rep = 0; rep < 3; ++rep) {
    for (int v : {before, after}) {
      CAPTURE(rep);
      CAPTURE(v);
      std::vector<std::unique_ptr<DeviceBuffer>> out;
      std::vector<float*> ptr;
      for (std::size_t n : sizes) {
        out.push_back(std::make_unique<DeviceBuffer>(n));
        out.back()->poison();
        ptr.push_back(out.back()->get());
      }
      mgst::test::cuda::run_checked(what.c_str(), {}, [&] { run(v, ptr); });
      for (std::size_t k = 0; k < out.size(); ++k) {
        const auto got = out[k]->download();
        if (first.size() <= k) {
          first.push_back(got);  // written (the poison is NaN) and finite
          CHECK(std::all_of(got.begin(), got.end(), [](float f) { return std::isfinite(f); }));
        }
        CHECK_MESSAGE(same_bits(got, first[k]), what << ": output " << k << " differs");
      }
    }
  }
}

int version(auto table, const char* name) {
  const int i = mgst::kernels::find_version(table, name);
  REQUIRE_MESSAGE(i >= 0, name);
  return i;
}

}  // namespace

TEST_SUITE("cuda") {
  TEST_CASE("cuda ops: the one-pass reductions give the two-launch versions' bits") {
    MGST_REQUIRE_GPU();
    {
      const auto t = kc::reduce_versions();
      const int v1 = version(t, "v1_two_stage"), v2 = version(t, "v2_one_pass");
      for (int64_t n : {int64_t(1), int64_t(4097), int64_t(300001)}) {
        const DeviceBuffer x(random_vector(std::size_t(n), 11, -1.f, 3.f));
        check_same_bits("sum n=" + std::to_string(n), v1, v2, {1},
                        [&](int v, const std::vector<float*>& o) {
                          t[std::size_t(v)].fn.sum_forward(n, x, o[0]);
                        });
      }
      {
        // 3 blocks: +1e15 in block 0's first element, -1e15 in block 1's
        const int64_t n = 3 * 4096;
        auto h = random_vector(std::size_t(n), 15);
        h[0] = 1e15f;
        h[256] = -1e15f;
        const DeviceBuffer x(h);
        check_same_bits("sum, cancelling partials", v1, v2, {1},
                        [&](int v, const std::vector<float*>& o) {
                          t[std::size_t(v)].fn.sum_forward(n, x, o[0]);
                        });
      }
      const int R = 9;
      const int64_t M = 9001;  // 3 blocks per row
      const DeviceBuffer a(random_vector(std::size_t(R * M), 12)),
          tg(random_vector(std::size_t(R * M), 13)), rw(random_vector(R, 14, 0.f, 2.f));
      check_same_bits("weighted_row_mse", v1, v2, {1}, [&](int v, const std::vector<float*>& o) {
        t[std::size_t(v)].fn.weighted_row_mse_forward(R, M, a, tg, M, rw, o[0]);
      });
    }
    {
      const auto t = kc::losses_versions();
      const int v1 = version(t, "v1_fused_two_stage"), v2 = version(t, "v2_fused_one_pass");
      const int N = 3, C = 3, H = 67, W = 75, P = H * W;  // 2 blocks per sample
      const DeviceBuffer a(random_vector(std::size_t(N * C * P), 21)),
          b(random_vector(std::size_t(N * C * P), 22)),
          m(random_vector(std::size_t(N * P), 23, 0.f, 1.f)), gout(std::vector<float>{0.7f});
      const float eps = 1e-3f;
      check_same_bits("masked_mse", v1, v2, {1, std::size_t(N * C * P)},
                      [&](int v, const std::vector<float*>& o) {
                        t[std::size_t(v)].fn.masked_mse_forward(N, C, P, a, b, m, eps, o[0]);
                        t[std::size_t(v)].fn.masked_mse_backward(N, C, P, a, b, m, eps, gout, o[1]);
                      });
      check_same_bits("task_edge_loss", v1, v2, {1, std::size_t(N * 3 * P)},
                      [&](int v, const std::vector<float*>& o) {
                        t[std::size_t(v)].fn.task_edge_loss_forward(N, H, W, a, b, m, eps, o[0]);
                        t[std::size_t(v)].fn.task_edge_loss_backward(N, H, W, a, b, m, eps, gout,
                                                                     o[1]);
                      });
      check_same_bits("total_variation", v1, v2, {1}, [&](int v, const std::vector<float*>& o) {
        t[std::size_t(v)].fn.total_variation_forward(N, C, H, W, a, o[0]);
      });
    }
  }

  TEST_CASE("cuda ops: instance norm's last-block dgamma/dbeta give the param_grad launch's bits") {
    MGST_REQUIRE_GPU();
    const int N = 5, C = 7, P = 37;
    const auto x_h = random_vector(std::size_t(N * C * P), 31);
    const DeviceBuffer x(x_h), gamma(random_vector(C, 32, 0.5f, 1.5f)), beta(random_vector(C, 33)),
        dy(random_vector(std::size_t(N * C * P), 34));
    DeviceBuffer y(std::size_t(N * C * P)), mean(std::size_t(N * C)), rstd(std::size_t(N * C));
    kc::instance_norm_relu_forward(N, C, P, x, gamma, beta, 1e-5f, y, mean, rstd);
    const std::vector<std::size_t> sizes = {std::size_t(N * C * P), std::size_t(C), std::size_t(C)};
    {
      const auto t = kc::instance_norm_versions();
      check_same_bits("instance_norm_backward", version(t, "v3_block_one_pass"),
                      version(t, "v4_block_one_pass_last_block"), sizes,
                      [&](int v, const std::vector<float*>& o) {
                        t[std::size_t(v)].fn.backward(N, C, P, x, gamma, mean, rstd, dy, o[0], o[1],
                                                      o[2]);
                      });
      // dgamma alone, without dx: the tickets are taken with or without dx
      check_same_bits("instance_norm_backward dgamma only", version(t, "v3_block_one_pass"),
                      version(t, "v4_block_one_pass_last_block"), {std::size_t(C)},
                      [&](int v, const std::vector<float*>& o) {
                        t[std::size_t(v)].fn.backward(N, C, P, x, gamma, mean, rstd, dy, nullptr,
                                                      o[0], nullptr);
                      });
    }
    {
      // dbeta[c] = sum_n (sum of plane (n, c)'s dy): +1e15 in n = 0, -1e15 in n = 1
      auto h = random_vector(std::size_t(N * C * P), 35);
      for (int c = 0; c < C; ++c) {
        h[std::size_t(c * P)] = 1e15f;
        h[std::size_t((C + c) * P)] = -1e15f;
      }
      const DeviceBuffer dy_big(h);
      const auto t = kc::instance_norm_versions();
      check_same_bits("instance_norm_backward, cancelling partials",
                      version(t, "v3_block_one_pass"), version(t, "v4_block_one_pass_last_block"),
                      {std::size_t(C)}, [&](int v, const std::vector<float*>& o) {
                        t[std::size_t(v)].fn.backward(N, C, P, x, gamma, mean, rstd, dy_big,
                                                      nullptr, nullptr, o[0]);
                      });
    }
    const auto t = kc::instance_norm_fused_versions();
    check_same_bits("instance_norm_relu_backward", version(t, "v1_block_one_pass_epilogue"),
                    version(t, "v2_epilogue_last_block"), sizes,
                    [&](int v, const std::vector<float*>& o) {
                      t[std::size_t(v)].fn.relu_backward(N, C, P, x, gamma, mean, rstd, y, dy, o[0],
                                                         o[1], o[2]);
                    });
  }
}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
