// Transform net and VGG-19: shapes, identity start, weights round trip and
// the errors that name the wrong tensor.
#include <filesystem>
#include <optional>

#include "core/autograd.h"
#include "core/io/safetensors.h"
#include "core/ops.h"
#include "core/trace.h"
#include "kernels/error.h"
#include "models/transform_net.h"
#include "models/vgg19.h"
#include "models/weights.h"
#include "test_util.h"

using namespace mgst;

namespace {
std::string tmp_path(const std::string& name) { return (test::test_temp_root() / name).string(); }

// TransformNet::forward (models/transform_net.cpp, layers/conv_layer.cpp)
// spelled with the unfused ops: instance_norm, then relu, or then add for the
// residual blocks' skip.
Tensor unfused_forward(models::TransformNet& net, const Tensor& x, const Tensor& m) {
  auto p = [&](const std::string& name) { return *net.parameters().find(name); };
  // [upsample] -> reflection pad -> conv -> [instance norm] -> [relu]
  auto layer = [&](Tensor h, const std::string& conv, const std::string& norm, int stride,
                   bool upsample, bool relu) {
    const Tensor w = p(conv + ".weight");
    if (upsample) h = ops::upsample_nearest2x(h);
    h = ops::reflection_pad(h, int(w.size(2)) / 2);
    h = ops::conv2d(h, w, p(conv + ".bias"), stride, 0);
    if (norm.empty()) return h;
    h = ops::instance_norm(h, p(norm + ".weight"), p(norm + ".bias"), 1e-5f);
    return relu ? ops::relu(h) : h;
  };
  Tensor h = ops::concat_channels(x, m);
  h = layer(h, "c1.conv", "c1.norm", 1, false, true);
  h = layer(h, "c2.conv", "c2.norm", 2, false, true);
  h = layer(h, "c3.conv", "c3.norm", 2, false, true);
  for (int i = 1; i <= 5; ++i) {
    const std::string r = "r" + std::to_string(i);
    const Tensor a = layer(h, r + ".conv1", r + ".norm1", 1, false, true);
    h = ops::add(layer(a, r + ".conv2", r + ".norm2", 1, false, false), h);
  }
  h = layer(h, "u1.conv", "u1.norm", 1, true, true);
  h = layer(h, "u2.conv", "u2.norm", 1, true, true);
  h = layer(h, "c4.conv", "", 1, false, false);
  return net.residual() ? ops::add(x, h) : h;
}
}  // namespace

TEST_SUITE("models") {
  TEST_CASE("transform net: METHOD.md parameter names and shapes") {
    models::TransformNet net(true, 0);
    const auto& items = net.parameters().items();
    auto shape_of = [&](const std::string& n) {
      for (const auto& p : items)
        if (p.name == n) return p.tensor.shape();
      FAIL("missing " << n);
      return Shape{};
    };
    CHECK(shape_of("c1.conv.weight") == Shape{32, 4, 9, 9});
    CHECK(shape_of("c2.conv.weight") == Shape{64, 32, 3, 3});
    CHECK(shape_of("c3.norm.bias") == Shape{128});
    CHECK(shape_of("r5.conv2.weight") == Shape{128, 128, 3, 3});
    CHECK(shape_of("r3.norm1.weight") == Shape{128});
    CHECK(shape_of("u1.conv.weight") == Shape{64, 128, 3, 3});
    CHECK(shape_of("u2.conv.weight") == Shape{32, 64, 3, 3});
    CHECK(shape_of("c4.conv.weight") == Shape{3, 32, 9, 9});
    CHECK(shape_of("c4.conv.bias") == Shape{3});
    CHECK(items.size() == 4 * 5 + 5 * 8 + 2);
  }

  TEST_CASE("residual net starts as the identity; plain net does not") {
    Tensor x = Tensor::from_vector({1, 3, 16, 20}, test::random_vector(3 * 16 * 20, 1, 0, 1));
    Tensor m = Tensor::from_vector({1, 1, 16, 20}, test::random_vector(16 * 20, 2, 0, 1));
    NoGradGuard g;
    models::TransformNet res(true, 0);
    CHECK(res.forward(x, m).to_vector() == x.to_vector());
    models::TransformNet plain(false, 0);
    const Tensor y = plain.forward(x, m);
    CHECK(y.shape() == x.shape());
    CHECK(y.to_vector() != x.to_vector());
    CHECK_THROWS_WITH_AS(res.forward(Tensor::zeros({1, 3, 18, 20}), Tensor::zeros({1, 1, 18, 20})),
                         doctest::Contains("multiples of 4"), Error);
  }

  // The layers run norm + ReLU and norm + skip as the fused ops
  // (ops::instance_norm_relu, ops::instance_norm_add); the model's math must
  // be that of the unfused ops. Plain net (its c4 is not zero, so every layer
  // gets a gradient), norms with random scale and shift (the ReLUs cut
  // somewhere else in every channel), 12x20 input (odd 3x5 planes after c3).
  TEST_CASE(
      "transform net: the fused norm ops give the unfused composition's output and gradients") {
    models::TransformNet net(false, 5);
    uint64_t seed = 50;
    for (const auto& item : net.parameters().items()) {
      if (item.name.find(".norm") == std::string::npos) continue;
      const bool scale = item.name.ends_with(".weight");
      const auto v = test::random_vector(std::size_t(item.tensor.numel()), ++seed,
                                         scale ? 0.5f : -0.5f, scale ? 1.5f : 0.5f);
      Tensor t = item.tensor;  // a handle on the parameter's storage
      std::copy(v.begin(), v.end(), t.data());
    }
    const Shape shape{2, 3, 12, 20};
    Tensor x = Tensor::from_vector(shape, test::random_vector(shape_numel(shape), 60, 0, 1));
    x.set_requires_grad(true);
    Tensor m = Tensor::from_vector({2, 1, 12, 20}, test::random_vector(2 * 12 * 20, 61, 0, 1));
    Tensor w = Tensor::from_vector(shape, test::random_vector(shape_numel(shape), 62));
    // the output, then the loss sum(y * w)'s gradients: every parameter's, x's
    auto run = [&](const Tensor& y) {
      ops::sum(ops::mul(y, w)).backward();
      std::vector<std::vector<float>> v{y.to_vector(), net.parameters().gather_grads().to_vector(),
                                        x.grad().to_vector()};
      net.parameters().zero_grad();
      x.zero_grad();
      return v;
    };
    const auto fused = run(net.forward(x, m));
    const auto plain = run(unfused_forward(net, x, m));
    // Same bits: each fused CPU kernel does the unfused ops' float operations
    // in their order (kernels/cpu/instance_norm.cpp).
    const char* what[] = {"output", "parameter gradients", "input gradient"};
    for (int k = 0; k < 3; ++k) {
      CAPTURE(what[k]);
      test::all_close(what[k], fused[k], plain[k], 0, 0);  // tolerance 0
    }
  }

  TEST_CASE("weights save/load round trip and precise load errors") {
    models::TransformNet a(false, 3);
    const std::string path = tmp_path("t.safetensors");
    a.save(path);
    const SafetensorsFile f = read_safetensors(path);
    CHECK(f.metadata.at("residual") == "false");
    CHECK(models::TransformNet::residual_from_metadata(f, true) == false);
    models::TransformNet b(false, 99);
    b.load(f, path);
    CHECK(b.parameters().block().to_vector() == a.parameters().block().to_vector());

    auto arrays = models::parameters_to_arrays(a.parameters());
    auto broken = arrays;
    broken[5].shape = {broken[5].shape[0] + 1};
    broken[5].data.resize(broken[5].shape[0]);
    write_safetensors(path, broken);
    CHECK_THROWS_WITH_AS(b.load(read_safetensors(path), path),
                         doctest::Contains(("'" + arrays[5].name + "' has shape").c_str()), Error);
    broken = arrays;
    broken.erase(broken.begin() + 2);
    write_safetensors(path, broken);
    CHECK_THROWS_WITH_AS(b.load(read_safetensors(path), path),
                         doctest::Contains(("'" + arrays[2].name + "' is missing").c_str()), Error);
    broken = arrays;
    broken.push_back({"extra.weight", {1}, {0.f}});
    write_safetensors(path, broken);
    CHECK_THROWS_WITH_AS(b.load(read_safetensors(path), path),
                         doctest::Contains("unexpected tensor 'extra.weight'"), Error);
    broken = arrays;
    broken[7].data[0] = std::nanf("");
    write_safetensors(path, broken);
    CHECK_THROWS_WITH_AS(b.load(read_safetensors(path), path),
                         doctest::Contains(("'" + arrays[7].name + "' holds nan").c_str()), Error);
  }

  TEST_CASE("vgg19: layer geometry, only the needed layers, frozen weights") {
    CHECK(models::Vgg19::layer_stride("relu1_1") == 1);
    CHECK(models::Vgg19::layer_stride("relu2_2") == 2);
    CHECK(models::Vgg19::layer_stride("relu4_1") == 8);
    CHECK(models::Vgg19::layer_channels("relu3_1") == 256);
    CHECK(models::Vgg19::deepest_of({"relu2_2", "relu4_1", "relu1_1"}) == "relu4_1");
    CHECK_THROWS_WITH_AS(models::Vgg19::check_layer_name("relu2_3"),
                         doctest::Contains("unknown VGG-19 layer 'relu2_3'"), Error);
    models::Vgg19 vgg("relu2_2", "", Device::cpu());
    std::vector<std::string> keys;
    for (const auto& p : vgg.parameters().items()) keys.push_back(p.name);
    CHECK(keys == std::vector<std::string>{"features.0.weight", "features.0.bias",
                                           "features.2.weight", "features.2.bias",
                                           "features.5.weight", "features.5.bias",
                                           "features.7.weight", "features.7.bias"});
    Tensor img = Tensor::from_vector({1, 3, 12, 16}, test::random_vector(3 * 12 * 16, 3, 0, 1));
    img.set_requires_grad(true);
    const auto f = vgg.features(img, {"relu1_1", "relu2_2"});
    CHECK(f.at("relu1_1").shape() == Shape{1, 64, 12, 16});
    CHECK(f.at("relu2_2").shape() == Shape{1, 128, 6, 8});
    ops::mean(f.at("relu2_2")).backward();
    CHECK(img.grad().defined());
    for (const auto& p : vgg.parameters().items()) CHECK(!p.tensor.grad().defined());
    CHECK_THROWS_AS(vgg.features(img, {"relu3_1"}), Error);
  }

  // ops::conv2d_fused (the transform net's [upsample ->] reflection pad -> conv,
  // VGG's conv -> ReLU) against the same models with those ops unfused
  // (ops::UnfusedConvs). On the CPU the fused op runs the unfused kernels in
  // the same order, so the outputs and every gradient must agree to the bit:
  // the tolerance is 0.
  TEST_CASE("transform net and vgg19: fused convs give the unfused ops' bits (CPU)") {
    const Shape xs{2, 3, 12, 16}, ms{2, 1, 12, 16};
    const auto xv = test::random_vector(2 * 3 * 12 * 16, 21, 0, 1),
               mv = test::random_vector(2 * 12 * 16, 22, 0, 1),
               rv = test::random_vector(2 * 3 * 12 * 16, 23, -1, 1);
    models::TransformNet net(false, 7);  // plain: c4 starts nonzero, so every gradient is
    models::Vgg19 vgg("relu3_1", "", Device::cpu(), 8);
    struct Run {
      std::vector<std::vector<float>> values;  // outputs, then gradients
      int fused = 0, pads = 0, relus = 0;      // recorded ops of each kind
    };
    auto run = [&](bool fused) {
      std::optional<ops::UnfusedConvs> unfused;
      if (!fused) unfused.emplace();
      Run r;
      Tensor x = Tensor::from_vector(xs, xv), m = Tensor::from_vector(ms, mv);
      x.set_requires_grad(true);
      TraceScope trace;
      const Tensor y = net.forward(x, m);
      const auto f = vgg.features(y, {"relu1_2", "relu2_1", "relu3_1"});
      Tensor loss = ops::sum(ops::mul(y, Tensor::from_vector(xs, rv)));
      for (const auto& [name, t] : f) loss = ops::add(loss, ops::mean(ops::mul(t, t)));
      loss.backward();
      r.values.push_back(y.to_vector());
      for (const auto& [name, t] : f) r.values.push_back(t.to_vector());
      r.values.push_back(x.grad().to_vector());
      for (const auto& p : net.parameters().items()) {
        r.values.push_back(p.tensor.grad().to_vector());
        Tensor(p.tensor).zero_grad();
      }
      for (const auto& e : trace.entries()) {
        r.fused += e.op == "conv2d_fused";
        r.pads += e.op == "reflection_pad";
        r.relus += e.op == "relu";
      }
      return r;
    };
    const Run a = run(true), b = run(false);
    // 16 transform-net convs (c1-c3, 2 per residual block, u1, u2, c4) and 5
    // VGG convs (relu1_1 .. relu3_1), fused or not
    CHECK(a.fused == 21);
    CHECK(a.pads == 0);
    CHECK(b.fused == 0);
    CHECK(b.pads == 16);
    CHECK(b.relus - a.relus == 5);  // VGG's ReLUs; the transform net's follow its norms
    REQUIRE(a.values.size() == b.values.size());
    for (std::size_t i = 0; i < a.values.size(); ++i) {
      CAPTURE(i);
      CHECK(a.values[i] == b.values[i]);
    }
  }

  TEST_CASE("vgg19 weights file: names torchvision keys in errors") {
    models::Vgg19 vgg("relu1_2", "", Device::cpu(), 5);
    const std::string path = tmp_path("vgg.safetensors");
    auto arrays = models::parameters_to_arrays(vgg.parameters());
    write_safetensors(path, arrays);
    models::Vgg19 loaded("relu1_2", path, Device::cpu());
    CHECK(loaded.pretrained());
    CHECK(loaded.parameters().block().to_vector() == vgg.parameters().block().to_vector());
    arrays.pop_back();
    write_safetensors(path, arrays);
    CHECK_THROWS_WITH_AS(models::Vgg19("relu1_2", path, Device::cpu()),
                         doctest::Contains("'features.2.bias' is missing"), Error);
  }
}
