// Tensor, storage, RNG and parameter-block basics.
#include <cstdint>

#include "core/parameters.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "kernels/error.h"
#include "test_util.h"

using namespace mgst;

TEST_SUITE("core") {
  TEST_CASE("tensor creation, views and copies") {
    Tensor t = Tensor::from_vector({2, 3}, {1, 2, 3, 4, 5, 6});
    CHECK(t.numel() == 6);
    CHECK(t.size(-1) == 3);
    CHECK(reinterpret_cast<uintptr_t>(t.data()) % 64 == 0);
    Tensor row = t.slice_batch(1, 2);
    CHECK(row.to_vector() == std::vector<float>{4, 5, 6});
    Tensor c = t.clone();
    c.data()[0] = 42;
    CHECK(t.to_vector()[0] == 1);  // clone is deep
    Tensor d = t.detach();
    d.data()[0] = 7;
    CHECK(t.to_vector()[0] == 7);  // detach aliases
    CHECK(Tensor::zeros({3}).to_vector() == std::vector<float>{0, 0, 0});
    CHECK(Tensor::full({2}, 2.5f).to_vector() == std::vector<float>{2.5f, 2.5f});
    CHECK(Tensor::scalar(3.f).item() == 3.f);
    CHECK(t.view(2, {2}).to_vector() == std::vector<float>{3, 4});
  }

  TEST_CASE("tensor errors name the problem") {
    CHECK_THROWS_WITH_AS(Tensor::from_vector({2, 2}, {1, 2, 3}),
                         doctest::Contains("3 values for shape (2, 2)"), Error);
    Tensor t = Tensor::zeros({2, 2});
    CHECK_THROWS_AS(t.item(), Error);
    CHECK_THROWS_AS(t.size(2), Error);
    CHECK_THROWS_AS(t.slice_batch(1, 3), Error);
  }

  TEST_CASE("cpu memory accounting returns to its start") {
    const std::size_t before = cpu_bytes_in_use();
    {
      Tensor a = Tensor::zeros({1000});
      CHECK(cpu_bytes_in_use() >= before + 4000);
    }
    CHECK(cpu_bytes_in_use() == before);
  }

  TEST_CASE("rng: deterministic, serialisable, roughly uniform and normal") {
    Rng a(7), b(7), c(8);
    CHECK(a.next_u64() == b.next_u64());
    CHECK(a.next_u64() != c.next_u64());
    const std::string s = a.state();
    const uint64_t next = a.next_u64();
    Rng r;
    r.set_state(s);
    CHECK(r.next_u64() == next);
    CHECK_THROWS_AS(r.set_state("zz"), Error);
    double sum = 0, sq = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const double z = r.normal();
      sum += z, sq += z * z;
    }
    CHECK(std::fabs(sum / n) < 0.05);
    CHECK(std::fabs(sq / n - 1) < 0.05);
    for (int i = 0; i < 1000; ++i) {
      const double u = r.uniform();
      CHECK((u >= 0 && u < 1));
    }
  }

  TEST_CASE("parameters live in one block and keep their handles") {
    ParameterSet ps;
    Tensor a = Tensor::from_vector({2}, {1, 2});
    Tensor b = Tensor::from_vector({3}, {3, 4, 5});
    ps.add("a", a);
    ps.add("b", b);
    CHECK_THROWS_AS(ps.add("a", Tensor::zeros({1})), Error);
    ps.pack(Device::cpu());
    CHECK(ps.block().to_vector() == std::vector<float>{1, 2, 3, 4, 5});
    CHECK(a.to_vector() == std::vector<float>{1, 2});
    ps.block().detach().data()[3] = 40;  // the handle sees writes to the block
    CHECK(b.to_vector() == std::vector<float>{3, 40, 5});
    CHECK(a.requires_grad());
  }

  TEST_CASE("adam matches a hand-written PyTorch Adam step sequence") {
    ParameterSet ps;
    Tensor p = Tensor::from_vector({3}, {0.5f, -1.f, 2.f});
    ps.add("p", p);
    ps.pack(Device::cpu());
    Adam adam(ps, AdamConfig{});
    std::vector<double> ref = {0.5, -1, 2}, m(3, 0), v(3, 0);
    const std::vector<std::vector<float>> grads = {{0.1f, -0.2f, 0.3f},
                                                   {0.05f, 0.4f, -0.1f},
                                                   {1.f, 0.f, -2.f}};
    for (int t = 1; t <= 3; ++t) {
      const auto& g = grads[t - 1];
      p.set_grad(Tensor::from_vector({3}, g));
      const double lr = 1e-3 * t;  // warm-up style varying lr
      adam.step(float(lr));
      for (int i = 0; i < 3; ++i) {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * double(g[i]) * g[i];
        const double bc1 = 1 - std::pow(0.9, t), bc2 = 1 - std::pow(0.999, t);
        ref[i] -= lr / bc1 * m[i] / (std::sqrt(v[i]) / std::sqrt(bc2) + 1e-8);
      }
    }
    test::all_close("adam", p.to_vector(), ref, 1e-6, 1e-5);
  }
}
