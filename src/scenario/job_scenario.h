// One training step of a job on a planned fabric, on a backend by name, seeded by the session: what `aifabric job`
// prints per fabric and the Python module's job() returns.
#pragma once

#include <string>

#include "scenario/session.h"
#include "workload/job_spec.h"
#include "workload/training_step.h"

namespace aifabric {

StepResult run_job(const Session& s, const JobSpec& job, const Plan& plan, const ClusterSpec& spec, const std::string& backend);

}  // namespace aifabric
