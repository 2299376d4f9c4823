// The job scenario: the backend the spec configures, the step simulated on it.
#include "scenario/job_scenario.h"

#include "net/backend_for_spec.h"

namespace aifabric {

StepResult run_job(const Session& s, const JobSpec& job, const Plan& plan, const ClusterSpec& spec, const std::string& backend) {
  auto b = backend_for(backend, plan, spec, s.seed);
  return simulate_step(job, plan, *b);
}

}  // namespace aifabric
