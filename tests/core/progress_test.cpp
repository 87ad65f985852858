// Progress, cancellation and the error table (core/progress.hpp, core/error.hpp).
#include "core/progress.hpp"

#include <gtest/gtest.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace wz {
namespace {

struct Recorded {
    ProgressEvent::Phase phase;
    std::string step;
    std::uint64_t done, total;
    bool aborted;
};

class RecordingSink final : public ProgressSink {
  public:
    void report(const ProgressEvent& e) noexcept override {
        events.push_back({e.phase, std::string(e.step), e.done, e.total, e.aborted});
    }
    std::vector<Recorded> events;
};

TEST(Progress, AStepReportsBeginAndEndWithItsCount) {
    RecordingSink sink;
    CancelToken token;
    const JobScope scope({&sink, &token});
    {
        ProgressStep step("parsing", 1000, "rows");
        for (int i = 0; i < 10; ++i) step.advance(100);
        EXPECT_EQ(step.done(), 1000U);
    }
    ASSERT_EQ(sink.events.size(), 2U);  // updates come at most every 100 ms: none in this short loop
    EXPECT_EQ(sink.events[0].phase, ProgressEvent::Phase::kBegin);
    EXPECT_EQ(sink.events[0].step, "parsing");
    EXPECT_EQ(sink.events[0].total, 1000U);
    EXPECT_EQ(sink.events[1].phase, ProgressEvent::Phase::kEnd);
    EXPECT_EQ(sink.events[1].done, 1000U);
    EXPECT_FALSE(sink.events[1].aborted);
}

TEST(Progress, UpdatesArriveAtMostEveryTenthOfASecond) {
    RecordingSink sink;
    const JobScope scope({&sink, nullptr});
    ProgressStep step("slow", 5);
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(60));
        step.advance(1);
    }
    step.finish();
    std::size_t updates = 0;
    for (const auto& e : sink.events) updates += e.phase == ProgressEvent::Phase::kUpdate ? 1 : 0;
    // 5 advances 60 ms apart span 300 ms: at least one update, and fewer than one per advance.
    EXPECT_GE(updates, 1U);
    EXPECT_LE(updates, 3U);
    EXPECT_EQ(sink.events.back().phase, ProgressEvent::Phase::kEnd);
}

TEST(Progress, ACancelStopsTheLoopAtItsNextCheckAndTheStepEndsAborted) {
    RecordingSink sink;
    CancelToken token;
    const JobScope scope({&sink, &token});
    int iterations = 0;
    try {
        ProgressStep step("work", 100);
        for (int i = 0; i < 100; ++i) {
            ++iterations;
            if (i == 41) token.cancel();
            step.advance(1);
        }
        FAIL() << "no CancelledError";
    } catch (const CancelledError& e) {
        EXPECT_EQ(error_kind_of(e), ErrorKind::kCancelled);
    }
    EXPECT_EQ(iterations, 42);
    ASSERT_FALSE(sink.events.empty());
    EXPECT_EQ(sink.events.back().phase, ProgressEvent::Phase::kEnd);
    EXPECT_TRUE(sink.events.back().aborted);
}

TEST(Progress, ACancelInsideAParallelLoopReachesTheCaller) {
    CancelToken token;
    const JobScope scope({nullptr, &token});
    ProgressStep step("parallel", 1 << 20);
    token.cancel();
    EXPECT_THROW(tbb::parallel_for(tbb::blocked_range<int>(0, 1 << 20, 1024),
                                   [&](const tbb::blocked_range<int>& r) { step.advance(r.size()); }),
                 CancelledError);
    EXPECT_THROW(check_cancelled(), CancelledError);
}

TEST(Progress, WithoutAJobNothingIsReportedAndNothingIsCancelled) {
    set_default_job({});
    ProgressStep step("quiet", 10);
    step.advance(10);
    EXPECT_NO_THROW(check_cancelled());
}

TEST(ErrorTable, EveryKindHasItsExitAndHttpStatus) {
    struct Row {
        ErrorKind kind;
        const char* name;
        int exit, http;
    };
    const Row rows[] = {
        {ErrorKind::kBadInput, "bad_input", 2, 422},    {ErrorKind::kUsage, "usage", 2, 400},
        {ErrorKind::kNotFound, "not_found", 2, 404},    {ErrorKind::kIo, "io", 2, 500},
        {ErrorKind::kCancelled, "cancelled", 130, 503}, {ErrorKind::kInternal, "internal", 1, 500}};
    for (const Row& r : rows) {
        const ErrorKindInfo& info = error_kind_info(r.kind);
        EXPECT_EQ(info.name, r.name);
        EXPECT_EQ(info.exit_status, r.exit) << r.name;
        EXPECT_EQ(info.http_status, r.http) << r.name;
    }
}

TEST(ErrorTable, EachExceptionHasItsKindAndOneLine) {
    EXPECT_EQ(error_kind_of(InputError("f.csv", 3, 4, "a number", "'x'")), ErrorKind::kBadInput);
    EXPECT_EQ(error_line(InputError("f.csv", 3, 4, "a number", "'x'")),
              "f.csv:3:4: expected a number, found 'x'");
    EXPECT_EQ(error_line(UsageError("--level: bad")), "wijkzicht: error: --level: bad");
    EXPECT_EQ(error_kind_of(NotFoundError("no dataset 'x'")), ErrorKind::kNotFound);
    EXPECT_EQ(error_kind_of(IoError("cannot write 'x'")), ErrorKind::kIo);
    EXPECT_EQ(error_kind_of(InternalError("broken")), ErrorKind::kInternal);
    // Anything that is not one of the project's kinds is a defect.
    EXPECT_EQ(error_kind_of(std::runtime_error("x")), ErrorKind::kInternal);
    EXPECT_EQ(error_line(std::runtime_error("x")), "wijkzicht: internal error: x");
}

}  // namespace
}  // namespace wz
