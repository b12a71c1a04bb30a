// Channel concatenation and its split backward (each half nullable).
#include "kernels/cpu/api.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::random_vector;

TEST_SUITE("kernels_cpu") {

TEST_CASE("concat_channels forward/backward") {
  const int cases[][4] = {{1, 1, 1, 1}, {2, 3, 1, 5}, {3, 2, 4, 7}};
  uint64_t seed = 1;
  for (const auto& c : cases) {
    const int N = c[0], Ca = c[1], Cb = c[2], P = c[3];
    const auto a = random_vector(std::size_t(N) * Ca * P, ++seed);
    const auto b = random_vector(std::size_t(N) * Cb * P, ++seed);
    std::vector<float> y(a.size() + b.size()), ref;
    for (int n = 0; n < N; ++n) {
      ref.insert(ref.end(), a.begin() + std::size_t(n) * Ca * P, a.begin() + std::size_t(n + 1) * Ca * P);
      ref.insert(ref.end(), b.begin() + std::size_t(n) * Cb * P, b.begin() + std::size_t(n + 1) * Cb * P);
    }
    kc::concat_channels_forward(N, Ca, Cb, P, a.data(), b.data(), y.data());
    CHECK(y == ref);
    // The backward of the concatenation is the split: it must give a and b back.
    std::vector<float> da(a.size()), db(b.size());
    kc::concat_channels_backward(N, Ca, Cb, P, y.data(), da.data(), db.data());
    CHECK(da == a);
    CHECK(db == b);
    std::vector<float> db2(b.size());
    kc::concat_channels_backward(N, Ca, Cb, P, y.data(), nullptr, db2.data());
    CHECK(db2 == b);
  }
}

}  // TEST_SUITE
