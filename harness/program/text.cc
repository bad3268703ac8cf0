#include "harness/program/text.h"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/program/op_parse.h"

namespace program {
namespace {

constexpr std::string_view kHeaderWords = "damon-harness program";

std::string_view trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// One pass over the lines. Comments are only kept until the first operation,
// because that is where a finding's description lives; later ones annotate
// single lines and would not survive reordering by print_program().
class TextParser {
 public:
  TextParser(Program* out, ParseError* err) : out_(out), err_(err) {}

  bool parse(std::string_view text);

 private:
  bool fail(int column, std::string message) {
    err_->line = line_no_;
    err_->column = column;
    err_->message = std::move(message);
    return false;
  }
  int column_of(std::string_view part) const {
    return static_cast<int>(part.data() - line_.data()) + 1;
  }
  bool parse_line();
  bool parse_header(std::string_view s);
  bool parse_comment(std::string_view s);
  bool parse_expect(std::string_view body);
  bool parse_ops_line(std::string_view label, std::string_view rest);
  bool parse_setup_line(std::string_view label, std::string_view rest);
  bool parse_op_into(std::vector<Op>* ops, std::string_view rest);
  bool parse_schedule_line(std::string_view label, std::string_view rest);

  Program* const out_;
  ParseError* const err_;
  std::string_view line_;
  int line_no_ = 0;
  int version_ = 0;  // of the header, once seen
  bool seen_header_ = false;
  bool seen_op_ = false;
  bool seen_schedule_ = false;
};

bool TextParser::parse(std::string_view text) {
  *out_ = Program{};
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = std::min(text.find('\n', pos), text.size());
    line_ = text.substr(pos, nl - pos);
    line_no_++;
    if (!parse_line()) return false;
    pos = nl + 1;
  }
  if (seen_header_) return true;
  line_no_ = 1;
  return fail(1, fmt::format("missing header '{} v{}'", kHeaderWords, kTextFormatVersion));
}

bool TextParser::parse_line() {
  const std::string_view s = trim(line_);
  if (s.empty()) return true;
  if (s[0] == '#') return parse_comment(s);
  if (!seen_header_) return parse_header(s);
  const size_t colon = s.find(':');
  const std::string_view label = trim(s.substr(0, colon));
  if (colon == std::string_view::npos || label.find_first_of(" \t") != std::string_view::npos)
    return fail(column_of(s),
                "expected 'cpuN: <op>', 'setup: <op>', 'schedule: <delay:tid ...>' or '# ...'");
  if (label == "schedule") return parse_schedule_line(label, s.substr(colon + 1));
  if (label == "setup") return parse_setup_line(label, s.substr(colon + 1));
  return parse_ops_line(label, s.substr(colon + 1));
}

// Spaces between the header's words are free, like everywhere else.
bool TextParser::parse_header(std::string_view s) {
  const std::vector<Token> words = tokenize(s, column_of(s));
  const std::string missing =
      fmt::format("missing header '{} v{}'", kHeaderWords, kTextFormatVersion);
  if (words.size() < 2 || words[0].text != "damon-harness" || words[1].text != "program")
    return fail(column_of(s), missing);
  const std::string_view v = words.size() == 3 ? words[2].text : "";
  if (v.size() < 2 || v[0] != 'v' || v.find_first_not_of("0123456789", 1) != std::string_view::npos)
    return fail(words.size() > 2 ? words[2].column : column_of(s), missing);
  const std::string_view digits = v.substr(1);
  int version = 0;
  for (int known = 1; known <= kTextFormatVersion; known++)
    if (digits == std::to_string(known)) version = known;
  if (!version) return fail(words[2].column, fmt::format("unsupported format version {}", digits));
  version_ = version;
  seen_header_ = true;
  return true;
}

bool TextParser::parse_comment(std::string_view s) {
  std::string_view body = s.substr(1);
  const std::string_view first = trim(body);
  const std::string_view word = first.substr(0, first.find_first_of(" \t:"));
  if (word == "expect") return parse_expect(first.substr(word.size()));
  if (seen_op_) return true;
  if (body.starts_with(' ')) body.remove_prefix(1);
  out_->comments.emplace_back(body);
  return true;
}

// "# expect <profile>: <verdict>"; profile names are checked by whoever runs
// the expectations, because the set of profiles is not this layer's business.
bool TextParser::parse_expect(std::string_view body) {
  const size_t colon = body.find(':');
  const std::string_view profile = trim(body.substr(0, colon));
  if (colon == std::string_view::npos || profile.empty() ||
      profile.find_first_of(" \t") != std::string_view::npos)
    return fail(column_of(body), "expected '# expect <profile>: <verdict>'");
  const int verdict_column = column_of(body) + static_cast<int>(colon) + 1;
  const std::vector<Token> rest = tokenize(body.substr(colon + 1), verdict_column);
  if (rest.empty()) return fail(verdict_column, "missing verdict after ':'");
  if (rest.size() > 1) return fail(rest[1].column, fmt::format("unexpected '{}'", rest[1].text));
  Expect e{std::string(profile)};
  if (!rt::parse_verdict(rest[0].text, &e.verdict))
    return fail(rest[0].column, fmt::format("unknown verdict '{}'", rest[0].text));
  out_->expects.push_back(std::move(e));
  return true;
}

bool TextParser::parse_ops_line(std::string_view label, std::string_view rest) {
  const std::string_view digits = label.substr(std::min<size_t>(3, label.size()));
  if (!label.starts_with("cpu") || digits.empty() || digits.size() > 3 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return fail(column_of(label),
                fmt::format("expected 'cpuN', 'setup' or 'schedule', got '{}'", label));
  const int client = std::stoi(std::string(digits));
  if (client >= kMaxClients)
    return fail(column_of(label),
                fmt::format("client index {} out of range (0..{})", client, kMaxClients - 1));
  auto& ops = out_->ops[client];
  if (ops.size() >= static_cast<size_t>(kMaxOpsPerClient))
    return fail(column_of(label), fmt::format("too many operations for cpu{} (at most {})", client,
                                              kMaxOpsPerClient));
  return parse_op_into(&ops, rest);
}

// The setup block: operations run in order before the clients start (v2).
bool TextParser::parse_setup_line(std::string_view label, std::string_view rest) {
  if (version_ < kSetupVersion)
    return fail(column_of(label), fmt::format("'setup:' needs format v{} (the header says v{})",
                                              kSetupVersion, version_));
  if (out_->setup.size() >= static_cast<size_t>(kMaxSetupOps))
    return fail(column_of(label),
                fmt::format("too many setup operations (at most {})", kMaxSetupOps));
  return parse_op_into(&out_->setup, rest);
}

bool TextParser::parse_op_into(std::vector<Op>* ops, std::string_view rest) {
  const int end_column = column_of(rest) + static_cast<int>(rest.size());
  Op op;
  if (!parse_op(tokenize(rest, column_of(rest)), end_column, &op, err_)) {
    err_->line = line_no_;
    return false;
  }
  ops->push_back(op);
  seen_op_ = true;
  return true;
}

bool TextParser::parse_schedule_line(std::string_view label, std::string_view rest) {
  if (seen_schedule_) return fail(column_of(label), "second schedule line");
  size_t error_col = 0;
  std::string error;
  if (!rt::parse_schedule(rest, &out_->schedule, &error_col, &error))
    return fail(column_of(rest) + static_cast<int>(error_col), error);
  seen_schedule_ = true;
  return true;
}

void print_comment(std::string* out, std::string_view c) {
  // A comment with newlines (written by a tool) becomes several comment lines.
  for (;;) {
    const size_t nl = c.find('\n');
    const std::string_view line = c.substr(0, nl);
    *out += line.empty() ? "#\n" : fmt::format("# {}\n", line);
    if (nl == std::string_view::npos) return;
    c.remove_prefix(nl + 1);
  }
}

}  // namespace

std::string ParseError::format(std::string_view file) const {
  return fmt::format("{}:{}:{}: error: {}", file, line, column, message);
}

bool parse_program(std::string_view text, Program* out, ParseError* err) {
  Program p;
  if (!TextParser(&p, err).parse(text)) return false;
  *out = std::move(p);
  return true;
}

std::string print_program(const Program& p) {
  // The oldest version that holds the program, so that a v1 file prints as itself.
  const int version = p.setup.empty() ? 1 : kSetupVersion;
  std::string out = fmt::format("{} v{}\n", kHeaderWords, version);
  for (const std::string& c : p.comments) print_comment(&out, c);
  for (const Expect& e : p.expects)
    out += fmt::format("# expect {}: {}\n", e.profile, rt::verdict_name(e.verdict));
  for (const Op& op : p.setup) out += fmt::format("setup: {}\n", format_op(op));
  for (int client = 0; client < kMaxClients; client++)
    for (const Op& op : p.ops[client]) out += fmt::format("cpu{}: {}\n", client, format_op(op));
  if (!p.schedule.empty()) out += fmt::format("schedule: {}\n", rt::format_schedule(p.schedule));
  return out;
}

bool looks_like_text(std::string_view data) {
  size_t pos = 0;
  while (pos < data.size()) {
    const size_t nl = std::min(data.find('\n', pos), data.size());
    const std::string_view s = trim(data.substr(pos, nl - pos));
    if (!s.empty() && s[0] != '#') return s.starts_with("damon-harness");
    pos = nl + 1;
  }
  return false;
}

}  // namespace program
