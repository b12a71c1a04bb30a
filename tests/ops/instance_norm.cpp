// Harness entries: instance norm, and its fused forms instance_norm_relu
// (norm then ReLU) and instance_norm_add (norm then + r). Formulas and
// references: kernels/ref/instance_norm.h; backends:
// kernels/cpu/instance_norm.cpp, kernels/cuda/instance_norm.cu.
#include "kernels/ref/instance_norm.h"

#include <cmath>

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

constexpr float kEps = 1e-5f;

struct S {
  int N, C, P;
};

// inputs: x (N,C,P), gamma (C), beta (C); outputs: y (N,C,P), mean, rstd (N*C).
// forward/backward: the CPU functions or a CUDA version's (same signatures)
template <class Fwd, class Bwd>
Impl impl(std::string name, Fwd forward, Bwd backward, S s) {
  return {std::move(name),
          [=](const In& x, const Out& y) {
            forward(s.N, s.C, s.P, x[0], x[1], x[2], kEps, y[0], y[1], y[2]);
          },
          // the backward reads x, gamma and the saved mean/rstd; dbeta needs no beta
          [=](const In& x, const In& y, const In& dy, const Out& g) {
            backward(s.N, s.C, s.P, x[0], x[1], y[1], y[2], dy[0], g[0], g[1], g[2]);
          }};
}

// The ReLU form: the backward also reads the forward's output y (its mask).
template <class Fwd, class Bwd>
Impl relu_impl(std::string name, Fwd forward, Bwd backward, S s) {
  return {std::move(name),
          [=](const In& x, const Out& y) {
            forward(s.N, s.C, s.P, x[0], x[1], x[2], kEps, y[0], y[1], y[2]);
          },
          [=](const In& x, const In& y, const In& dy, const Out& g) {
            backward(s.N, s.C, s.P, x[0], x[1], y[1], y[2], y[0], dy[0], g[0], g[1], g[2]);
          }};
}

// The add form: inputs x, gamma, beta, r. Its backward is instance_norm's
// (dr = dy is the tape's, core/ops.cpp), given for the CPU only: the CUDA
// instance_norm_backward is checked by the instance_norm cases.
template <class Fwd>
Impl add_impl(std::string name, Fwd forward, S s, bool with_backward) {
  Impl i{std::move(name),
         [=](const In& x, const Out& y) {
           forward(s.N, s.C, s.P, x[0], x[1], x[2], x[3], kEps, y[0], y[1], y[2]);
         },
         {}};
  if (with_backward)
    i.backward = [=](const In& x, const In& y, const In& dy, const Out& g) {
      kc::instance_norm_backward(s.N, s.C, s.P, x[0], x[1], y[1], y[2], dy[0], g[0], g[1], g[2]);
    };
  return i;
}

// x for the ReLU form: uniform in [-2, 3), then every value whose normalised
// output y = (x - mean) * rstd * gamma + beta lies within `margin` of the
// ReLU's kink y = 0 moved to 2 * margin on its side. That moves the plane's
// statistics a little, so repeat until no value is near the kink (at most 2
// rounds for this table's planes): central differences (step 1e-6) then
// never straddle it.
FVec away_from_kink(S s, uint64_t seed, const FVec& gamma, const FVec& beta, double margin = 0.05) {
  FVec x = uniform(std::size_t(s.N) * s.C * s.P, seed, -2.f, 3.f);
  for (int nc = 0; nc < s.N * s.C; ++nc) {
    float* xp = x.data() + std::size_t(nc) * s.P;
    const double g = gamma[nc % s.C], b = beta[nc % s.C];
    for (int round = 0; round < 100; ++round) {
      double mu = 0, var = 0;
      for (int p = 0; p < s.P; ++p) mu += xp[p];
      mu /= s.P;
      for (int p = 0; p < s.P; ++p) var += (xp[p] - mu) * (xp[p] - mu);
      const double k = g / std::sqrt(var / s.P + kEps);  // dy/dx through xhat
      bool moved = false;
      for (int p = 0; p < s.P; ++p) {
        const double y = (xp[p] - mu) * k + b;
        if (std::fabs(y) >= margin) continue;
        xp[p] = float(mu + ((y < 0 ? -2 : 2) * margin - b) / k);
        moved = true;
      }
      if (!moved) break;
    }
  }
  return x;
}

std::string shape_name(S s) {
  return "N" + std::to_string(s.N) + " C" + std::to_string(s.C) + " P" + std::to_string(s.P);
}

// What every form shares: x, gamma, beta; y, mean, rstd; the counts.
OpCase norm_case(const char* op, S s, uint64_t& seed) {
  const int64_t n = int64_t(s.N) * s.C * s.P, nc = int64_t(s.N) * s.C;
  OpCase c;
  c.op = op;
  c.shape = shape_name(s);
  // gamma kept in [0.5, 1.5): away from 0, where y stops depending on x.
  c.inputs = {{"x", [n, sd = ++seed] { return uniform(n, sd, -2.f, 3.f); }, true, true, false,
               elementwise(1e-4, 1e-3), elementwise(1e-5, 1e-4)},
              {"gamma", uniform(s.C, ++seed, 0.5f, 1.5f), true, true, false,
               elementwise(1e-4, 1e-4), normalised(1e-5)},
              {"beta", uniform(s.C, ++seed), true, true, false, elementwise(1e-4, 1e-4),
               normalised(1e-5)}};
  c.outputs = {{"y", n, elementwise(1e-5, 1e-4), elementwise(1e-5, 1e-4)},
               {"mean", nc, elementwise(1e-6, 1e-5), elementwise(1e-6, 1e-5), false},
               {"rstd", nc, elementwise(1e-6, 1e-5), elementwise(1e-6, 1e-5), false}};
  // forward: 2 passes of statistics + the affine map; backward not counted
  c.flops = 7.0 * n;
  c.bytes = 4.0 * (2 * n + 2 * s.C + 2 * nc);
  // P = 1: y == beta, every gradient but dbeta is 0 and differences are ill-posed
  c.gradcheck = n <= 200 && s.P > 1;
  c.big = n > (1 << 18);
  c.threads = s.N == 4 && s.P == 64 * 64;
  c.skip_ref = s.P == 65536;
  return c;
}

}  // namespace

std::vector<OpCase> instance_norm_cases() {
  // The transform net normalises 32, 64 and 128 channels (METHOD.md "Transform
  // network"), here on small planes; plus 1x1 planes, odd P, > 128 channels.
  const S shapes[] = {{1, 1, 1},   {2, 3, 7},       {1, 2, 25},    {3, 1, 4},   {1, 3, 7},
                      {2, 5, 33},  {3, 4, 1023},    {2, 32, 4096}, {1, 64, 63}, {1, 128, 16},
                      {2, 130, 9}, {4, 8, 64 * 64}, {4, 8, 65536}};
  std::vector<OpCase> cases;
  uint64_t seed = 300;
  for (const S s : shapes) {
    OpCase c = norm_case("instance_norm", s, seed);
    c.ref = [s](const std::vector<Vec>& x) {
      Vec mean, rstd;
      Vec y = kref::instance_norm_forward(s.N, s.C, s.P, x[0], x[1], x[2], kEps, &mean, &rstd);
      return std::vector<Vec>{y, mean, rstd};
    };
    c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      std::vector<Vec> g(3);
      kref::instance_norm_backward(s.N, s.C, s.P, x[0], x[1], kEps, dy[0], g[0], g[1], g[2]);
      return g;
    };
    c.cpu = impl("cpu", &kc::instance_norm_forward, &kc::instance_norm_backward, s);
    c.cuda = MGST_OPS_CUDA_VERSIONS(instance_norm_versions, [&](const char* name, const auto& f) {
      return impl(name, f.forward, f.backward, s);
    });
    cases.push_back(std::move(c));
  }

  // The fused forms on the transform net's channel counts, odd and float4 (P %
  // 4 == 0) planes, 1x1 planes.
  const S fused_shapes[] = {{1, 1, 1},    {2, 3, 7},    {1, 2, 25},     {3, 1, 4},
                            {2, 5, 33},   {3, 4, 1023}, {1, 32, 4096},  {1, 64, 63},
                            {1, 128, 16}, {2, 130, 9},  {4, 8, 64 * 64}};
  seed = 400;
  for (const S s : fused_shapes) {
    // relu(instance_norm(x)): x keeps its normalised values off the kink.
    OpCase c = norm_case("instance_norm_relu", s, seed);
    c.inputs[0].data = [s, g = c.inputs[1].data.get(), b = c.inputs[2].data.get(), sd = ++seed] {
      return away_from_kink(s, sd, g, b);
    };
    c.ref = [s](const std::vector<Vec>& x) {
      Vec mean, rstd;
      Vec y = kref::instance_norm_relu_forward(s.N, s.C, s.P, x[0], x[1], x[2], kEps, &mean, &rstd);
      return std::vector<Vec>{y, mean, rstd};
    };
    c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      std::vector<Vec> g(3);
      kref::instance_norm_relu_backward(s.N, s.C, s.P, x[0], x[1], x[2], kEps, dy[0], g[0], g[1],
                                        g[2]);
      return g;
    };
    c.cpu = relu_impl("cpu", &kc::instance_norm_relu_forward, &kc::instance_norm_relu_backward, s);
    c.cuda =
        MGST_OPS_CUDA_VERSIONS(instance_norm_fused_versions, [&](const char* name, const auto& f) {
          return relu_impl(name, f.relu_forward, f.relu_backward, s);
        });
    c.flops += double(c.outputs[0].size);  // the max
    cases.push_back(std::move(c));

    // instance_norm(x) + r
    OpCase a = norm_case("instance_norm_add", s, seed);
    const int64_t n = a.outputs[0].size;
    a.inputs.push_back({"r", [n, sd = ++seed] { return uniform(n, sd); }, false});
    a.ref = [s](const std::vector<Vec>& x) {
      Vec mean, rstd;
      Vec y = kref::instance_norm_add_forward(s.N, s.C, s.P, x[0], x[1], x[2], x[3], kEps, &mean,
                                              &rstd);
      return std::vector<Vec>{y, mean, rstd};
    };
    a.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      std::vector<Vec> g(4);  // no dr: the tape passes dy (core/ops.cpp)
      kref::instance_norm_backward(s.N, s.C, s.P, x[0], x[1], kEps, dy[0], g[0], g[1], g[2]);
      return g;
    };
    a.cpu = add_impl("cpu", &kc::instance_norm_add_forward, s, true);
    a.cuda =
        MGST_OPS_CUDA_VERSIONS(instance_norm_fused_versions, [&](const char* name, const auto& f) {
          return add_impl(name, f.add_forward, s, false);
        });
    a.flops += double(n);  // the add
    a.bytes += 4.0 * double(n);
    cases.push_back(std::move(a));
  }
  return cases;
}

}  // namespace mgst::test::ops
