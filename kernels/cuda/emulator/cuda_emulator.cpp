// The CUDA emulator's engine (see cuda_emulator.h): the block scheduler that
// runs CUDA threads as fibers, and the subset of the CUDA runtime API that
// mgst calls, implemented on host memory. Linked instead of libcudart in a
// -DMGST_CUDA=EMULATE build; never part of a real CUDA build.
//
// Scheduling: a block's threads start as fibers (64 KiB stacks with a guard
// page, switched by the six-register swap below: glibc's swapcontext makes a
// system call per switch and was most of the run time); the blocks of a grid
// are spread over the OpenMP threads. Within a block, warp 0 runs as far as
// it can (its lanes in turn, released together at each shuffle) until every
// lane waits at __syncthreads() or has returned, then warp 1, and so on;
// MGST_EMU_ORDER=reverse runs warps, lanes and blocks last to first. When
// every warp is parked the block barrier opens. A barrier only part of the
// block (or warp) reaches is a divergence: the launch fails and
// cudaGetErrorString names the kernel and block.
#include "kernels/cuda/emulator/cuda_emulator.h"

#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

// Opaque handle types of the runtime API; the emulator's are trivial.
struct CUstream_st {
  int unused = 0;
};
struct CUevent_st {
  std::chrono::steady_clock::time_point at{};
  bool recorded = false;
};
// A captured graph and its executable form: the recorded work, in stream
// order (one stream is captured at a time, so the order is the dependency).
struct CUgraph_st {
  std::vector<std::function<void()>> nodes;
};
struct CUgraphExec_st {
  std::vector<std::function<void()>> nodes;
};

#if !defined(__x86_64__)
#error "the CUDA emulator's context switch is written for x86-64"
#endif

// mgst_emu_switch(&from_sp, to_sp): saves the callee-saved registers on the
// current stack, stores its pointer in *from_sp, and resumes the stack at
// to_sp (System V x86-64: rbx, rbp, r12-r15 are all a switch must keep).
extern "C" void mgst_emu_switch(void** from_sp, void* to_sp);
asm(R"(
  .text
  .globl mgst_emu_switch
  .type mgst_emu_switch, @function
mgst_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size mgst_emu_switch, .-mgst_emu_switch
  .section .note.GNU-stack,"",@progbits
  .text
)");

namespace mgst::emu {
namespace {

constexpr std::size_t kStackBytes = 64 << 10;
constexpr int kMaxThreadsPerBlock = 1024;

enum class State { Runnable, AtBlockBarrier, AtWarpBarrier, Done, Faulted };

// A cp.async copy issued by a thread, not yet waited for: the source bytes
// (read at issue), where they go, and the commit group (-1 = not yet committed).
struct AsyncCopy {
  unsigned char* dst;
  std::array<unsigned char, 16> data;
  int bytes;
  long group;
};

struct Fiber {
  void* sp = nullptr;  // saved stack pointer while parked
  char* stack = nullptr;
  void* fake = nullptr;  // ASan fake stack while parked
  State state = State::Done;
  uint3 index{0, 0, 0};
  std::vector<AsyncCopy> async;  // pending cp.async copies, oldest first
  long committed = 0;            // cp.async groups committed so far
};

// One per OS thread: blocks run in parallel on the OpenMP threads.
struct Engine {
  void* scheduler_sp = nullptr;
  // AddressSanitizer's view of the stacks (tools/sanitize.sh runs the
  // emulated kernels under ASan): the scheduler's stack bounds and its
  // fake stack while a fiber runs.
  const void* scheduler_bottom = nullptr;
  std::size_t scheduler_size = 0;
  void* scheduler_fake = nullptr;
  std::vector<Fiber> fibers;
  char* stacks = nullptr;  // kMaxThreadsPerBlock stacks, each under a guard page
  int current = -1;
  ThreadCoords coords;
  const std::function<void()>* body = nullptr;
  std::vector<std::array<unsigned char, kWarpSlotBytes>> exchange;
  std::string fault;  // set by fault(): the running fiber's error, "" if none

  std::size_t stride() const { return kStackBytes + std::size_t(getpagesize()); }

  char* stack(int i) {
    if (!stacks) {
      const std::size_t bytes = stride() * kMaxThreadsPerBlock;
      void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      stacks = static_cast<char*>(p);
      for (int k = 0; k < kMaxThreadsPerBlock; ++k)  // overflow faults instead of corrupting
        mprotect(stacks + stride() * std::size_t(k), std::size_t(getpagesize()), PROT_NONE);
    }
    return stacks + stride() * std::size_t(i) + std::size_t(getpagesize());
  }
};

thread_local Engine engine;

std::mutex error_mu;
cudaError_t last_error = cudaSuccess;
std::string last_failure;  // the message behind the latest cudaErrorLaunchFailure

bool reverse_order() {
  static const bool r = [] {
    const char* v = std::getenv("MGST_EMU_ORDER");
    return v && std::string(v) == "reverse";
  }();
  return r;
}

// ASan must be told of every stack switch (else it takes the fibers' frames
// for overflows of the scheduler's stack); no-ops in other builds.
#if defined(__SANITIZE_ADDRESS__)
void asan_leave(void** fake_save, const void* bottom, std::size_t size) {
  __sanitizer_start_switch_fiber(fake_save, bottom, size);
}
void asan_arrive(void* fake, const void** bottom_old = nullptr, std::size_t* size_old = nullptr) {
  __sanitizer_finish_switch_fiber(fake, bottom_old, size_old);
}
void asan_fresh_stack(char* stack) { __asan_unpoison_memory_region(stack, kStackBytes); }
#else
void asan_leave(void**, const void*, std::size_t) {}
void asan_arrive(void*, const void** = nullptr, std::size_t* = nullptr) {}
void asan_fresh_stack(char*) {}
#endif

[[noreturn]] void fiber_main() {
  Engine& e = engine;
  asan_arrive(nullptr, &e.scheduler_bottom, &e.scheduler_size);
  (*e.body)();
  Fiber& f = e.fibers[std::size_t(e.current)];
  f.state = State::Done;
  asan_leave(nullptr, e.scheduler_bottom, e.scheduler_size);  // this fiber's frames are gone
  mgst_emu_switch(&f.sp, e.scheduler_sp);                     // never resumed
  __builtin_unreachable();
}

// A fresh fiber's stack: six zero registers for mgst_emu_switch to pop, then
// fiber_main as the return address, placed so that fiber_main starts with
// the stack alignment of a called function (rsp + 8 a multiple of 16).
void* initial_stack(char* stack_base) {
  auto top = reinterpret_cast<std::uintptr_t>(stack_base + kStackBytes) & ~std::uintptr_t(15);
  auto* sp = reinterpret_cast<void**>(top - 8 * 8);
  for (int r = 0; r < 6; ++r) sp[r] = nullptr;
  sp[6] = reinterpret_cast<void*>(&fiber_main);
  sp[7] = nullptr;
  return sp;
}

void park(State s) {
  Engine& e = engine;
  Fiber& f = e.fibers[std::size_t(e.current)];
  f.state = s;
  asan_leave(&f.fake, e.scheduler_bottom, e.scheduler_size);
  mgst_emu_switch(&f.sp, e.scheduler_sp);
  asan_arrive(f.fake);
}

std::string describe(const char* kernel, uint3 b, const std::string& what) {
  std::ostringstream os;
  os << "CUDA emulator: kernel " << kernel << ", block (" << b.x << "," << b.y << "," << b.z
     << "): " << what;
  return os.str();
}

// Runs one block to completion; returns an error message or "".
std::string run_block(const char* kernel) {
  Engine& e = engine;
  const dim3 bd = e.coords.block_dim;
  const int n = int(bd.x * bd.y * bd.z);
  e.fibers.resize(std::size_t(n));
  e.exchange.assign(std::size_t((n + 31) / 32 * 32), {});
  for (int i = 0; i < n; ++i) {
    Fiber& f = e.fibers[std::size_t(i)];
    f.index = uint3{unsigned(i) % bd.x, unsigned(i) / bd.x % bd.y, unsigned(i) / (bd.x * bd.y)};
    f.state = State::Runnable;
    f.async.clear();  // copies a thread left pending at exit are dropped
    f.committed = 0;
    f.stack = e.stack(i);
    asan_fresh_stack(f.stack);  // a fiber abandoned by a failed launch may have left poison
    f.sp = initial_stack(f.stack);
  }
  const bool rev = reverse_order();
  const int warps = (n + 31) / 32;
  for (;;) {
    // Each warp runs as far as it can before the next starts: the schedule
    // that most separates warps, so a missing __syncthreads() between one
    // warp's write and another's read of shared memory changes the result.
    for (int k = 0; k < warps; ++k) {
      const int w = rev ? warps - 1 - k : k;
      const int lo = w * 32, hi = std::min(n, lo + 32);
      for (;;) {
        for (int j = lo; j < hi; ++j) {
          const int i = rev ? hi - 1 - (j - lo) : j;
          Fiber& f = e.fibers[std::size_t(i)];
          if (f.state != State::Runnable) continue;
          e.current = i;
          e.coords.thread = f.index;
          asan_leave(&e.scheduler_fake, f.stack, kStackBytes);
          mgst_emu_switch(&e.scheduler_sp, f.sp);
          asan_arrive(e.scheduler_fake);
          if (f.state == State::Faulted) return describe(kernel, e.coords.block, e.fault);
        }
        int waiting = 0;
        for (int i = lo; i < hi; ++i)
          waiting += e.fibers[std::size_t(i)].state == State::AtWarpBarrier;
        if (waiting == 0) break;
        if (waiting != hi - lo) {
          std::ostringstream os;
          os << "warp " << w << ": " << waiting << " of " << hi - lo
             << " lanes reached a full-mask warp shuffle or collective, the others returned or "
                "wait at __syncthreads()";
          return describe(kernel, e.coords.block, os.str());
        }
        for (int i = lo; i < hi; ++i) e.fibers[std::size_t(i)].state = State::Runnable;
      }
    }
    // Every fiber has now returned or waits at __syncthreads().
    int done = 0;
    for (const Fiber& f : e.fibers) done += f.state == State::Done;
    if (done == n) return "";
    if (done > 0) {
      std::ostringstream os;
      os << "__syncthreads() reached by " << n - done << " of " << n << " threads; the other "
         << done << " had returned (divergent barrier)";
      return describe(kernel, e.coords.block, os.str());
    }
    for (Fiber& f : e.fibers) f.state = State::Runnable;  // the block barrier
  }
}

bool valid_config(dim3 g, dim3 b) {
  const std::uint64_t threads = std::uint64_t(b.x) * b.y * b.z;
  return g.x >= 1 && g.y >= 1 && g.z >= 1 && g.x <= 0x7fffffffu && g.y <= 65535 && g.z <= 65535 &&
         b.x >= 1 && b.y >= 1 && b.z >= 1 && b.x <= 1024 && b.y <= 1024 && b.z <= 64 &&
         threads <= std::uint64_t(kMaxThreadsPerBlock);
}

}  // namespace

const ThreadCoords& coords() { return engine.coords; }
void block_barrier() { park(State::AtBlockBarrier); }
void warp_barrier() { park(State::AtWarpBarrier); }
int lane_id() { return engine.current & 31; }
int warp_lanes() {
  const Engine& e = engine;
  const dim3 bd = e.coords.block_dim;
  const int n = int(bd.x * bd.y * bd.z);
  return std::min(32, n - (e.current & ~31));
}
unsigned char* warp_exchange_slot(int lane) {
  Engine& e = engine;
  return e.exchange[std::size_t((e.current & ~31) + (lane & 31))].data();
}
// Both build their message before parking and hold nothing on the heap
// when they do: the faulting fiber is abandoned, its destructors never run.
void fault(const char* what) {
  Engine& e = engine;
  {
    std::ostringstream os;
    os << "thread " << e.current << " (warp " << (e.current >> 5) << ", lane " << (e.current & 31)
       << "): " << what;
    e.fault = os.str();
  }
  park(State::Faulted);  // run_block sees the state and fails the launch
  __builtin_unreachable();
}
void require_full_warp(const char* op) {
  const int n = warp_lanes();
  if (n == 32) return;
  char what[160];
  std::snprintf(what, sizeof what,
                "%s needs all 32 lanes of the warp; this warp has %d (block size not a multiple "
                "of 32)",
                op, n);
  fault(what);
}

void cp_async(void* dst, const void* src, int bytes, int src_bytes) {
  const auto misaligned = [bytes](const void* p) {
    return reinterpret_cast<std::uintptr_t>(p) % std::uintptr_t(bytes) != 0;
  };
  if (bytes != 4 && bytes != 8 && bytes != 16)
    fault("cp.async: the copy size must be 4, 8 or 16 bytes");
  if (src_bytes < 0 || src_bytes > bytes) fault("cp.async: src-size must lie in [0, copy size]");
  if (misaligned(dst) || (src_bytes > 0 && misaligned(src)))
    fault("cp.async: shared and global addresses must be aligned to the copy size");
  Engine& e = engine;
  AsyncCopy c{static_cast<unsigned char*>(dst), {}, bytes, -1};
  if (src_bytes > 0) std::memcpy(c.data.data(), src, std::size_t(src_bytes));
  std::memset(dst, 0xff, std::size_t(bytes));  // poison until waited for
  e.fibers[std::size_t(e.current)].async.push_back(c);
}
void cp_async_commit() {
  Fiber& f = engine.fibers[std::size_t(engine.current)];
  for (AsyncCopy& c : f.async)
    if (c.group < 0) c.group = f.committed;
  ++f.committed;
}
void cp_async_wait(int n) {
  Fiber& f = engine.fibers[std::size_t(engine.current)];
  // Complete the committed groups older than the n most recent, in order.
  std::size_t kept = 0;
  for (AsyncCopy& c : f.async) {
    if (c.group >= 0 && c.group < f.committed - n)
      std::memcpy(c.dst, c.data.data(), std::size_t(c.bytes));
    else
      f.async[kept++] = c;
  }
  f.async.resize(kept);
}

void set_last_error(cudaError_t err) {
  std::lock_guard<std::mutex> lock(error_mu);
  if (last_error == cudaSuccess) last_error = err;
}

// MGST_EMU_LAUNCH_LOG=FILE: at exit, FILE lists every kernel launched and
// how often (which kernels a test run exercised).
namespace {
class LaunchLog {
 public:
  void count(const char* kernel) {
    if (!path_) return;
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[kernel];
  }
  ~LaunchLog() {
    if (!path_) return;
    if (FILE* f = std::fopen(path_, "w")) {
      for (const auto& [name, n] : counts_) std::fprintf(f, "%s\t%lld\n", name.c_str(), n);
      std::fclose(f);
    }
  }

 private:
  const char* path_ = std::getenv("MGST_EMU_LAUNCH_LOG");
  std::mutex mu_;
  std::map<std::string, long long> counts_;
};
LaunchLog launch_log;
}  // namespace

// Blocks are shared out over the OpenMP threads (as over SMs: in parallel,
// in no fixed order); each OS thread has its own engine, fiber stacks and
// __shared__ variables.
cudaError_t run_grid(dim3 grid, dim3 block, const char* kernel_name,
                     const std::function<void()>& thread_body) {
  if (!valid_config(grid, block)) return cudaErrorInvalidConfiguration;
  if (engine.body) return cudaErrorLaunchFailure;  // a launch from device code
  launch_log.count(kernel_name);
  const std::int64_t blocks = std::int64_t(grid.x) * grid.y * grid.z;
  const bool rev = reverse_order();
  std::mutex failure_mu;
  std::string failure;
  std::atomic<bool> failed{false};
#pragma omp parallel if (blocks > 1)
  {
    Engine& e = engine;
    e.body = &thread_body;
    e.coords.block_dim = block;
    e.coords.grid_dim = grid;
#pragma omp for schedule(dynamic, 4)
    for (std::int64_t k = 0; k < blocks; ++k) {
      if (failed) continue;
      const std::uint64_t b = std::uint64_t(rev ? blocks - 1 - k : k);
      e.coords.block = uint3{unsigned(b % grid.x), unsigned(b / grid.x % grid.y),
                             unsigned(b / (std::uint64_t(grid.x) * grid.y))};
      std::string f = run_block(kernel_name);
      if (!f.empty()) {
        std::lock_guard<std::mutex> lock(failure_mu);
        if (!failed) failure = std::move(f);
        failed = true;
      }
    }
    e.body = nullptr;
    e.current = -1;
  }
  if (!failed) return cudaSuccess;
  std::fprintf(stderr, "%s\n", failure.c_str());
  std::lock_guard<std::mutex> lock(error_mu);
  last_failure = failure;
  return cudaErrorLaunchFailure;
}

// ---- Stream capture ----------------------------------------------------------------
// One capture at a time (mgst captures its one stream). `invalid` holds why
// the capture broke, reported by cudaStreamEndCapture.
namespace {
struct Capture {
  std::mutex mu;
  cudaStream_t stream = nullptr;
  bool active = false;
  cudaStreamCaptureMode mode = cudaStreamCaptureModeGlobal;
  std::vector<std::function<void()>> nodes;
  std::string invalid;
};
Capture& capture() {
  static auto* c = new Capture;
  return *c;
}
}  // namespace

bool record_if_capturing(cudaStream_t stream, std::function<void()> node) {
  Capture& c = capture();
  std::lock_guard<std::mutex> lock(c.mu);
  if (!c.active || stream != c.stream) return false;
  c.nodes.push_back(std::move(node));
  return true;
}

namespace {
// A call that real capture forbids: breaks the capture (if any) and returns
// the error the runtime gives, or cudaSuccess when nothing is captured.
cudaError_t forbidden_in_capture(const char* what, bool relaxed_allows = false) {
  Capture& c = capture();
  std::lock_guard<std::mutex> lock(c.mu);
  if (!c.active || (relaxed_allows && c.mode == cudaStreamCaptureModeRelaxed)) return cudaSuccess;
  if (c.invalid.empty()) c.invalid = what;
  return cudaErrorStreamCaptureUnsupported;
}
}  // namespace

}  // namespace mgst::emu

// ---- The CUDA runtime API on host memory ----------------------------------------------

namespace {

// Emulated device memory: 256-byte aligned host blocks, tracked so that
// cudaFree of a foreign pointer fails as it does on a GPU. The capacity is
// MGST_EMU_MEMORY_MB (default 4096), so out-of-memory paths can be tested.
struct DeviceMemory {
  std::mutex mu;
  std::unordered_map<void*, std::size_t> blocks;
  std::size_t used = 0;
  std::size_t capacity() const {
    const char* v = std::getenv("MGST_EMU_MEMORY_MB");
    return std::size_t(v && *v ? std::atoll(v) : 4096) << 20;
  }
};
DeviceMemory& memory() {
  static auto* m = new DeviceMemory;
  return *m;
}

cudaError_t fail(cudaError_t err) {
  mgst::emu::set_last_error(err);
  return err;
}

// fail() for a forbidden-in-capture result (cudaSuccess passes through).
cudaError_t fail_if(cudaError_t err) { return err == cudaSuccess ? err : fail(err); }

// Pinned host memory (cudaMallocHost): plain host blocks, tracked so that a
// captured copy can insist on them, as the hardware's DMA does.
struct PinnedMemory {
  std::mutex mu;
  std::map<const char*, std::size_t> blocks;  // start -> bytes
  bool contains(const void* p, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mu);
    const char* q = static_cast<const char*>(p);
    auto it = blocks.upper_bound(q);
    if (it == blocks.begin()) return false;
    --it;
    return q + bytes <= it->first + it->second;
  }
};
PinnedMemory& pinned() {
  static auto* m = new PinnedMemory;
  return *m;
}

// A copy on `stream`: recorded when it captures (host memory must then be
// pinned), else done now.
cudaError_t stream_copy(void* dst, const void* src, std::size_t count, cudaMemcpyKind kind,
                        cudaStream_t stream) {
  auto copy = [=] {
    if (count) std::memmove(dst, src, count);
  };
  {
    mgst::emu::Capture& c = mgst::emu::capture();
    std::unique_lock<std::mutex> lock(c.mu);
    const bool captured = c.active && stream == c.stream;
    lock.unlock();
    if (captured) {
      const void* host = kind == cudaMemcpyHostToDevice   ? src
                         : kind == cudaMemcpyDeviceToHost ? static_cast<const void*>(dst)
                                                          : nullptr;
      if (host && !pinned().contains(host, count))
        return fail(mgst::emu::forbidden_in_capture(
            "cudaMemcpyAsync between the device and pageable host memory"));
    }
  }
  if (!mgst::emu::record_if_capturing(stream, copy)) copy();
  return cudaSuccess;
}

}  // namespace

extern "C" {

cudaError_t cudaGetDeviceCount(int* count) {
  *count = 1;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (device != 0) return fail(cudaErrorInvalidDevice);
  *prop = cudaDeviceProp{};
  std::snprintf(prop->name, sizeof(prop->name), "mgst CUDA emulator on the CPU (not a GPU)");
  prop->major = 9;
  prop->minor = 0;
  prop->multiProcessorCount = 132;
  prop->totalGlobalMem = memory().capacity();
  prop->warpSize = 32;
  prop->maxThreadsPerBlock = 1024;
  prop->sharedMemPerBlock = 48 << 10;
  prop->l2CacheSize = 50 << 20;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  if (device != 0) return fail(cudaErrorInvalidDevice);
  switch (attr) {
    case cudaDevAttrL2CacheSize: *value = 50 << 20; return cudaSuccess;
    case cudaDevAttrMultiProcessorCount: *value = 132; return cudaSuccess;
    case cudaDevAttrWarpSize: *value = 32; return cudaSuccess;
    case cudaDevAttrMaxThreadsPerBlock: *value = 1024; return cudaSuccess;
    default: *value = 0; return cudaSuccess;
  }
}

cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) {
  return device == 0 ? cudaSuccess : fail(cudaErrorInvalidDevice);
}
cudaError_t cudaDeviceSynchronize(void) {  // launches are synchronous: nothing to wait for
  return fail_if(mgst::emu::forbidden_in_capture("cudaDeviceSynchronize"));
}

cudaError_t cudaStreamCreate(cudaStream_t* s) {
  *s = new CUstream_st;
  return cudaSuccess;
}
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned int) { return cudaStreamCreate(s); }
cudaError_t cudaStreamDestroy(cudaStream_t s) {
  delete s;
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t) {
  return fail_if(mgst::emu::forbidden_in_capture("cudaStreamSynchronize"));
}

cudaError_t cudaMalloc(void** ptr, size_t size) {
  *ptr = nullptr;
  if (fail_if(mgst::emu::forbidden_in_capture("cudaMalloc", /*relaxed_allows=*/true)))
    return cudaErrorStreamCaptureUnsupported;
  DeviceMemory& m = memory();
  std::lock_guard<std::mutex> lock(m.mu);
  *ptr = nullptr;
  const std::size_t bytes = (std::max<std::size_t>(size, 1) + 255) / 256 * 256;
  if (bytes > m.capacity() || m.used + bytes > m.capacity()) return fail(cudaErrorMemoryAllocation);
  void* p = std::aligned_alloc(256, bytes);
  if (!p) return fail(cudaErrorMemoryAllocation);
  m.blocks[p] = bytes;
  m.used += bytes;
  *ptr = p;
  return cudaSuccess;
}

cudaError_t cudaFree(void* ptr) {
  if (!ptr) return cudaSuccess;
  if (fail_if(mgst::emu::forbidden_in_capture("cudaFree")))
    return cudaErrorStreamCaptureUnsupported;
  DeviceMemory& m = memory();
  std::lock_guard<std::mutex> lock(m.mu);
  auto it = m.blocks.find(ptr);
  if (it == m.blocks.end()) return fail(cudaErrorInvalidValue);
  m.used -= it->second;
  m.blocks.erase(it);
  std::free(ptr);
  return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total) {
  DeviceMemory& m = memory();
  std::lock_guard<std::mutex> lock(m.mu);
  *total = m.capacity();
  *free_bytes = m.capacity() - m.used;
  return cudaSuccess;
}

cudaError_t cudaMallocHost(void** ptr, size_t size) {
  *ptr = std::aligned_alloc(256, (std::max<std::size_t>(size, 1) + 255) / 256 * 256);
  if (!*ptr) return fail(cudaErrorMemoryAllocation);
  std::lock_guard<std::mutex> lock(pinned().mu);
  pinned().blocks[static_cast<const char*>(*ptr)] = size;
  return cudaSuccess;
}
cudaError_t cudaFreeHost(void* ptr) {
  if (!ptr) return cudaSuccess;
  {
    std::lock_guard<std::mutex> lock(pinned().mu);
    if (!pinned().blocks.erase(static_cast<const char*>(ptr))) return fail(cudaErrorInvalidValue);
  }
  std::free(ptr);
  return cudaSuccess;
}

// The synchronous forms use the legacy stream, which a capture forbids.
cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, cudaMemcpyKind) {
  if (fail_if(mgst::emu::forbidden_in_capture("cudaMemcpy (synchronous)")))
    return cudaErrorStreamCaptureUnsupported;
  if (count) std::memmove(dst, src, count);
  return cudaSuccess;
}
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, cudaMemcpyKind kind,
                            cudaStream_t stream) {
  return stream_copy(dst, src, count, kind, stream);
}
cudaError_t cudaMemset(void* ptr, int value, size_t count) {
  if (fail_if(mgst::emu::forbidden_in_capture("cudaMemset (synchronous)")))
    return cudaErrorStreamCaptureUnsupported;
  if (count) std::memset(ptr, value, count);
  return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void* ptr, int value, size_t count, cudaStream_t stream) {
  auto set = [=] {
    if (count) std::memset(ptr, value, count);
  };
  if (!mgst::emu::record_if_capturing(stream, set)) set();
  return cudaSuccess;
}

// ---- Stream capture and graphs ----
cudaError_t cudaStreamBeginCapture(cudaStream_t stream, cudaStreamCaptureMode mode) {
  mgst::emu::Capture& c = mgst::emu::capture();
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.active || stream == nullptr) return fail(cudaErrorIllegalState);
  c.active = true;
  c.stream = stream;
  c.mode = mode;
  c.nodes.clear();
  c.invalid.clear();
  return cudaSuccess;
}
cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t* graph) {
  *graph = nullptr;
  mgst::emu::Capture& c = mgst::emu::capture();
  std::lock_guard<std::mutex> lock(c.mu);
  if (!c.active || stream != c.stream) return fail(cudaErrorIllegalState);
  c.active = false;
  c.stream = nullptr;
  if (!c.invalid.empty()) {
    std::fprintf(stderr, "CUDA emulator: the capture was invalidated by %s\n", c.invalid.c_str());
    c.nodes.clear();
    return fail(cudaErrorStreamCaptureInvalidated);
  }
  *graph = new CUgraph_st{std::move(c.nodes)};
  c.nodes.clear();
  return cudaSuccess;
}
cudaError_t cudaStreamIsCapturing(cudaStream_t stream, cudaStreamCaptureStatus* status) {
  mgst::emu::Capture& c = mgst::emu::capture();
  std::lock_guard<std::mutex> lock(c.mu);
  *status = !c.active || stream != c.stream ? cudaStreamCaptureStatusNone
            : c.invalid.empty()             ? cudaStreamCaptureStatusActive
                                            : cudaStreamCaptureStatusInvalidated;
  return cudaSuccess;
}
cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph,
                                 unsigned long long /*flags*/) {
  if (!graph) return fail(cudaErrorInvalidValue);
  *exec = new CUgraphExec_st{graph->nodes};
  return cudaSuccess;
}
cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
  if (!exec) return fail(cudaErrorInvalidValue);
  auto run = [exec] {
    for (const auto& node : exec->nodes) node();
  };
  if (!mgst::emu::record_if_capturing(stream, run)) run();
  return cudaPeekAtLastError();
}
cudaError_t cudaGraphGetNodes(cudaGraph_t graph, cudaGraphNode_t* nodes, size_t* count) {
  if (!graph || !count || nodes) return fail(cudaErrorInvalidValue);  // only the count is emulated
  *count = graph->nodes.size();
  return cudaSuccess;
}
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
  delete exec;
  return cudaSuccess;
}
cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  delete graph;
  return cudaSuccess;
}

cudaError_t cudaGetLastError(void) {
  std::lock_guard<std::mutex> lock(mgst::emu::error_mu);
  const cudaError_t e = mgst::emu::last_error;
  mgst::emu::last_error = cudaSuccess;
  return e;
}
cudaError_t cudaPeekAtLastError(void) {
  std::lock_guard<std::mutex> lock(mgst::emu::error_mu);
  return mgst::emu::last_error;
}

const char* cudaGetErrorName(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
    case cudaErrorIllegalState: return "cudaErrorIllegalState";
    case cudaErrorStreamCaptureUnsupported: return "cudaErrorStreamCaptureUnsupported";
    case cudaErrorStreamCaptureInvalidated: return "cudaErrorStreamCaptureInvalidated";
    default: return "cudaError (emulator: unexpected code)";
  }
}
const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory (emulated device, MGST_EMU_MEMORY_MB)";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    case cudaErrorIllegalState: return "operation not permitted in this state (capture)";
    case cudaErrorStreamCaptureUnsupported:
      return "operation not permitted when stream is capturing";
    case cudaErrorStreamCaptureInvalidated:
      return "operation failed due to a previous error during capture";
    case cudaErrorLaunchFailure: {
      std::lock_guard<std::mutex> lock(mgst::emu::error_mu);
      static thread_local std::string msg;
      msg =
          mgst::emu::last_failure.empty() ? "unspecified launch failure" : mgst::emu::last_failure;
      return msg.c_str();
    }
    default: return "unexpected error code (CUDA emulator)";
  }
}

cudaError_t cudaEventCreate(cudaEvent_t* ev) {
  *ev = new CUevent_st;
  return cudaSuccess;
}
cudaError_t cudaEventDestroy(cudaEvent_t ev) {
  delete ev;
  return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t ev, cudaStream_t) {
  ev->at = std::chrono::steady_clock::now();
  ev->recorded = true;
  return cudaSuccess;
}
cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  if (!start->recorded || !end->recorded) return fail(cudaErrorInvalidValue);
  *ms = std::chrono::duration<float, std::milli>(end->at - start->at).count();
  return cudaSuccess;
}

}  // extern "C"
