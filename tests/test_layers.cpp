// Layers and a small conv net that learns.
#include "core/autograd.h"
#include "core/ops.h"
#include "core/parameters.h"
#include "layers/conv_layer.h"
#include "test_util.h"

using namespace mgst;

TEST_SUITE("layers") {
  TEST_CASE("conv layer shapes and parameter names") {
    ParameterSet ps;
    Rng rng(0);
    layers::ConvLayer down({4, 8, 3, 2}, ps, "c2.conv", "c2.norm", rng);
    layers::ConvLayer up({8, 4, 3, 1, true}, ps, "u1.conv", "u1.norm", rng);
    layers::ResidualBlock res(8, ps, "r1", rng);
    ps.pack(Device::cpu());
    Tensor x = Tensor::from_vector({2, 4, 12, 16}, test::random_vector(2 * 4 * 12 * 16, 1));
    NoGradGuard g;
    Tensor h = down.forward(x);
    CHECK(h.shape() == Shape{2, 8, 6, 8});
    CHECK(res.forward(h).shape() == Shape{2, 8, 6, 8});
    CHECK(up.forward(h).shape() == Shape{2, 4, 12, 16});
    std::vector<std::string> names;
    for (const auto& p : ps.items()) names.push_back(p.name);
    CHECK(names[0] == "c2.conv.weight");
    CHECK(names[3] == "c2.norm.bias");
    CHECK(std::find(names.begin(), names.end(), "r1.norm2.weight") != names.end());
  }

  TEST_CASE("a small conv-IN-ReLU-conv net reduces its loss with Adam on CPU") {
    ParameterSet ps;
    Rng rng(1);
    layers::ConvLayer a({3, 8, 3, 1}, ps, "a.conv", "a.norm", rng);
    layers::ConvLayerSpec s2{8, 3, 3, 1, false, false, false};
    layers::ConvLayer b(s2, ps, "b.conv", "", rng);
    ps.pack(Device::cpu());
    Adam adam(ps, AdamConfig{});
    Tensor x = Tensor::from_vector({2, 3, 8, 8}, test::random_vector(2 * 3 * 64, 2, 0, 1));
    Tensor target = Tensor::from_vector({2, 3, 8, 8}, test::random_vector(2 * 3 * 64, 3, 0, 1));
    double first = 0, last = 0;
    for (int step = 0; step < 60; ++step) {
      Tensor loss = ops::mse(b.forward(a.forward(x)), target);
      if (step == 0) first = loss.item();
      last = loss.item();
      loss.backward();
      adam.step(1e-2f);
      ps.zero_grad();
    }
    MESSAGE("loss " << first << " -> " << last);
    CHECK(last < 0.5 * first);
  }
}
