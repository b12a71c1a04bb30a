// CUDA runtime: device discovery and the caching allocator.
#ifdef MGST_WITH_CUDA
#include <algorithm>
#include <vector>

#include "cuda_test_util.h"
#include "kernels/cuda/runtime.h"

TEST_SUITE("cuda") {
  TEST_CASE("cuda runtime: available() never throws and describes the device") {
    [[maybe_unused]] bool ok = false;
    CHECK_NOTHROW(ok = kc::available());
    CHECK_FALSE(kc::device_description().empty());
    MESSAGE("device: " << kc::device_description());
  }

  TEST_CASE("cuda allocator: steady state reuses blocks, no growth of cached bytes") {
    MGST_REQUIRE_GPU();
    const std::size_t sizes[] = {4, 1000, 4096, 1 << 20, (3 << 20) + 7};
    // Warm-up cycle: populate the free lists.
    std::vector<void*> ptrs;
    for (std::size_t s : sizes) ptrs.push_back(kc::device_alloc(s));
    for (void* p : ptrs) kc::device_free(p);
    const kc::MemoryStats warm = kc::memory_stats();
    std::size_t busiest = 0;
    for (int cycle = 0; cycle < 50; ++cycle) {
      ptrs.clear();
      for (std::size_t s : sizes) ptrs.push_back(kc::device_alloc(s));
      const kc::MemoryStats busy = kc::memory_stats();
      CHECK(busy.in_use >= warm.in_use);
      busiest = std::max(busiest, busy.in_use);
      for (void* p : ptrs) kc::device_free(p);
      const kc::MemoryStats idle = kc::memory_stats();
      REQUIRE(idle.cached == warm.cached);  // no cudaMalloc in steady state
      REQUIRE(idle.in_use == warm.in_use);
    }
    // Not `peak >= cached`: blocks cached by earlier tests may predate a
    // reset_peak_memory() (found running the whole suite on the emulator).
    CHECK(kc::memory_stats().peak >= busiest);
  }

  TEST_CASE("cuda allocator: copies round-trip and blocks are 256-byte aligned") {
    MGST_REQUIRE_GPU();
    const auto host = mgst::test::random_vector(1001, 7);
    float* a = static_cast<float*>(kc::device_alloc(host.size() * sizeof(float)));
    float* b = static_cast<float*>(kc::device_alloc(host.size() * sizeof(float)));
    CHECK(reinterpret_cast<std::uintptr_t>(a) % 256 == 0);
    kc::memcpy_h2d(a, host.data(), host.size() * sizeof(float));
    kc::memcpy_d2d(b, a, host.size() * sizeof(float));
    std::vector<float> back(host.size());
    kc::memcpy_d2h(back.data(), b, back.size() * sizeof(float));
    CHECK(back == host);
    kc::device_free(a);
    kc::device_free(b);
    CHECK_THROWS_AS(kc::device_free(reinterpret_cast<void*>(16)), mgst::Error);
  }

  TEST_CASE("cuda allocator: in tests every block arrives NaN-filled, also when reused") {
    MGST_REQUIRE_GPU();
    REQUIRE(std::getenv("MGST_CUDA_POISON_ALLOC") != nullptr);  // set by tests/main.cpp
    const std::vector<float> ones(777, 1.f);
    for (int round = 0; round < 2; ++round) {  // round 1 gets round 0's block back
      float* p = static_cast<float*>(kc::device_alloc(ones.size() * sizeof(float)));
      std::vector<float> back(ones.size(), 0.f);
      kc::memcpy_d2h(back.data(), p, back.size() * sizeof(float));
      CHECK(std::all_of(back.begin(), back.end(), [](float v) { return std::isnan(v); }));
      kc::memcpy_h2d(p, ones.data(), ones.size() * sizeof(float));
      kc::device_free(p);
    }
  }

  TEST_CASE("cuda allocator: out of memory throws mgst::Error naming the request") {
    MGST_REQUIRE_GPU();
    try {
      (void)kc::device_alloc(std::size_t(1) << 50);  // 1 PiB
      FAIL("a 1 PiB allocation succeeded");
    } catch (const mgst::Error& e) {
      const std::string msg = e.what();
      CHECK(msg.find("out of memory") != std::string::npos);
      CHECK(msg.find("in use") != std::string::npos);
    }
    // The allocator still works afterwards.
    void* p = kc::device_alloc(1024);
    kc::device_free(p);
    kc::release_cached_memory();
    CHECK(kc::memory_stats().cached == 0);
  }

  // A graph's replays write the blocks its capture allocated (and those freed
  // during it), so they must not go to other work while it exists.
  TEST_CASE("cuda graphs: a captured block stays the graph's until it is destroyed") {
    MGST_REQUIRE_GPU();
    const std::size_t bytes = 3000 * sizeof(float);
    void* before = kc::device_alloc(bytes);  // cached before the capture, freed during it
    kc::begin_capture();
    CHECK(kc::capturing());
    void* inside = kc::device_alloc(bytes);
    std::vector<float> zeros(3000, 0.f);
    float* pinned = static_cast<float*>(kc::pinned_alloc(bytes));
    std::copy(zeros.begin(), zeros.end(), pinned);
    kc::memcpy_h2d_async(inside, pinned, bytes);
    kc::device_free(inside);
    kc::device_free(before);
    const kc::ActivityCounters c0 = kc::activity_counters();
    const int graph = kc::end_capture();
    CHECK_FALSE(kc::capturing());
    CHECK(graph > 0);
    std::vector<void*> others;
    for (int i = 0; i < 4; ++i) others.push_back(kc::device_alloc(bytes));
    for (void* p : others) {
      CHECK(p != inside);
      CHECK(p != before);
    }
    kc::reset_peak_memory();
    const kc::MemoryStats m0 = kc::memory_stats();
    kc::launch_graph(graph);
    kc::wait_for_results();
    // A replay allocates nothing, but its pool (the two blocks) is in use.
    CHECK(kc::memory_stats().peak >= m0.in_use + 2 * bytes);
    const kc::ActivityCounters c1 = kc::activity_counters();
    CHECK(c1.graph_launches == c0.graph_launches + 1);
    CHECK(c1.result_waits == c0.result_waits + 1);
    CHECK(c1.host_syncs == c0.host_syncs);
    kc::destroy_graph(graph);
    for (void* p : others) kc::device_free(p);
    // Now the graph's blocks are back in the cache.
    std::vector<void*> again;
    bool reused = false;
    for (int i = 0; i < 8; ++i) {
      again.push_back(kc::device_alloc(bytes));
      reused = reused || again.back() == inside || again.back() == before;
    }
    CHECK(reused);
    for (void* p : again) kc::device_free(p);
    kc::pinned_free(pinned);
  }

  TEST_CASE("cuda graphs: a host wait inside a capture fails it with CUDA's reason") {
    MGST_REQUIRE_GPU();
    kc::begin_capture();
    std::vector<float> host(8, 1.f);
    void* p = kc::device_alloc(host.size() * sizeof(float));
    CHECK_THROWS_AS(kc::memcpy_h2d(p, host.data(), host.size() * sizeof(float)), mgst::Error);
    try {
      (void)kc::end_capture();
      FAIL("a capture with a pageable copy ended well");
    } catch (const mgst::Error& e) {
      CHECK(std::string(e.what()).find("capture failed") != std::string::npos);
    }
    CHECK_FALSE(kc::capturing());
    kc::device_free(p);
  }

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
