#pragma once
// Progress and cancellation: one facility for every long loop of every module (after GEOS's
// util/Interrupt and util/Progress). A loop reports where it is through a ProgressStep and checks for
// cancellation; the face decides how to show progress (a live line on a terminal, one line per step in a
// log, nothing at all) and when to cancel (SIGINT/SIGTERM on the command line, a closed connection or a
// shutdown in the service).
//
//     ProgressStep step("reading indicators", total_bytes, "bytes");
//     for (...) { ...; step.advance(block_bytes); }   // throws CancelledError once the job is cancelled
//
// A cancelled job throws CancelledError from its next check; everything it was writing is rolled back
// by the code that owns the output (the store's transaction, the writers' temporary files).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace wz {

// A cancellation flag. Setting it is async-signal-safe (a lock-free atomic store).
class CancelToken {
  public:
    void cancel() noexcept { flag_.store(true, std::memory_order_relaxed); }
    void reset() noexcept { flag_.store(false, std::memory_order_relaxed); }
    bool cancelled() const noexcept { return flag_.load(std::memory_order_relaxed); }
    // Throws CancelledError when cancelled.
    void throw_if_cancelled() const;

  private:
    std::atomic<bool> flag_{false};
};

struct ProgressEvent {
    enum class Phase : std::uint8_t { kBegin, kUpdate, kEnd };
    Phase phase = Phase::kBegin;
    std::string_view step;    // "import indicators: parsing"
    std::uint64_t done = 0;   // units done so far
    std::uint64_t total = 0;  // 0: unknown
    std::string_view unit;    // "rows", "bytes", "permutations", "" for plain counts
    double seconds = 0;       // since the step began
    bool aborted = false;     // kEnd only: the step ended by an exception (a cancel or an error)
};

// Receives the events of the steps of a job. Called from any thread, one event at a time (the facility
// serialises the calls); must not throw.
class ProgressSink {
  public:
    virtual ~ProgressSink() = default;
    virtual void report(const ProgressEvent& event) noexcept = 0;
};

// What a job reports to and listens to. Either may be null (no progress shown; never cancelled).
struct JobContext {
    ProgressSink* sink = nullptr;
    CancelToken* cancel = nullptr;
};

// The process's default context, used by every thread without a JobScope (the command line sets it once).
void set_default_job(JobContext context);
// The job of the calling thread: its JobScope's context, else the process default.
JobContext current_job();

// Runs the calling thread's work under `context` until the scope ends (a server with one job per thread).
// Steps created under it keep their context, also when their loops run on other threads.
class JobScope {
  public:
    explicit JobScope(JobContext context);
    ~JobScope();
    JobScope(const JobScope&) = delete;
    JobScope& operator=(const JobScope&) = delete;

  private:
    JobContext previous_;
    bool had_previous_;
};

// Throws CancelledError when the calling thread's job is cancelled.
void check_cancelled();

// One step of a job: begins when constructed, ends when destroyed or finished. advance() may be called
// from several threads at once; it checks for cancellation and reports at most every 100 ms. Call it per
// block of work (thousands of rows), not per row.
class ProgressStep {
  public:
    explicit ProgressStep(std::string name, std::uint64_t total = 0, std::string unit = "");
    ~ProgressStep();
    ProgressStep(const ProgressStep&) = delete;
    ProgressStep& operator=(const ProgressStep&) = delete;

    // Adds `n` units done; throws CancelledError when the job is cancelled.
    void advance(std::uint64_t n = 1);
    // Throws CancelledError when the job is cancelled (for loops that have nothing to count).
    void check() const;
    void set_total(std::uint64_t total) { total_.store(total, std::memory_order_relaxed); }
    std::uint64_t done() const { return done_.load(std::memory_order_relaxed); }
    // Ends the step now (reported with its duration); later calls do nothing.
    void finish() noexcept;

  private:
    void emit(ProgressEvent::Phase phase) noexcept;
    double elapsed() const;

    JobContext context_;
    std::string name_, unit_;
    std::atomic<std::uint64_t> done_{0}, total_{0};
    std::chrono::steady_clock::time_point start_;
    std::atomic<std::int64_t> last_report_ns_{0};
    std::atomic<bool> finished_{false};
    int exceptions_at_start_ = 0;
};

}  // namespace wz
