#include "core/rng.h"

#include <cmath>
#include <cstdio>

#include "kernels/error.h"

namespace mgst {

namespace {
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

void Rng::seed_with(uint64_t seed) {
  for (auto& s : s_) s = splitmix64(seed);
}

uint64_t Rng::next_u64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return double(next_u64() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  // Two uniforms per draw (no cached spare) keeps the state a pure function
  // of the number of calls, which makes checkpointed state simple.
  const double u1 = 1.0 - uniform(), u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

int64_t Rng::randint(int64_t n) {
  MGST_CHECK(n > 0, "randint(" << n << ")");
  return int64_t(next_u64() % uint64_t(n));
}

std::string Rng::state() const {
  char buf[4 * 16 + 1];
  for (int i = 0; i < 4; ++i) std::snprintf(buf + 16 * i, 17, "%016llx", (unsigned long long)s_[i]);
  return std::string(buf, 64);
}

void Rng::set_state(const std::string& s) {
  MGST_CHECK(s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos,
             "malformed RNG state '" << s << "' (expected 64 hex digits)");
  for (int i = 0; i < 4; ++i) s_[i] = std::stoull(s.substr(16 * i, 16), nullptr, 16);
}

}  // namespace mgst
