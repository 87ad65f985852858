// Data-driven command-line cases (issue 11): every folder under tests/cli/cases/ is one case — command
// lines, expected exit status, expected error lines, expected standard output, expected output files and
// the "bad input never corrupts" check — run by the one driver below. A new case is a new folder, no C++.
// The format is described in tests/cli/README.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace wz::test::cli {
namespace {

namespace fs = std::filesystem;

const std::string kCasesDir = std::string(WZ_SOURCE_DIR) + "/tests/cli/cases";

// ---------------------------------------------------------------------------------------------------
// Text helpers

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

// POSIX shell single quoting: the word reaches the program exactly as given.
std::string shell_quote(const std::string& word) {
    return "'" + replace_all(word, "'", "'\\''") + "'";
}

// The placeholders of a case and their values (plain paths, not quoted).
using Placeholders = std::map<std::string, std::string>;

std::string substitute(std::string text, const Placeholders& values) {
    for (const auto& [name, value] : values) text = replace_all(text, name, value);
    return text;
}

// Splits one command line into words the way a POSIX shell would for the simple cases we allow:
// blanks separate words, '...' quotes literally, "..." quotes with \" and \\ escapes, a backslash
// outside quotes escapes the next character. Shell operators (| ; & < > ` $) outside quotes are
// refused: a case runs one wijkzicht command, not a pipeline. Placeholders are substituted inside
// each word afterwards, so paths with blanks or quotes stay one word. Returns an error text or "".
std::string split_words(const std::string& line, std::vector<std::string>& words) {
    words.clear();
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == ' ' || c == '\t') {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
        } else if (c == '\'') {
            const auto end = line.find('\'', i + 1);
            if (end == std::string::npos) return "unterminated ' quote";
            word += line.substr(i + 1, end - i - 1);
            i = end;
            in_word = true;
        } else if (c == '"') {
            std::size_t j = i + 1;
            for (; j < line.size() && line[j] != '"'; ++j) {
                if (line[j] == '\\' && j + 1 < line.size() && (line[j + 1] == '"' || line[j + 1] == '\\'))
                    ++j;
                word += line[j];
            }
            if (j >= line.size()) return "unterminated \" quote";
            i = j;
            in_word = true;
        } else if (c == '\\') {
            if (i + 1 >= line.size()) return "a backslash at the end of the line";
            word += line[++i];
            in_word = true;
        } else if (std::string("|;&<>`$").find(c) != std::string::npos) {
            return std::string("shell operator '") + c + "' outside quotes (quote it to pass it literally)";
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(word);
    return "";
}

// A placeholder-like "{name}" left in a command line is a typo in the case, not a file name.
std::string unknown_placeholder(const std::string& line, const Placeholders& values) {
    for (std::size_t open = line.find('{'); open != std::string::npos; open = line.find('{', open + 1)) {
        const auto close = line.find('}', open);
        if (close == std::string::npos) break;
        const std::string name = line.substr(open, close - open + 1);
        const bool looks_like_one =
            name.size() > 2 && std::all_of(name.begin() + 1, name.end() - 1, [](char c) {
                return std::islower(static_cast<unsigned char>(c)) != 0 || c == '_';
            });
        if (looks_like_one && values.count(name) == 0) return name;
    }
    return "";
}

// The shell-quoted argument string for run_wijkzicht, or an error text in `error`.
std::string command_args(const std::string& line, const Placeholders& values, std::string& error) {
    error.clear();
    if (const auto unknown = unknown_placeholder(line, values); !unknown.empty()) {
        error = "unknown placeholder " + unknown + " (known: {case} {tmp} {store} {src} {data})";
        return "";
    }
    std::vector<std::string> words;
    error = split_words(line, words);
    if (!error.empty()) return "";
    std::string args;
    for (const auto& w : words) args += (args.empty() ? "" : " ") + shell_quote(substitute(w, values));
    return args;
}

// ---------------------------------------------------------------------------------------------------
// Comparison helpers: each returns the mismatches as readable messages, empty when all is well.
// They are plain functions so that the driver's own test can feed them fabricated results.

using Problems = std::vector<std::string>;

Problems check_status(int expected, const CommandResult& r) {
    if (r.status == expected) return {};
    return {"exit status: expected " + std::to_string(expected) + ", got " + std::to_string(r.status)};
}

// Every non-empty line of `expected` must occur in the standard error.
Problems check_stderr(const std::string& expected, const CommandResult& r) {
    Problems p;
    for (const auto& line : split_lines(expected)) {
        if (trim(line).empty()) continue;
        if (r.err.find(line) == std::string::npos)
            p.push_back("standard error lacks the line:\n    expected: " + line +
                        "\n    stderr:   " + replace_all(r.err, "\n", "\n              "));
    }
    return p;
}

// The first line where two texts differ, with both versions, or "" when equal.
std::string first_difference(const std::string& expected, const std::string& actual) {
    if (expected == actual) return "";
    const auto e = split_lines(expected);
    const auto a = split_lines(actual);
    for (std::size_t i = 0; i < std::max(e.size(), a.size()); ++i) {
        const std::string el = i < e.size() ? e[i] : "<end of text>";
        const std::string al = i < a.size() ? a[i] : "<end of text>";
        if (el != al)
            return "first difference at line " + std::to_string(i + 1) + ":\n    expected: " + el +
                   "\n    actual:   " + al;
    }
    // Same lines: the difference is in line endings or a final newline.
    return "the texts differ only in line endings or the final newline (expected " +
           std::to_string(expected.size()) + " bytes, got " + std::to_string(actual.size()) + ")";
}

Problems check_stdout_exact(const std::string& expected, const CommandResult& r) {
    const auto diff = first_difference(expected, r.out);
    if (diff.empty()) return {};
    return {"standard output differs, " + diff + "\n  whole output:\n" + r.out};
}

Problems check_stdout_contains(const std::string& expected, const CommandResult& r) {
    Problems p;
    for (const auto& line : split_lines(expected)) {
        if (trim(line).empty()) continue;
        if (r.out.find(line) == std::string::npos)
            p.push_back("standard output lacks: " + line + "\n  whole output:\n" + r.out);
    }
    return p;
}

// Every file under `expected_dir` must exist under `actual_dir` with the same content (placeholders
// substituted in the expected text).
Problems check_expected_files(const fs::path& expected_dir, const fs::path& actual_dir,
                              const Placeholders& values) {
    Problems p;
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(expected_dir))
        if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) p.push_back("expected/ holds no files: " + expected_dir.string());
    for (const auto& file : files) {
        const fs::path rel = fs::relative(file, expected_dir);
        const fs::path actual = actual_dir / rel;
        if (!fs::exists(actual)) {
            p.push_back("expected output file was not written: " + actual.string());
            continue;
        }
        const auto diff = first_difference(substitute(read_all(file.string()), values), read_all(actual));
        if (!diff.empty()) p.push_back("output file " + rel.string() + " differs, " + diff);
    }
    return p;
}

// The store (and the list of files in the case's temporary folder) before and after.
struct Snapshot {
    std::string store;  // file_fingerprint: "" when absent
    std::vector<std::string> files;
};

Snapshot snapshot(const fs::path& tmp, const std::string& store) {
    Snapshot s{file_fingerprint(store), {}};
    for (const auto& entry : fs::recursive_directory_iterator(tmp))
        s.files.push_back(fs::relative(entry.path(), tmp).string());
    std::sort(s.files.begin(), s.files.end());
    return s;
}

Problems check_unchanged(const Snapshot& before, const Snapshot& after) {
    Problems p;
    if (before.store != after.store)
        p.push_back("the store changed during the command under test (fingerprint before '" + before.store +
                    "', after '" + after.store + "')");
    if (before.files != after.files) {
        std::string b, a;
        for (const auto& f : before.files) b += " " + f;
        for (const auto& f : after.files) a += " " + f;
        p.push_back("files in {tmp} changed:\n    before:" + b + "\n    after: " + a);
    }
    return p;
}

// ---------------------------------------------------------------------------------------------------
// Cases

std::string sanitise(const std::string& name) {
    std::string out = name;
    for (char& c : out)
        if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
    return out.empty() ? "_" : out;
}

// The case folders, sorted (hidden entries and plain files are ignored).
std::vector<std::string> case_names() {
    std::vector<std::string> names;
    if (!fs::is_directory(kCasesDir)) return names;
    for (const auto& entry : fs::directory_iterator(kCasesDir)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && name.front() != '.') names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<std::string> read_optional(const fs::path& dir, const std::string& name) {
    if (!fs::is_regular_file(dir / name)) return std::nullopt;
    return read_all((dir / name).string());
}

// Command lines of a `cmd` file: blank lines and lines starting with '#' are skipped.
std::vector<std::string> command_lines(const std::string& text) {
    std::vector<std::string> lines;
    for (const auto& line : split_lines(text)) {
        const std::string t = trim(line);
        if (!t.empty() && t.front() != '#') lines.push_back(t);
    }
    return lines;
}

std::string describe(const std::string& args, const CommandResult& r) {
    return "\n  command: wijkzicht " + args + "\n  exit status: " + std::to_string(r.status) +
           "\n  stdout:\n" + r.out + "\n  stderr:\n" + r.err;
}

void report(const Problems& problems, const std::string& args, const CommandResult& r) {
    for (const auto& p : problems) ADD_FAILURE() << p << describe(args, r);
}

class CliCase : public ::testing::TestWithParam<std::string> {};

TEST_P(CliCase, Run) {
    const fs::path dir = fs::path(kCasesDir) / GetParam();
    SCOPED_TRACE("case folder " + dir.string());
    const auto cmd = read_optional(dir, "cmd");
    const auto status_text = read_optional(dir, "status");
    ASSERT_TRUE(cmd.has_value()) << "the case has no 'cmd' file: " << dir;
    ASSERT_TRUE(status_text.has_value()) << "the case has no 'status' file: " << dir;
    const std::string status_trimmed = trim(*status_text);
    ASSERT_TRUE(!status_trimmed.empty() && std::all_of(status_trimmed.begin(), status_trimmed.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; }))
        << "'status' must hold one exit status (a number), found '" << *status_text << "'";
    const int expected_status = std::stoi(status_trimmed);
    if (fs::exists(dir / "needs_real_data") && !have_real_data())
        GTEST_SKIP() << "real Dutch data not found at " WZ_SHARED_DATA
                        "/real (present in CI; a fresh clone "
                        "without ../shared/data skips this case)";

    const TempDir tmp;
    const Placeholders values{{"{case}", dir.string()},
                              {"{tmp}", tmp.path().string()},
                              {"{store}", tmp.file("store.gpkg")},
                              {"{src}", std::string(WZ_SOURCE_DIR)},
                              {"{data}", std::string(WZ_SHARED_DATA) + "/real"}};
    const auto lines = command_lines(*cmd);
    ASSERT_FALSE(lines.empty()) << "'cmd' holds no command line";

    // Setup steps: every line before the last must succeed.
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        std::string error;
        const std::string args = command_args(lines[i], values, error);
        ASSERT_TRUE(error.empty()) << "cmd line " << i + 1 << ": " << error << ": " << lines[i];
        const CommandResult r = run_wijkzicht(args);
        ASSERT_EQ(r.status, 0) << "setup step " << i + 1 << " failed" << describe(args, r);
    }

    std::string error;
    const std::string args = command_args(lines.back(), values, error);
    ASSERT_TRUE(error.empty()) << "last cmd line: " << error << ": " << lines.back();
    const bool guard_store = fs::exists(dir / "store_unchanged");
    const Snapshot before = snapshot(tmp.path(), values.at("{store}"));
    const CommandResult r = run_wijkzicht(args);

    report(check_status(expected_status, r), args, r);
    if (const auto err = read_optional(dir, "stderr"))
        report(check_stderr(substitute(*err, values), r), args, r);
    if (const auto out = read_optional(dir, "stdout"))
        report(check_stdout_exact(substitute(*out, values), r), args, r);
    if (const auto out = read_optional(dir, "stdout.contains"))
        report(check_stdout_contains(substitute(*out, values), r), args, r);
    if (fs::is_directory(dir / "expected"))
        report(check_expected_files(dir / "expected", tmp.path(), values), args, r);
    if (guard_store) report(check_unchanged(before, snapshot(tmp.path(), values.at("{store}"))), args, r);
}

// Test names: the folder name sanitised to [A-Za-z0-9_]; when two folders sanitise alike the index is
// appended (GoogleTest aborts on duplicate names), and FindsTheCasesAndTheirNamesAreDistinct fails.
std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    const std::string name = sanitise(info.param);
    const auto names = case_names();
    const auto same = std::count_if(names.begin(), names.end(),
                                    [&](const std::string& other) { return sanitise(other) == name; });
    return same > 1 ? name + "_" + std::to_string(info.index) : name;
}

INSTANTIATE_TEST_SUITE_P(Cases, CliCase, ::testing::ValuesIn(case_names()), test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CliCase);

// ---------------------------------------------------------------------------------------------------
// The driver's own tests: an empty set of cases, a wrong status, a missing error line, a differing
// output file, a changed store must all be noticed.

TEST(CliCaseDriver, FindsTheCasesAndTheirNamesAreDistinct) {
    const auto names = case_names();
    ASSERT_FALSE(names.empty()) << "no case folders in " << kCasesDir;
    std::vector<std::string> sanitised;
    for (const auto& n : names) sanitised.push_back(sanitise(n));
    std::sort(sanitised.begin(), sanitised.end());
    EXPECT_EQ(std::adjacent_find(sanitised.begin(), sanitised.end()), sanitised.end())
        << "two case folders give the same test name after sanitising to [A-Za-z0-9_]";
    for (const auto& n : names) {
        EXPECT_TRUE(fs::is_regular_file(fs::path(kCasesDir) / n / "cmd")) << n << " has no cmd";
        EXPECT_TRUE(fs::is_regular_file(fs::path(kCasesDir) / n / "status")) << n << " has no status";
    }
}

TEST(CliCaseDriver, DetectsMismatches) {
    CommandResult r;
    r.status = 2;
    r.out = "line one\nline two\n";
    r.err = "/x/bad.csv:3:5: expected an area code, found 'GX0015'\n";

    EXPECT_TRUE(check_status(2, r).empty());
    EXPECT_EQ(check_status(0, r).size(), 1U);

    EXPECT_TRUE(check_stderr("/x/bad.csv:3:5: expected an area code\n\n", r).empty());
    EXPECT_EQ(check_stderr("/x/bad.csv:3:5: expected an area code\n/x/bad.csv:4:1\n", r).size(), 1U);
    EXPECT_EQ(check_stderr("found 'GX0016'", r).size(), 1U);

    EXPECT_TRUE(check_stdout_exact("line one\nline two\n", r).empty());
    EXPECT_EQ(check_stdout_exact("line one\nline 2\n", r).size(), 1U);
    EXPECT_EQ(check_stdout_exact("line one\nline two", r).size(), 1U);  // final newline matters
    EXPECT_TRUE(check_stdout_contains("line two\n", r).empty());
    EXPECT_EQ(check_stdout_contains("line three\n", r).size(), 1U);

    const TempDir tmp;
    fs::create_directories(tmp.path() / "expected");
    fs::create_directories(tmp.path() / "actual");
    write_file(tmp.file("expected/out.csv"), "code,value\nBU1,1\n{tmp}\n");
    const Placeholders values{{"{tmp}", "/the/tmp"}};
    write_file(tmp.file("actual/out.csv"), "code,value\nBU1,1\n/the/tmp\n");
    EXPECT_TRUE(check_expected_files(tmp.path() / "expected", tmp.path() / "actual", values).empty());
    write_file(tmp.file("actual/out.csv"), "code,value\nBU1,2\n/the/tmp\n");
    const auto differs = check_expected_files(tmp.path() / "expected", tmp.path() / "actual", values);
    ASSERT_EQ(differs.size(), 1U);
    EXPECT_NE(differs[0].find("line 2"), std::string::npos) << differs[0];
    fs::remove(tmp.file("actual/out.csv"));
    EXPECT_EQ(check_expected_files(tmp.path() / "expected", tmp.path() / "actual", values).size(), 1U);

    const Snapshot before{"123:4", {"a", "store.gpkg"}};
    EXPECT_TRUE(check_unchanged(before, before).empty());
    EXPECT_EQ(check_unchanged(before, Snapshot{"124:4", {"a", "store.gpkg"}}).size(), 1U);
    EXPECT_EQ(check_unchanged(before, Snapshot{"123:4", {"a", "store.gpkg", "store.gpkg.tmp"}}).size(), 1U);
    EXPECT_EQ(check_unchanged(Snapshot{"", {}}, Snapshot{"1:1", {"store.gpkg"}}).size(), 2U);
}

TEST(CliCaseDriver, QuotesWordsAndRefusesShellSyntax) {
    const Placeholders values{{"{tmp}", "/t m'p"}, {"{case}", "/c"}};
    std::string error;
    EXPECT_EQ(command_args("export --out {tmp}/x.csv --dataset 'a b'", values, error),
              "'export' '--out' '/t m'\\''p/x.csv' '--dataset' 'a b'");
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_EQ(command_args("typology --rules \"my \\\"rules\\\"\" --param a=1", values, error),
              "'typology' '--rules' 'my \"rules\"' '--param' 'a=1'");
    EXPECT_TRUE(error.empty()) << error;
    command_args("info --store {tmp}/s.gpkg > {tmp}/out.txt", values, error);
    EXPECT_NE(error.find("shell operator '>'"), std::string::npos) << error;
    command_args("info --store {stor}", values, error);
    EXPECT_NE(error.find("unknown placeholder {stor}"), std::string::npos) << error;
    command_args("info --store 'open", values, error);
    EXPECT_NE(error.find("unterminated"), std::string::npos) << error;
    EXPECT_EQ(command_lines("# setup\n\n  import statline a.csv\n  # comment\ninfo\n"),
              (std::vector<std::string>{"import statline a.csv", "info"}));
    EXPECT_EQ(sanitise("statline-bad.code"), "statline_bad_code");
}

}  // namespace
}  // namespace wz::test::cli
