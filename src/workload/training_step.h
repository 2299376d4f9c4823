// One training step on a planned fabric: compute, each parallelism's collectives timed by a backend, exposed
// communication, step time and XPU utilisation.
#pragma once

#include <string>
#include <vector>

#include "backend/collective_backend.h"
#include "plan/plan.h"
#include "workload/job_spec.h"

namespace aifabric {

struct StepComm {
  std::string parallelism;   // "tensor", "pipeline", "data", "expert"
  std::string collective;    // "all_reduce", "sendrecv", "alltoall"
  int64_t group_size = 0;
  int64_t bytes = 0;         // per rank, per operation
  int64_t count = 0;         // operations per step
  Picoseconds each;          // one operation, all groups at once
  Picoseconds total;         // count x each
  Picoseconds exposed;       // what the step waits for
  double busbw_gbs = 0;      // of one operation, NCCL-tests convention
  std::string explanation;
};

struct StepResult {
  std::string job, fabric, backend;
  int64_t xpus = 0;
  int64_t micro_batches = 0;
  double flops = 0;           // per step, whole job
  Picoseconds compute;        // per XPU: forward + backward
  Picoseconds bubble;         // pipeline fill and drain
  Picoseconds exposed;        // communication the step waits for
  Picoseconds step;
  double utilisation = 0;     // compute / step
  std::vector<StepComm> comms;
};

// A representative job for a cluster when none is given: a 13B-parameter dense model, tensor parallel inside
// the scale-up domain (at most 8), data parallel across the rest, 8 sequences per replica.
JobSpec default_job_for(const Fabric& f);

// Throws InputError when the job does not fit the cluster (degrees, TP beyond the scale-up domain).
StepResult simulate_step(const JobSpec& job, const Plan& plan, CollectiveBackend& backend);

}  // namespace aifabric
