// Data-parallel training across processes (`mpirun -np N mgst train`): the
// process's rank, and the few collectives the trainer needs. MPI on the host
// (MPI_Allreduce); on CUDA, the per-step gradient all-reduce goes through
// NCCL (ncclAllReduce on the backend's stream, the unique id broadcast over
// MPI) when mgst was built with it. Built without MPI (-DMGST_MPI=OFF, or
// OpenMPI not found) every function is the single-rank no-op, and a process
// started by mpirun with more than one rank stops with an error saying so.
#pragma once
#include <string>

#include "core/tensor.h"

namespace mgst::train {

struct World {
  int rank = 0, size = 1;              // in MPI_COMM_WORLD
  int local_rank = 0, local_size = 1;  // among the ranks on this machine
  int cpu_threads = 0;                 // OpenMP threads per rank (0: not set by world())
  bool root() const { return rank == 0; }
};

// The process's world. The first call initialises MPI when the process was
// started by mpirun/mpiexec (OpenMPI's OMPI_COMM_WORLD_SIZE or PMIx/PMI in
// the environment) and registers MPI_Finalize at exit; otherwise it is
// rank 0 of 1 and MPI is never touched (so `mgst train` runs as always).
// With more than one rank it also sets the CPU thread count to
// max(1, cores / local ranks) unless OMP_NUM_THREADS is set, and, in a CUDA
// build, selects device local_rank % devices.
const World& world();

// How this build communicates: "MPI (Open MPI 4.1.4), NCCL 2.x" / "none".
std::string distributed_backends();

// In-place sums over the ranks (host buffers; no-ops on one rank).
void allreduce_sum(double* values, int n);
void allreduce_sum(float* values, int64_t n);
// The maximum of `v` over the ranks.
int allreduce_max(int v);
// Waits until every rank has reached it.
void barrier();
// `values` of rank `root` copied to every rank.
void broadcast(float* values, int64_t n, int root);

// The gradient block averaged over the ranks in place: ncclAllReduce on a
// CUDA tensor when built with NCCL, else MPI_Allreduce (through the host for
// a CUDA tensor). A no-op on one rank.
void allreduce_mean(Tensor& block);

// Ends every rank of the job: prints "mgst COMMAND (rank R of N): error:
// WHAT; aborting all ranks" to stderr and calls MPI_Abort(code). Only with
// more than one rank; returns otherwise.
void abort_job_if_distributed(const std::string& command, const std::string& what, int code);

}  // namespace mgst::train
