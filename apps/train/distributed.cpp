#include "apps/train/distributed.h"

#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "kernels/error.h"

#ifdef MGST_WITH_MPI
#include <mpi.h>
#endif
#if defined(MGST_WITH_CUDA) && !defined(MGST_CUDA_EMULATED)
#include <cuda_runtime.h>
#define MGST_DIST_CUDA 1
#endif
#ifdef MGST_WITH_NCCL
#include <nccl.h>

#include "kernels/cuda/runtime.h"
#endif

namespace mgst::train {

namespace {

// The world size the launcher announced in the environment (0: none).
int launcher_size() {
  for (const char* k : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"})
    if (const char* v = std::getenv(k)) return std::atoi(v);
  // PMIx launchers that do not export a size still export the rank.
  return std::getenv("PMIX_RANK") ? 1 : 0;
}

bool g_initialised = false;  // MPI was initialised (the process was started by mpirun)
bool launched() {
  (void)world();
  return g_initialised;
}

#ifdef MGST_WITH_MPI
void check_mpi(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  MGST_FAIL(what << " failed: " << std::string(text, std::size_t(len)));
}
#endif

#ifdef MGST_WITH_NCCL
ncclComm_t g_nccl = nullptr;

void check_nccl(ncclResult_t rc, const char* what) {
  MGST_CHECK(rc == ncclSuccess, what << " failed: " << ncclGetErrorString(rc));
}

// The communicator over every rank, made at the first CUDA all-reduce (a
// collective: every rank reaches it at the same step).
ncclComm_t nccl_comm(const World& w) {
  if (g_nccl) return g_nccl;
  ncclUniqueId id;
  if (w.root()) check_nccl(ncclGetUniqueId(&id), "ncclGetUniqueId");
  check_mpi(MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast of the NCCL id");
  check_nccl(ncclCommInitRank(&g_nccl, w.size, id, w.rank), "ncclCommInitRank");
  return g_nccl;
}
#endif

#ifdef MGST_WITH_MPI
void finalize_at_exit() {
#ifdef MGST_WITH_NCCL
  if (g_nccl) ncclCommDestroy(g_nccl), g_nccl = nullptr;
#endif
  int done = 0;
  MPI_Finalized(&done);
  if (!done) MPI_Finalize();
}

// Ranks on one machine share its cores: each gets cores / local ranks
// threads (at least 1, at most what its CPU binding allows), unless the user
// set OMP_NUM_THREADS.
void share_cores(World& w) {
  if (w.size > 1 && !std::getenv("OMP_NUM_THREADS")) {
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    omp_set_num_threads(
        std::max(1, std::min(omp_get_num_procs(), cores / std::max(1, w.local_size))));
  }
  w.cpu_threads = omp_get_max_threads();
}
#endif

World init_world() {
  World w;
  const int announced = launcher_size();
  if (announced == 0) return w;
#ifdef MGST_WITH_MPI
  int already = 0;
  MPI_Initialized(&already);
  if (!already) {
    int provided = 0;
    check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    std::atexit(finalize_at_exit);
  }
  g_initialised = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &w.size);
  MPI_Comm local;
  check_mpi(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local),
            "MPI_Comm_split_type");
  MPI_Comm_rank(local, &w.local_rank);
  MPI_Comm_size(local, &w.local_size);
  MPI_Comm_free(&local);
#ifdef MGST_DIST_CUDA
  // One GPU per local rank, chosen before anything touches the device.
  int devices = 0;
  if (w.size > 1 && cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0)
    cudaSetDevice(w.local_rank % devices);
#endif
  share_cores(w);
#else
  MGST_CHECK(announced <= 1, "started by mpirun with "
                                 << announced
                                 << " ranks, but this mgst was built without MPI: "
                                    "install libopenmpi-dev and rebuild with -DMGST_MPI=ON");
#endif
  return w;
}

}  // namespace

const World& world() {
  static const World w = init_world();
  return w;
}

std::string distributed_backends() {
  std::string s;
#ifdef MGST_WITH_MPI
  char lib[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(lib, &len);
  std::string name(lib, std::size_t(len));
  const auto cut = name.find_first_of(",\n");
  s = "MPI (" + name.substr(0, cut) + ")";
#endif
#ifdef MGST_WITH_NCCL
  s += ", NCCL " + std::to_string(NCCL_MAJOR) + "." + std::to_string(NCCL_MINOR) + "." +
       std::to_string(NCCL_PATCH);
#endif
  return s.empty() ? "none (built without MPI)" : s;
}

void allreduce_sum(double* values, int n) {
  if (!launched()) return;
#ifdef MGST_WITH_MPI
  check_mpi(MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD),
            "MPI_Allreduce");
#endif
}

void allreduce_sum(float* values, int64_t n) {
  if (!launched()) return;
#ifdef MGST_WITH_MPI
  for (int64_t at = 0; at < n;) {  // MPI counts are int
    const int count = int(std::min<int64_t>(n - at, 1 << 30));
    check_mpi(MPI_Allreduce(MPI_IN_PLACE, values + at, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD),
              "MPI_Allreduce");
    at += count;
  }
#endif
}

int allreduce_max(int v) {
  if (!launched()) return v;
#ifdef MGST_WITH_MPI
  check_mpi(MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
#endif
  return v;
}

void barrier() {
  if (!launched()) return;
#ifdef MGST_WITH_MPI
  check_mpi(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
#endif
}

void broadcast(float* values, int64_t n, int root) {
  if (!launched()) return;
#ifdef MGST_WITH_MPI
  for (int64_t at = 0; at < n;) {
    const int count = int(std::min<int64_t>(n - at, 1 << 30));
    check_mpi(MPI_Bcast(values + at, count, MPI_FLOAT, root, MPI_COMM_WORLD), "MPI_Bcast");
    at += count;
  }
#endif
}

void allreduce_mean(Tensor& block) {
  // Also on one rank under mpirun, so `mpirun -np 1` exercises the path.
  const World& w = world();
  if (!launched()) return;
#ifdef MGST_WITH_NCCL
  if (block.device().is_cuda()) {
    check_nccl(ncclAllReduce(block.data(), block.data(), std::size_t(block.numel()), ncclFloat,
                             ncclAvg, nccl_comm(w),
                             static_cast<cudaStream_t>(kernels::cuda::stream_handle())),
               "ncclAllReduce");
    return;
  }
#endif
  const float inv = 1.f / float(w.size);
  if (block.device().is_cpu()) {
    float* p = block.data();
    allreduce_sum(p, block.numel());
    for (int64_t i = 0; i < block.numel(); ++i) p[i] *= inv;
    return;
  }
  std::vector<float> host = block.to_vector();  // CUDA without NCCL: through the host
  allreduce_sum(host.data(), int64_t(host.size()));
  for (float& v : host) v *= inv;
  block.copy_from(Tensor::from_vector(block.shape(), host));
}

void abort_job_if_distributed(const std::string& command, const std::string& what, int code) {
  if (!g_initialised || world().size == 1) return;
  std::fprintf(stderr, "mgst %s (rank %d of %d): error: %s; aborting all ranks\n", command.c_str(),
               world().rank, world().size, what.c_str());
  std::fflush(stderr);
  std::fflush(stdout);
#ifdef MGST_WITH_MPI
  MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::_Exit(code);
}

}  // namespace mgst::train
