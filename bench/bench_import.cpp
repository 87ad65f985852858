// Import benchmarks: CSV parsing into typed columns (target: >= 400 MB/s on one core) on a generated
// CBS-style grid-statistics CSV (default 1 GB; WZ_BENCH_CSV_MB sets the size), and reading + storing
// the 11,691 real buurt polygons.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <limits>
#include <memory>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "io/csv.hpp"
#include "io/importers.hpp"
#include "io/store.hpp"
#include "io/typed_table.hpp"

namespace {

std::size_t csv_megabytes() {
    const char* env = std::getenv("WZ_BENCH_CSV_MB");
    return env != nullptr ? static_cast<std::size_t>(std::atol(env)) : 1024;
}

// A CBS grid-statistics-like file: cell code, 24 count columns with secrecy values, 6 decimal columns.
const std::string& generated_csv() {
    static const std::string data = [] {
        const std::size_t target = csv_megabytes() * 1024 * 1024;
        std::string out;
        out.reserve(target + 4096);
        out += "C28992R100";
        for (int y = 2000; y < 2024; ++y) out += ",INW" + std::to_string(y);
        for (int k = 0; k < 6; ++k) out += ",WOZ" + std::to_string(k);
        out += '\n';
        std::mt19937_64 rng(42);
        std::uniform_int_distribution<int> count(0, 400);
        std::uniform_real_distribution<double> woz(50.0, 900.0);
        char buf[64];
        long cell = 0;
        while (out.size() < target) {
            const long x = 1000 + cell % 1800;
            const long y = 3000 + (cell / 1800) % 3200;
            ++cell;
            std::snprintf(buf, sizeof(buf), "E%04ldN%04ld", x, y);
            out += buf;
            for (int c = 0; c < 24; ++c) {
                const int v = count(rng);
                out += ',';
                if (v < 8) {
                    out += "-99997";
                } else {
                    out += std::to_string(v);
                }
            }
            for (int c = 0; c < 6; ++c) {
                std::snprintf(buf, sizeof(buf), ",%.1f", woz(rng));
                out += buf;
            }
            out += '\n';
        }
        return out;
    }();
    return data;
}

struct GeneratedCsv {
    std::string_view body;  // the records, below the header
    std::vector<std::string> names;
    wz::TableReadOptions options;
};

GeneratedCsv generated_csv_setup() {
    const std::string& data = generated_csv();
    const std::size_t header_end = data.find('\n') + 1;
    GeneratedCsv g;
    g.body = std::string_view(data).substr(header_end);
    wz::csv::Reader header(std::string_view(data).substr(0, header_end), ',');
    std::vector<wz::csv::Field> fields;
    header.next(fields);
    for (const auto& f : fields) g.names.emplace_back(f.text);
    g.options.cells = wz::CellRules{false, false, true};
    g.options.text_columns = {"C28992R100"};
    return g;
}

long minor_page_faults() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

void report_csv(benchmark::State& state, std::size_t rows, long faults) {
    const std::string& data = generated_csv();
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(data.size()));
    state.counters["rows"] = static_cast<double>(rows);
    state.counters["MB"] = static_cast<double>(data.size()) / 1e6;
    state.counters["faults"] = static_cast<double>(faults) / static_cast<double>(state.iterations());
}

// Times parsing the generated CSV into typed columns, a new table per iteration (`pause`: untimed
// wait before each).
void time_typed_parse(benchmark::State& state, const GeneratedCsv& g,
                      std::chrono::seconds pause = std::chrono::seconds(0)) {
    std::size_t rows = 0;
    const long faults = minor_page_faults();
    for (auto _ : state) {
        if (pause.count() > 0) {
            state.PauseTiming();
            std::this_thread::sleep_for(pause);
            state.ResumeTiming();
        }
        wz::csv::Reader reader(g.body, ',', 2);
        wz::Table t = wz::read_typed_records(reader, g.names, g.options, "generated.csv");
        rows = t.row_count();
        benchmark::DoNotOptimize(t);
    }
    report_csv(state, rows, minor_page_faults() - faults);
}

// The file bytes are in memory (reading the file is not included); every iteration builds a new table
// in fresh memory, so the first touch of the ~2.3 GB of output columns (page faults) is included.
void BM_CsvParseTypedColumns(benchmark::State& state) {
    const GeneratedCsv g = generated_csv_setup();
    time_typed_parse(state, g);
}
BENCHMARK(BM_CsvParseTypedColumns)->Unit(benchmark::kMillisecond)->Iterations(3);

// The same with memory that the virtual machine has taken back: the guest reports free memory to the
// host (virtio-balloon free page reporting, after about 2 s), and its next first touch faults on the
// host too. An untimed pause of 6 s before each run lets that happen to the memory freed by the run
// before, as it has to all memory that was free for a while (the first run of any process).
void BM_CsvParseTypedColumnsColdMemory(benchmark::State& state) {
    const GeneratedCsv g = generated_csv_setup();
    time_typed_parse(state, g, std::chrono::seconds(6));
}
BENCHMARK(BM_CsvParseTypedColumnsColdMemory)->Unit(benchmark::kMillisecond)->Iterations(3);

// The parser alone: glibc is told to keep freed memory in the heap (no mmap for large blocks, no trim),
// and one untimed run first touches it, so the timed runs write output memory that is already mapped
// (the "faults" counter shows it). A 16 MB block allocated above the untimed run's table (larger than
// any hole below it) keeps its freed memory off the top of the heap, which glibc would otherwise
// return to the kernel (the trim threshold is an int, below the ~2.3 GB freed). Runs after the fresh-memory
// benchmark, as these settings stay for the rest of the process.
void BM_CsvParseTypedColumnsWarmMemory(benchmark::State& state) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
#endif
    const GeneratedCsv g = generated_csv_setup();
    static std::unique_ptr<char[]> heap_guard;
    {
        wz::csv::Reader reader(g.body, ',', 2);
        wz::Table untimed = wz::read_typed_records(reader, g.names, g.options, "generated.csv");
        benchmark::DoNotOptimize(untimed);
        heap_guard = std::make_unique<char[]>(std::size_t{16} << 20);
    }
    time_typed_parse(state, g);
}
BENCHMARK(BM_CsvParseTypedColumnsWarmMemory)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Utf8CheckAndDecode(benchmark::State& state) {
    const std::string& data = generated_csv();
    for (auto _ : state) {
        std::string copy = data;
        benchmark::DoNotOptimize(
            wz::csv::decode_text(std::move(copy), wz::csv::Encoding::kAuto, "generated.csv"));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_Utf8CheckAndDecode)->Unit(benchmark::kMillisecond)->Iterations(3);

const std::string kBuurten = std::string(WZ_SHARED_DATA) + "/real/cbs-boundaries-2014-2015/buurt_2014.gpkg";

void BM_ReadBuurtPolygons(benchmark::State& state) {
    if (!std::filesystem::exists(kBuurten)) {
        state.SkipWithError("real data absent (../shared/data)");
        return;
    }
    for (auto _ : state) {
        auto layer = wz::import_boundaries(kBuurten, {wz::Level::kBuurt, 2014, "statcode", "", "", ""});
        benchmark::DoNotOptimize(layer);
    }
    state.counters["areas"] = 11691;
}
BENCHMARK(BM_ReadBuurtPolygons)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_ReadAndStoreBuurtPolygons(benchmark::State& state) {
    if (!std::filesystem::exists(kBuurten)) {
        state.SkipWithError("real data absent (../shared/data)");
        return;
    }
    const std::string store = (std::filesystem::temp_directory_path() / "wz_bench_store.gpkg").string();
    for (auto _ : state) {
        std::filesystem::remove(store);
        wz::StoreUpdate u;
        u.run.command = "bench";
        u.area_layers.push_back(
            wz::import_boundaries(kBuurten, {wz::Level::kBuurt, 2014, "statcode", "", "", ""}));
        wz::apply_to_store(store, u);
    }
    std::filesystem::remove(store);
    std::filesystem::remove(store + ".lock");
}
BENCHMARK(BM_ReadAndStoreBuurtPolygons)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
