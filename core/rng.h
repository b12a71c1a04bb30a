// Seeded, serialisable random numbers (xoshiro256**, seeded by splitmix64).
// Same seed -> same sequence on every machine; the state round-trips through
// a string so checkpoints can resume bit-for-bit.
#pragma once
#include <cstdint>
#include <string>

namespace mgst {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { seed_with(seed); }
  void seed_with(uint64_t seed);

  uint64_t next_u64();
  double uniform();  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal();             // N(0, 1), Box-Muller
  int64_t randint(int64_t n);  // [0, n)

  std::string state() const;             // 64 hex digits
  void set_state(const std::string& s);  // throws on malformed input

 private:
  uint64_t s_[4];
};

}  // namespace mgst
