// The CUDA backend's runtime (kernels/cuda/runtime.h): device discovery,
// the one stream, the caching allocator and copies.
//
// Caching allocator: requests are rounded up to a size class (512 B
// minimum, then 4 classes per power of two, so at most 25% waste); a freed
// block goes onto its class's free list and the next request of that class
// takes it back without cudaMalloc. A training loop allocates the same sizes
// every step, so after the first step it does no cudaMalloc/cudaFree. When
// cudaMalloc fails the cache is returned to the driver and the request is
// retried once; if it still fails the error names the request and the cache.
#include <cuda_runtime.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "kernels/cuda/check.cuh"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/runtime.h"

namespace mgst::kernels::cuda {

namespace {

// ActivityCounters: relaxed atomics, the order between them does not matter.
std::atomic<long long> g_launches{0}, g_host_syncs{0}, g_result_waits{0}, g_graph_launches{0};
// Launches made while capturing go to the graph being recorded instead.
std::atomic<bool> g_capturing{false};
std::atomic<long long> g_captured_launches{0};

// cudaStreamSynchronize on the backend's stream, counted.
cudaError_t wait_for_stream() {
  g_host_syncs.fetch_add(1, std::memory_order_relaxed);
  return cudaStreamSynchronize(stream());
}

struct DeviceInfo {
  bool ok = false;
  std::string description;
};

const DeviceInfo& device_info() {
  static const DeviceInfo info = [] {
    DeviceInfo d;
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
      (void)cudaGetLastError();
      d.description = std::string("no CUDA device: ") + cudaGetErrorString(err);
      return d;
    }
    if (count == 0) {
      d.description = "no CUDA device: cudaGetDeviceCount returned 0";
      return d;
    }
    cudaDeviceProp prop{};
    const cudaError_t perr = cudaGetDeviceProperties(&prop, 0);
    if (perr != cudaSuccess) {
      (void)cudaGetLastError();
      d.description = std::string("CUDA device 0 unusable: ") + cudaGetErrorString(perr);
      return d;
    }
    std::ostringstream os;
    os << prop.name << " (sm_" << prop.major << prop.minor << ", " << prop.multiProcessorCount
       << " SMs, " << (prop.totalGlobalMem >> 20) << " MiB)";
    d.description = os.str();
    d.ok = true;
    return d;
  }();
  return info;
}

std::string bytes_str(std::size_t b) {
  std::ostringstream os;
  if (b >= (std::size_t(1) << 20))
    os << double(b) / double(1 << 20) << " MiB";
  else
    os << b << " B";
  return os.str();
}

// Size class: 512 B minimum, then 4 classes per power of two.
std::size_t size_class(std::size_t bytes) {
  if (bytes <= 512) return 512;
  std::size_t pow2 = 512;
  while (pow2 * 2 < bytes) pow2 *= 2;  // pow2 < bytes <= 2*pow2
  const std::size_t step = pow2 / 4;   // classes pow2 + k*step, k=1..4
  return ((bytes + step - 1) / step) * step;
}

// Free blocks by size class.
using FreeLists = std::map<std::size_t, std::vector<void*>>;

// Takes a block of class `cls` off `lists`, or nullptr.
void* take(FreeLists& lists, std::size_t cls) {
  auto it = lists.find(cls);
  if (it == lists.end() || it->second.empty()) return nullptr;
  void* p = it->second.back();
  it->second.pop_back();
  return p;
}

class CachingAllocator {
 public:
  void* alloc(std::size_t bytes) {
    if (bytes == 0) bytes = 1;
    const std::size_t cls = size_class(bytes);
    std::lock_guard<std::mutex> lock(mu_);
    // While a graph is captured its own pool comes first; a block of the
    // shared cache may join it (no graph uses those).
    void* p = capture_pool_ ? take(pools_[capture_pool_], cls) : nullptr;
    if (!p) p = take(free_, cls);
    if (p) {
      cached_ -= cls;
    } else {
      cudaError_t err = cudaMalloc(&p, cls);
      if (err != cudaSuccess) {
        (void)cudaGetLastError();
        release_locked();  // give the cache back and retry once
        err = cudaMalloc(&p, cls);
      }
      if (err != cudaSuccess) {
        (void)cudaGetLastError();
        std::ostringstream os;
        os << "CUDA out of memory: requested " << bytes_str(bytes) << " (class " << bytes_str(cls)
           << "), in use " << bytes_str(in_use_) << ", cached " << bytes_str(cached_) << ", peak "
           << bytes_str(peak_) << ": " << cudaGetErrorString(err);
        ::mgst::detail::throw_error(os.str(), __FILE__, __LINE__);
      }
    }
    if (poison_) MGST_CHECK_CUDA(cudaMemsetAsync(p, 0xFF, cls, stream()));
    live_[p] = {cls, capture_pool_};
    in_use_ += cls;
    peak_ = std::max(peak_, in_use_);
    return p;
  }

  // A block freed while a graph is captured joins that graph's pool, even
  // one allocated before: the graph may read it.
  void free(void* p) {
    if (!p) return;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = live_.find(p);
    MGST_CHECK(it != live_.end(),
               "device_free: pointer " << p << " was not returned by device_alloc (double free?)");
    const Block b = it->second;
    live_.erase(it);
    in_use_ -= b.cls;
    cached_ += b.cls;
    const int pool = capture_pool_ ? capture_pool_ : b.pool;
    (pool && pools_.count(pool) ? pools_[pool] : free_)[b.cls].push_back(p);
  }

  // A replay of graph `id` uses every block of its pool: the peak counts
  // them as in use (they are the step's activations and workspaces).
  void note_replay(int id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pools_.find(id);
    if (it == pools_.end()) return;
    std::size_t pool = 0;
    for (const auto& [cls, list] : it->second) pool += cls * list.size();
    peak_ = std::max(peak_, in_use_ + pool);
  }

  // Graph pools: open while capturing graph `id`, then kept until drop_pool.
  void open_pool(int id) {
    std::lock_guard<std::mutex> lock(mu_);
    pools_[id];
    capture_pool_ = id;
  }
  void close_pool() {
    std::lock_guard<std::mutex> lock(mu_);
    capture_pool_ = 0;
  }
  void drop_pool(int id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pools_.find(id);
    if (it == pools_.end()) return;
    for (auto& [cls, list] : it->second)
      free_[cls].insert(free_[cls].end(), list.begin(), list.end());
    pools_.erase(it);
    for (auto& [p, b] : live_)
      if (b.pool == id) b.pool = 0;
    if (capture_pool_ == id) capture_pool_ = 0;
  }

  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    release_locked();
  }

  MemoryStats stats() {
    std::lock_guard<std::mutex> lock(mu_);
    MemoryStats s;
    s.in_use = in_use_;
    s.cached = cached_;
    s.peak = peak_;
    return s;
  }

  void reset_peak() {
    std::lock_guard<std::mutex> lock(mu_);
    peak_ = in_use_;
  }

 private:
  // Only the shared cache goes back to the driver: graph pools stay.
  void release_locked() {
    // Blocks may still be read by queued kernels: wait before freeing.
    (void)wait_for_stream();
    for (auto& [cls, list] : free_) {
      for (void* p : list) (void)cudaFree(p);
      cached_ -= cls * list.size();
      list.clear();
    }
    (void)cudaGetLastError();
  }

  // MGST_CUDA_POISON_ALLOC=1 (the test binary sets it): every block handed
  // out is filled with 0xFF bytes, a NaN, so a kernel that reads memory it
  // never wrote (scratch, a reused block) fails its comparison.
  const bool poison_ = [] {
    const char* v = std::getenv("MGST_CUDA_POISON_ALLOC");
    return v && *v && *v != '0';
  }();
  struct Block {
    std::size_t cls;
    int pool;  // the graph whose pool it belongs to, 0 for the shared cache
  };
  std::mutex mu_;
  FreeLists free_;                  // the shared cache
  std::map<int, FreeLists> pools_;  // graph id -> its pool's free blocks
  int capture_pool_ = 0;            // the graph being captured, or 0
  std::unordered_map<void*, Block> live_;
  std::size_t in_use_ = 0, cached_ = 0, peak_ = 0;
};

// Never destroyed: at process exit the CUDA context may already be gone, and
// the driver reclaims everything anyway.
CachingAllocator& allocator() {
  static auto* a = new CachingAllocator;
  return *a;
}

}  // namespace

bool available() {
  try {
    return device_info().ok;
  } catch (...) {
    return false;
  }
}

std::string device_description() { return device_info().description; }

cudaStream_t stream() {
  // A blocking stream (not cudaStreamNonBlocking): it also orders against
  // the legacy default stream, so a plain cudaMemset/cudaMemcpy elsewhere
  // (tests poisoning buffers) cannot race with our kernels.
  static cudaStream_t s = [] {
    MGST_CHECK(available(), "CUDA backend used without a GPU: " << device_description());
    cudaStream_t st = nullptr;
    MGST_CHECK_CUDA(cudaStreamCreateWithFlags(&st, cudaStreamDefault));
    return st;
  }();
  return s;
}

void* device_alloc(std::size_t bytes) { return allocator().alloc(bytes); }
void device_free(void* p) { allocator().free(p); }
void release_cached_memory() { allocator().release(); }
MemoryStats memory_stats() { return allocator().stats(); }
void reset_peak_memory() { allocator().reset_peak(); }

void memcpy_h2d(void* dst, const void* src, std::size_t bytes) {
  if (!bytes) return;
  MGST_CHECK_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream()));
  // The host buffer may be pageable and reused right after we return.
  MGST_CHECK_CUDA(wait_for_stream());
}

void memcpy_d2h(void* dst, const void* src, std::size_t bytes) {
  if (!bytes) return;
  MGST_CHECK_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream()));
  MGST_CHECK_CUDA(wait_for_stream());
}

void memcpy_d2d(void* dst, const void* src, std::size_t bytes) {
  if (!bytes) return;
  MGST_CHECK_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream()));
}

void synchronize() { MGST_CHECK_CUDA(wait_for_stream()); }

void* pinned_alloc(std::size_t bytes) {
  void* p = nullptr;
  MGST_CHECK_CUDA(cudaMallocHost(&p, std::max<std::size_t>(bytes, 1)));
  return p;
}
void pinned_free(void* p) {
  if (p) (void)cudaFreeHost(p);
}
void memcpy_h2d_async(void* dst, const void* pinned_src, std::size_t bytes) {
  if (bytes)
    MGST_CHECK_CUDA(cudaMemcpyAsync(dst, pinned_src, bytes, cudaMemcpyHostToDevice, stream()));
}
void memcpy_d2h_async(void* pinned_dst, const void* src, std::size_t bytes) {
  if (bytes)
    MGST_CHECK_CUDA(cudaMemcpyAsync(pinned_dst, src, bytes, cudaMemcpyDeviceToHost, stream()));
}
void wait_for_results() {
  g_result_waits.fetch_add(1, std::memory_order_relaxed);
  MGST_CHECK_CUDA(cudaStreamSynchronize(stream()));
}

// ---- graphs ------------------------------------------------------------------
namespace {
struct GraphEntry {
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  long long kernels = 0;
};
std::mutex g_graph_mu;
std::map<int, GraphEntry> g_graphs;
int g_next_graph = 1, g_capturing_graph = 0;
}  // namespace

void begin_capture() {
  std::lock_guard<std::mutex> lock(g_graph_mu);
  MGST_CHECK(!g_capturing_graph, "begin_capture: a capture is already running");
  const int id = g_next_graph++;
  MGST_CHECK_CUDA(cudaStreamBeginCapture(stream(), cudaStreamCaptureModeRelaxed));
  allocator().open_pool(id);
  g_capturing_graph = id;
  g_captured_launches = 0;
  g_capturing = true;
}

int end_capture() {
  std::lock_guard<std::mutex> lock(g_graph_mu);
  MGST_CHECK(g_capturing_graph, "end_capture without begin_capture");
  const int id = g_capturing_graph;
  g_capturing_graph = 0;
  g_capturing = false;
  allocator().close_pool();
  GraphEntry e;
  e.kernels = g_captured_launches.load();
  const cudaError_t err = cudaStreamEndCapture(stream(), &e.graph);
  if (err != cudaSuccess) {
    (void)cudaGetLastError();
    allocator().drop_pool(id);
    MGST_FAIL("CUDA graph capture failed: " << cudaGetErrorName(err) << " ("
                                            << cudaGetErrorString(err)
                                            << "): the captured step waited for the GPU or "
                                               "copied from pageable host memory");
  }
  const cudaError_t ierr = cudaGraphInstantiate(&e.exec, e.graph, 0);
  if (ierr != cudaSuccess) {
    (void)cudaGetLastError();
    (void)cudaGraphDestroy(e.graph);
    allocator().drop_pool(id);
    MGST_FAIL("cudaGraphInstantiate failed: " << cudaGetErrorName(ierr) << " ("
                                              << cudaGetErrorString(ierr) << ")");
  }
  g_graphs[id] = e;
  return id;
}

void abort_capture() {
  std::lock_guard<std::mutex> lock(g_graph_mu);
  if (!g_capturing_graph) return;
  const int id = g_capturing_graph;
  g_capturing_graph = 0;
  g_capturing = false;
  allocator().close_pool();
  cudaGraph_t graph = nullptr;
  (void)cudaStreamEndCapture(stream(), &graph);
  if (graph) (void)cudaGraphDestroy(graph);
  (void)cudaGetLastError();
  allocator().drop_pool(id);
}

void launch_graph(int graph) {
  long long kernels = 0;
  cudaGraphExec_t exec = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_graph_mu);
    auto it = g_graphs.find(graph);
    MGST_CHECK(it != g_graphs.end(), "launch_graph: no graph " << graph);
    exec = it->second.exec;
    kernels = it->second.kernels;
  }
  MGST_CHECK_CUDA(cudaGraphLaunch(exec, stream()));
  allocator().note_replay(graph);
  g_launches.fetch_add(kernels, std::memory_order_relaxed);
  g_graph_launches.fetch_add(1, std::memory_order_relaxed);
}

void destroy_graph(int graph) {
  GraphEntry e;
  {
    std::lock_guard<std::mutex> lock(g_graph_mu);
    auto it = g_graphs.find(graph);
    if (it == g_graphs.end()) return;
    e = it->second;
    g_graphs.erase(it);
  }
  // A replay still running keeps its nodes (freed when it completes); its
  // blocks are reused only by work queued after it on the same stream.
  (void)cudaGraphExecDestroy(e.exec);
  (void)cudaGraphDestroy(e.graph);
  allocator().drop_pool(graph);
}

bool capturing() { return g_capturing.load(); }

ActivityCounters activity_counters() {
  return {g_launches.load(std::memory_order_relaxed), g_host_syncs.load(std::memory_order_relaxed),
          g_result_waits.load(std::memory_order_relaxed),
          g_graph_launches.load(std::memory_order_relaxed)};
}

namespace {
std::atomic<bool> g_log_ops{false};
std::mutex g_ops_mu;
std::map<std::string, long long> g_ops;
}  // namespace

void enable_launch_log(bool on) { g_log_ops = on; }

std::map<std::string, long long> launches_by_op() {
  std::lock_guard<std::mutex> lock(g_ops_mu);
  return g_ops;
}

namespace detail {
void count_launch(std::string_view op) {
  (g_capturing.load(std::memory_order_relaxed) ? g_captured_launches : g_launches)
      .fetch_add(1, std::memory_order_relaxed);
  if (g_log_ops.load(std::memory_order_relaxed)) {
    std::lock_guard<std::mutex> lock(g_ops_mu);
    ++g_ops[std::string(op)];
  }
}
}  // namespace detail

void* stream_handle() { return static_cast<void*>(stream()); }

}  // namespace mgst::kernels::cuda
