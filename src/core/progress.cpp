#include "core/progress.hpp"

#include <exception>
#include <mutex>

#include "core/error.hpp"

namespace wz {
namespace {

JobContext& default_job() {
    static JobContext context;
    return context;
}

struct ThreadJob {
    JobContext context;
    bool set = false;
};

ThreadJob& thread_job() {
    thread_local ThreadJob job;
    return job;
}

// One event at a time reaches a sink, whichever thread reports it.
std::mutex& sink_mutex() {
    static std::mutex m;
    return m;
}

constexpr std::int64_t kReportEveryNs = 100'000'000;  // 100 ms

}  // namespace

void CancelToken::throw_if_cancelled() const {
    if (cancelled()) throw CancelledError("cancelled");
}

void set_default_job(JobContext context) {
    default_job() = context;
}

JobContext current_job() {
    const ThreadJob& job = thread_job();
    return job.set ? job.context : default_job();
}

JobScope::JobScope(JobContext context) : previous_(thread_job().context), had_previous_(thread_job().set) {
    thread_job().context = context;
    thread_job().set = true;
}

JobScope::~JobScope() {
    thread_job().context = previous_;
    thread_job().set = had_previous_;
}

void check_cancelled() {
    const JobContext job = current_job();
    if (job.cancel != nullptr) job.cancel->throw_if_cancelled();
}

ProgressStep::ProgressStep(std::string name, std::uint64_t total, std::string unit)
    : context_(current_job()),
      name_(std::move(name)),
      unit_(std::move(unit)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      exceptions_at_start_(std::uncaught_exceptions()) {
    check();
    emit(ProgressEvent::Phase::kBegin);
}

ProgressStep::~ProgressStep() {
    finish();
}

double ProgressStep::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressStep::check() const {
    if (context_.cancel != nullptr) context_.cancel->throw_if_cancelled();
}

void ProgressStep::advance(std::uint64_t n) {
    done_.fetch_add(n, std::memory_order_relaxed);
    check();
    if (context_.sink == nullptr) return;
    const auto now =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_)
            .count();
    std::int64_t last = last_report_ns_.load(std::memory_order_relaxed);
    if (now - last < kReportEveryNs) return;
    if (!last_report_ns_.compare_exchange_strong(last, now, std::memory_order_relaxed)) return;
    emit(ProgressEvent::Phase::kUpdate);
}

void ProgressStep::finish() noexcept {
    if (finished_.exchange(true)) return;
    emit(ProgressEvent::Phase::kEnd);
}

void ProgressStep::emit(ProgressEvent::Phase phase) noexcept {
    if (context_.sink == nullptr) return;
    ProgressEvent e;
    e.phase = phase;
    e.step = name_;
    e.done = done_.load(std::memory_order_relaxed);
    e.total = total_.load(std::memory_order_relaxed);
    e.unit = unit_;
    e.seconds = elapsed();
    e.aborted = phase == ProgressEvent::Phase::kEnd && std::uncaught_exceptions() > exceptions_at_start_;
    const std::lock_guard<std::mutex> lock(sink_mutex());
    context_.sink->report(e);
}

}  // namespace wz
