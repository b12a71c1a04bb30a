// The tape: fan-out, accumulation, no_grad, freeing, errors, and a gradient
// check of every differentiable op through the Tensor API.
#include <functional>

#include "core/autograd.h"
#include "core/ops.h"
#include "kernels/error.h"
#include "test_util.h"

using namespace mgst;

namespace {

Tensor rand_tensor(const Shape& s, uint64_t seed, float lo = -1.f, float hi = 1.f,
                   bool grad = true) {
  Tensor t = Tensor::from_vector(s, test::random_vector(shape_numel(s), seed, lo, hi));
  t.set_requires_grad(grad);
  return t;
}

// Checks d f / d inputs (autograd, float) against central differences of f
// evaluated in float with a step `h`; f must return a scalar tensor.
void check_grads(const char* what, const std::function<Tensor()>& f, std::vector<Tensor> inputs,
                 double h = 1e-2, double tol = 2e-2) {
  Tensor loss = f();
  loss.backward();
  NoGradGuard no_grad;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    Tensor& x = inputs[k];
    const std::vector<float> g = x.grad().to_vector();
    std::vector<double> num(x.numel());
    float* p = x.data();
    for (int64_t i = 0; i < x.numel(); ++i) {
      const float keep = p[i];
      p[i] = keep + float(h);
      const double fp = f().item();
      p[i] = keep - float(h);
      const double fm = f().item();
      p[i] = keep;
      num[i] = (fp - fm) / (2 * h);
    }
    double scale = 1e-3;
    for (double v : num) scale = std::max(scale, std::fabs(v));
    INFO(what << " input " << k);
    test::all_close(what, g, num, tol * scale, tol);
    x.zero_grad();
  }
}

}  // namespace

TEST_SUITE("autograd") {
  TEST_CASE("fan-out: a tensor used twice gets both contributions") {
    Tensor x = Tensor::from_vector({3}, {1, 2, 3}).set_requires_grad(true);
    Tensor y = ops::sum(ops::mul(x, x));  // d/dx = 2x
    y.backward();
    CHECK(x.grad().to_vector() == std::vector<float>{2, 4, 6});
    CHECK(Tape::current().entries().empty());  // freed after backward
  }

  TEST_CASE("gradients accumulate over backward calls until zero_grad") {
    Tensor x = Tensor::from_vector({2}, {1, -1}).set_requires_grad(true);
    ops::sum(ops::scale(x, 3.f)).backward();
    ops::sum(ops::scale(x, 3.f)).backward();
    CHECK(x.grad().to_vector() == std::vector<float>{6, 6});
    x.zero_grad();
    CHECK(!x.grad().defined());
  }

  TEST_CASE("no_grad records nothing and constants get no gradient") {
    Tensor x = Tensor::from_vector({2}, {1, 2}).set_requires_grad(true);
    {
      NoGradGuard g;
      Tensor y = ops::scale(x, 2.f);
      CHECK(!y.requires_grad());
      CHECK(Tape::current().entries().empty());
    }
    Tensor c = Tensor::from_vector({2}, {5, 5});
    Tensor y = ops::sum(ops::mul(x, c));
    y.backward();
    CHECK(!c.grad().defined());
    CHECK(x.grad().to_vector() == std::vector<float>{5, 5});
    CHECK_THROWS_WITH_AS(ops::sum(c).backward(), doctest::Contains("does not depend"), Error);
  }

  TEST_CASE("shape and device errors name the op and the shapes") {
    Tensor a = Tensor::zeros({2, 3}), b = Tensor::zeros({3, 2});
    CHECK_THROWS_WITH_AS(ops::add(a, b), doctest::Contains("add: shape mismatch (2, 3) vs (3, 2)"),
                         Error);
    Tensor x = Tensor::zeros({1, 3, 8, 8}), w = Tensor::zeros({4, 2, 3, 3});
    CHECK_THROWS_WITH_AS(ops::conv2d(x, w, Tensor(), 1, 1),
                         doctest::Contains(
                             "conv2d: weight (4, 2, 3, 3) does not fit input (1, 3, 8, 8)"),
                         Error);
    CHECK_THROWS_WITH_AS(ops::reflection_pad(x, 8), doctest::Contains("reflection_pad"), Error);
    CHECK_THROWS_AS(ops::masked_mse(x, x, Tensor::zeros({1, 2, 8, 8})), Error);
    CHECK_THROWS_WITH_AS(ops::reshape(a, {4}), doctest::Contains("reshape"), Error);
  }

  TEST_CASE("backward() through a graph an earlier backward() freed is an error") {
    Tensor x = Tensor::from_vector({2}, {1, 2}).set_requires_grad(true);
    // The same loss twice.
    Tensor loss = ops::sum(ops::mul(x, x));
    loss.backward();
    CHECK_THROWS_WITH_AS(loss.backward(), doctest::Contains("already called on this loss"), Error);
    CHECK(x.grad().to_vector() == std::vector<float>{2, 4});  // the second call added nothing
    x.zero_grad();
    // Two losses built from one graph before either backward().
    Tensor y = ops::scale(x, 3.f);
    Tensor l1 = ops::sum(y), l2 = ops::sum(ops::mul(y, y));
    l1.backward();
    CHECK_THROWS_WITH_AS(l2.backward(),
                         doctest::Contains("freed by an earlier backward() on another loss"),
                         Error);
    x.zero_grad();
    // A new loss whose own op is fresh but whose input comes from the freed graph:
    // backward() would reach x through nothing and report no error.
    Tensor z = ops::scale(x, 2.f);
    ops::sum(z).backward();
    x.zero_grad();
    CHECK_THROWS_WITH_AS(ops::sum(ops::mul(z, z)).backward(),
                         doctest::Contains("input 0 (2) of mul comes from a graph"), Error);
    CHECK(!x.grad().defined());  // checked before any gradient was written
    // A fresh graph after a freed one works as before (one backward per training step),
    // even with the failed graph's entries still on the tape.
    ops::sum(ops::scale(x, 5.f)).backward();
    CHECK(x.grad().to_vector() == std::vector<float>{5, 5});
    // The sum of the two losses takes one backward() through the shared graph.
    x.zero_grad();
    Tensor u = ops::scale(x, 3.f);
    ops::add(ops::sum(u), ops::sum(ops::mul(u, u))).backward();  // 3 + 2 * 9x
    CHECK(x.grad().to_vector() == std::vector<float>{21, 39});
  }

  TEST_CASE("a mask, weight or constant that requires grad is an error naming op and argument") {
    Tape::current().clear();
    Tensor F = rand_tensor({1, 2, 3, 3}, 30), F2 = rand_tensor({1, 2, 3, 3}, 31);
    Tensor m = rand_tensor({1, 1, 3, 3}, 32, 0, 1);  // requires grad
    Tensor img = rand_tensor({1, 3, 3, 3}, 33, 0, 1), img2 = rand_tensor({1, 3, 3, 3}, 34, 0, 1);
    Tensor ca = rand_tensor({2}, 35), cb = rand_tensor({2}, 36, -1, 1, false);
    Tensor r = rand_tensor({2, 9}, 37), t = rand_tensor({2, 9}, 38), rw = rand_tensor({2}, 39);
    CHECK_THROWS_WITH_AS(ops::masked_gram(F, m),
                         doctest::Contains("masked_gram: the mask w requires grad"), Error);
    CHECK_THROWS_WITH_AS(ops::masked_mse(F, F2, m),
                         doctest::Contains("masked_mse: the mask m requires grad"), Error);
    CHECK_THROWS_WITH_AS(ops::task_edge_loss(img, img2, m),
                         doctest::Contains("task_edge_loss: the mask m requires grad"), Error);
    CHECK_THROWS_WITH_AS(ops::weighted_row_mse(r, t, rw),
                         doctest::Contains("weighted_row_mse: the row weights"), Error);
    CHECK_THROWS_WITH_AS(ops::channel_affine(F, ca, cb),
                         doctest::Contains("channel_affine: the scale a requires grad"), Error);
    CHECK_THROWS_WITH_AS(ops::channel_affine(F, cb, ca),
                         doctest::Contains("channel_affine: the shift b requires grad"), Error);
    CHECK(Tape::current().entries().empty());  // nothing was recorded
    // The same calls are fine with the constants detached, or with no recording.
    CHECK_NOTHROW(ops::masked_gram(F, m.detach()));
    CHECK_NOTHROW(ops::channel_affine(F, ca.detach(), cb));
    {
      NoGradGuard no_grad;
      CHECK_NOTHROW(ops::masked_mse(F, F2, m));
    }
    Tape::current().clear();
  }

  TEST_CASE("TraceScope: one entry per recorded op; off after its scope, also on an exception") {
    Tape::current().clear();
    Tensor x = rand_tensor({2, 3}, 40);
    {
      TraceScope trace;
      ops::sum(ops::mul(x, x)).backward();
      REQUIRE(trace.entries().size() == 2);
      const TraceEntry& m = trace.entries()[0];
      CHECK(m.op == "mul");
      CHECK(m.input_shapes == std::vector<Shape>{{2, 3}, {2, 3}});
      CHECK(m.input_requires_grad == std::vector<bool>{true, true});
      CHECK(m.output_shape == Shape{2, 3});
      CHECK(m.flops == 6);
      CHECK(m.bytes == 3 * 6 * 4);  // two inputs and the output, float
      CHECK(trace.entries()[1].op == "sum");
      CHECK(trace.entries()[1].bytes == (6 + 1) * 4);
      CHECK_THROWS_WITH_AS([] { TraceScope inner; }(), doctest::Contains("already on"), Error);
    }
    CHECK(TraceScope::active() == nullptr);
    try {
      TraceScope trace;
      const Tensor y = ops::scale(x, 2.f);
      MGST_FAIL("a failing step " << y.numel());
    } catch (const Error&) {
    }
    CHECK(TraceScope::active() == nullptr);
    CHECK(Tape::current().entries().empty());  // the half-recorded graph was dropped
    Tensor z = ops::scale(x, 2.f);             // without a scope: recorded, not traced
    CHECK(Tape::current().entries().size() == 1);
    Tape::current().clear();
  }

  TEST_CASE("anomaly detection names the op that produced a NaN") {
    Tape::current().set_detect_anomaly(true);
    Tensor x = Tensor::from_vector({2}, {1, std::nanf("")}).set_requires_grad(true);
    CHECK_THROWS_WITH_AS(ops::scale(x, 2.f), doctest::Contains("output of scale"), Error);
    Tape::current().set_detect_anomaly(false);
    Tape::current().clear();
  }

  // Central differences through a ReLU need every point off its kink (the op
  // harness, tests/ops/instance_norm.cpp, does that); here the fused ops are
  // held to the unfused composition they replace, values and every gradient.
  TEST_CASE("the fused instance-norm ops give the unfused composition's values and gradients") {
    Tensor x = rand_tensor({2, 3, 7, 6}, 21), g = rand_tensor({3}, 22, 0.5f, 1.5f),
           be = rand_tensor({3}, 23), r = rand_tensor({2, 3, 7, 6}, 24);
    Tensor rn = rand_tensor({2, 3, 7, 6}, 25, -1, 1, false);
    // values of the loss and the gradients of `inputs`, then the gradients dropped
    auto run = [](const Tensor& loss, std::vector<Tensor> inputs) {
      loss.backward();
      std::vector<std::vector<float>> v{loss.to_vector()};
      for (Tensor& t : inputs) {
        v.push_back(t.grad().to_vector());
        t.zero_grad();
      }
      return v;
    };
    const auto fused_relu =
        run(ops::sum(ops::mul(ops::instance_norm_relu(x, g, be), rn)), {x, g, be});
    const auto plain_relu =
        run(ops::sum(ops::mul(ops::relu(ops::instance_norm(x, g, be)), rn)), {x, g, be});
    const auto fused_add =
        run(ops::sum(ops::mul(ops::instance_norm_add(x, g, be, r), rn)), {x, g, be, r});
    const auto plain_add =
        run(ops::sum(ops::mul(ops::add(ops::instance_norm(x, g, be), r), rn)), {x, g, be, r});
    // the same float operations in the same order (kernels/cpu/instance_norm.cpp)
    CHECK(fused_relu == plain_relu);
    CHECK(fused_add == plain_add);
    int masked = 0;  // the ReLU did cut: some outputs are 0
    for (float v : ops::instance_norm_relu(x, g, be).to_vector()) masked += v == 0.f;
    CHECK(masked > 20);
    CHECK_THROWS_WITH_AS(ops::instance_norm_add(x, g, be, rand_tensor({2, 3, 7, 5}, 26)),
                         doctest::Contains("instance_norm_add: shape mismatch"), Error);
  }

  TEST_CASE("gradient check of every op through the tape") {
    Tensor x = rand_tensor({2, 3, 7, 6}, 1);
    Tensor w = rand_tensor({4, 3, 3, 3}, 2, -0.5f, 0.5f);
    Tensor b = rand_tensor({4}, 3);
    Tensor r = rand_tensor({2, 4, 7, 6}, 4, -1, 1, false);  // fixed projection
    check_grads("conv2d s1 p1", [&] { return ops::sum(ops::mul(ops::conv2d(x, w, b, 1, 1), r)); },
                {x, w, b});
    Tensor r2 = rand_tensor({2, 4, 3, 2}, 5, -1, 1, false);
    check_grads("conv2d s2 p0", [&] { return ops::sum(ops::mul(ops::conv2d(x, w, b, 2, 0), r2)); },
                {x, w, b});
    Tensor rf = rand_tensor({2, 4, 14, 12}, 13, -1, 1, false);  // 7x6 upsampled, 3x3, pad 1
    check_grads("conv2d_fused up2 reflect",
                [&] {
                  const ops::ConvFusion f{.stride = 1, .pad = 1, .upsample = true, .reflect = true};
                  return ops::sum(ops::mul(ops::conv2d_fused(x, w, b, f), rf));
                },
                {x, w, b});
    Tensor rp = rand_tensor({2, 3, 11, 10}, 6, -1, 1, false);
    check_grads("reflection_pad", [&] { return ops::sum(ops::mul(ops::reflection_pad(x, 2), rp)); },
                {x});
    Tensor ru = rand_tensor({2, 3, 14, 12}, 7, -1, 1, false);
    check_grads("upsample", [&] { return ops::sum(ops::mul(ops::upsample_nearest2x(x), ru)); },
                {x});
    Tensor rm = rand_tensor({2, 3, 3, 3}, 8, -1, 1, false);
    check_grads(
        "max_pool", [&] { return ops::sum(ops::mul(ops::max_pool2x2(x), rm)); }, {x}, 1e-3);
    Tensor ra = rand_tensor({2, 3, 2, 2}, 9, -1, 1, false);
    check_grads("avg_pool", [&] { return ops::sum(ops::mul(ops::avg_pool(x, 3), ra)); }, {x});
    Tensor g = rand_tensor({3}, 10), be = rand_tensor({3}, 11);
    Tensor rn = rand_tensor({2, 3, 7, 6}, 12, -1, 1, false);
    check_grads(
        "instance_norm",
        [&] { return ops::sum(ops::mul(ops::instance_norm(x, g, be, 1e-5f), rn)); }, {x, g, be},
        1e-2, 3e-2);
    Tensor rr = rand_tensor({2, 3, 7, 6}, 20);  // the added tensor takes dy itself
    check_grads(
        "instance_norm_add",
        [&] { return ops::sum(ops::mul(ops::instance_norm_add(x, g, be, rr, 1e-5f), rn)); },
        {x, g, be, rr}, 1e-2, 3e-2);
    Tensor xr = rand_tensor({2, 3, 7, 6}, 13, 0.2f, 1.f);  // away from the kink
    check_grads("relu", [&] { return ops::sum(ops::mul(ops::relu(ops::scale(xr, -1.f)), rn)); },
                {xr});
    Tensor y2 = rand_tensor({2, 1, 7, 6}, 14);
    Tensor rc = rand_tensor({2, 4, 7, 6}, 15, -1, 1, false);
    check_grads("concat", [&] { return ops::sum(ops::mul(ops::concat_channels(x, y2), rc)); },
                {x, y2});
    Tensor ca = Tensor::from_vector({3}, {2, 3, 4}), cb = Tensor::from_vector({3}, {1, 0, -1});
    check_grads("channel_affine",
                [&] { return ops::sum(ops::mul(ops::channel_affine(x, ca, cb), rn)); }, {x});
    Tensor x2 = rand_tensor({2, 3, 7, 6}, 16);
    check_grads("sub/mse", [&] { return ops::mse(ops::sub(x, x2), rn); }, {x, x2});
    Tensor m = rand_tensor({2, 1, 7, 6}, 17, 0, 1, false);
    check_grads("masked_gram",
                [&] {
                  return ops::weighted_row_mse(ops::reshape(ops::masked_gram(x, m), {2, 9}),
                                               Tensor::zeros({1, 9}),
                                               Tensor::from_vector({2}, {1, 0.5f}));
                },
                {x});
    check_grads("masked_mse", [&] { return ops::masked_mse(x, x2, m); }, {x, x2});
    Tensor img = rand_tensor({2, 3, 7, 6}, 18, 0, 1), img2 = rand_tensor({2, 3, 7, 6}, 19, 0, 1);
    check_grads("task_edge_loss", [&] { return ops::task_edge_loss(img, img2, m); }, {img, img2});
    check_grads("total_variation", [&] { return ops::total_variation(img); }, {img});
    check_grads("mean", [&] { return ops::mean(ops::mul(x, x)); }, {x});
  }
}
