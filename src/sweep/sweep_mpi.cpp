// Sweep points over MPI ranks: rank 0 answers each rank's request with the next point and takes back its row.
#include "sweep/sweep_mpi.h"

#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/input_error.h"
#include "sweep/sweep_results.h"
#include "workload/job_spec.h"

namespace aifabric {

namespace {

// The three messages. Ask (rank k -> 0): the row of the point it last ran as a journal line, or "" for its first.
// Work (0 -> k): a point's index, or a negative number -1 - status: no more work, exit with status. Bye (k -> 0):
// every thread of rank k is done; "" or why it failed.
constexpr int kAsk = 1, kWork = 2, kBye = 3;

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(fmt::format("MPI {} failed (code {})", what, rc));
}

int env_int(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : 0;
}

}  // namespace

bool MpiWorld::launched() {
  // Open MPI's mpirun, and the PMI of MPICH, Slurm and others.
  return env_int("OMPI_COMM_WORLD_SIZE") > 1 || env_int("PMI_SIZE") > 1 || env_int("PMIX_SIZE") > 1;
}

MpiWorld::MpiWorld() {
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "Init_thread");
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw std::runtime_error("this MPI library does not let several threads call it one at a time (MPI_THREAD_SERIALIZED)");
  }
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "Comm_size");
}

MpiWorld::~MpiWorld() {
  try {
    if (rank_ == 0) dismiss(1);  // no-op after a sweep, or after the refusal its command already sent
  } catch (...) {
  }
  MPI_Finalize();
}

namespace {

struct Message {
  int source = 0, tag = 0;
  std::string text;
};

// Rank 0: the next message from any rank, or nullopt when none has arrived (a short sleep first: rank 0's own
// threads are running points, and a busy wait would take a core from them).
std::optional<Message> poll() {
  int flag = 0;
  MPI_Status st;
  check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st), "Iprobe");
  if (!flag) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    return std::nullopt;
  }
  int count = 0;
  check(MPI_Get_count(&st, MPI_CHAR, &count), "Get_count");
  Message m{st.MPI_SOURCE, st.MPI_TAG, std::string(static_cast<size_t>(count), '\0')};
  check(MPI_Recv(m.text.data(), count, MPI_CHAR, m.source, m.tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "Recv");
  return m;
}

void send_work(int rank, int64_t value) { check(MPI_Send(&value, 1, MPI_INT64_T, rank, kWork, MPI_COMM_WORLD), "Send"); }

}  // namespace

SweepOptions::HelpersFn MpiWorld::helpers() {
  return [this](const std::function<int64_t()>& take, const std::function<void(SweepRow&&)>& deliver) {
    while (byes_ < size_ - 1) {
      const std::optional<Message> m = poll();
      if (!m) continue;
      if (m->tag == kBye) {
        ++byes_;
        if (!m->text.empty() && failure_.empty()) failure_ = fmt::format("MPI rank {}: {}", m->source, m->text);
        continue;
      }
      if (!m->text.empty()) deliver(sweep_row_from_line(m->text));
      const int64_t next = failure_.empty() ? take() : -1;
      send_work(m->source, next >= 0 ? next : failure_.empty() ? -1 : -2);
    }
    dismissed_ = true;
    if (!failure_.empty()) throw std::runtime_error(failure_);
  };
}

void MpiWorld::dismiss(int status) {
  if (rank_ != 0 || dismissed_) return;
  dismissed_ = true;
  while (byes_ < size_ - 1) {
    const std::optional<Message> m = poll();
    if (!m) continue;
    if (m->tag == kBye) ++byes_;
    else send_work(m->source, -1 - status);  // a row it brings is dropped: the sweep is not going on
  }
}

int MpiWorld::serve(const SweepGrid& grid, const Catalog& catalog, const SweepOptions& o) {
  std::optional<JobSpec> job;
  try {
    if (!grid.workload.job.empty()) job = load_job_spec(grid.workload.job);
  } catch (const std::exception& e) {
    refuse(e.what());
    return 2;
  }
  std::mutex mpi;  // the threads call MPI one at a time (MPI_THREAD_SERIALIZED); a request and its answer together
  int status = 0;
  std::string error;
  auto work = [&] {
    std::string line;  // the row to hand back with the next request
    for (;;) {
      int64_t answer = 0;
      {
        const std::lock_guard<std::mutex> lock(mpi);
        check(MPI_Send(line.data(), static_cast<int>(line.size()), MPI_CHAR, 0, kAsk, MPI_COMM_WORLD), "Send");
        check(MPI_Recv(&answer, 1, MPI_INT64_T, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "Recv");
        if (answer < 0) {
          status = std::max(status, static_cast<int>(-1 - answer));
          return;
        }
      }
      try {
        line = sweep_row_line(sweep_one_point(grid, answer, catalog, o, job, grid.workload.backend, o.plan_only));
      } catch (const std::exception& e) {
        const std::lock_guard<std::mutex> lock(mpi);
        if (error.empty()) error = fmt::format("point {}: {}", answer, e.what());
        return;  // the point is not handed back: rank 0 fails the sweep once this rank says why
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, o.threads); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  check(MPI_Send(error.data(), static_cast<int>(error.size()), MPI_CHAR, 0, kBye, MPI_COMM_WORLD), "Send");
  return error.empty() ? status : 1;
}

void MpiWorld::refuse(const std::string& why) {
  const std::string text = why.empty() ? std::string("could not read the grid") : why;
  check(MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kBye, MPI_COMM_WORLD), "Send");
}

}  // namespace aifabric
