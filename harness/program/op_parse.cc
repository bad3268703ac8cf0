#include "harness/program/op_parse.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace program {
namespace {

// Walks the tokens of one operation and turns failures into ParseError fields,
// so each parser below reads as the grammar it implements.
class OpParser {
 public:
  OpParser(const std::vector<Token>& tokens, int end_column, ParseError* err)
      : tokens_(tokens), end_column_(end_column), err_(err) {}

  bool parse(Op* op);

 private:
  bool fail(int column, std::string message) {
    err_->column = column;
    err_->message = std::move(message);
    return false;
  }
  bool at_end() const { return next_ == tokens_.size(); }
  const Token& peek() const { return tokens_[next_]; }
  bool take(std::string_view word) {
    if (at_end() || peek().text != word) return false;
    next_++;
    return true;
  }
  bool expect_end() {
    if (at_end()) return true;
    return fail(peek().column,
                fmt::format("unexpected '{}' after '{}'", peek().text, tokens_[next_ - 1].text));
  }

  bool parse_number(std::string_view text, int column, int lo, int hi, std::string_view what,
                    int* out);
  bool parse_ctx(std::string_view text, int column, int* out);
  bool parse_ctx_mask(bool allow_many, uint8_t* out);
  bool parse_arg(Arg arg, Op* op);
  bool parse_keyed_field(const OpSpec& spec, const Token& t, Op* op, const Token** intervals);
  bool parse_intervals(const Token& t, Op* op);
  bool parse_keyed(const OpSpec& spec, Op* op);
  bool parse_args(const OpSpec& spec, Op* op);

  const std::vector<Token>& tokens_;
  const int end_column_;
  ParseError* const err_;
  size_t next_ = 0;
};

bool OpParser::parse_number(std::string_view text, int column, int lo, int hi,
                            std::string_view what, int* out) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || end != text.data() + text.size() || ec == std::errc::invalid_argument)
    return fail(column, fmt::format("expected a number for {}, got '{}'", what, text));
  if (ec == std::errc::result_out_of_range || v < lo || v > hi)
    return fail(column, fmt::format("{} {} out of range ({}..{})", what, text, lo, hi));
  *out = v;
  return true;
}

bool OpParser::parse_ctx(std::string_view text, int column, int* out) {
  const std::string_view digits = text.substr(std::min<size_t>(3, text.size()));
  if (!text.starts_with("ctx") || digits.empty() ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return fail(column, fmt::format("expected 'ctxN', got '{}'", text));
  return parse_number(text.substr(3), column, 0, kMaxCtxs - 1, "ctx index", out);
}

// "ctx0" or, where several contexts are allowed, "ctx0+ctx1".
bool OpParser::parse_ctx_mask(bool allow_many, uint8_t* out) {
  if (at_end()) return fail(end_column_, "missing 'ctxN'");
  const Token& t = tokens_[next_++];
  uint8_t mask = 0;
  size_t pos = 0;
  for (;;) {
    const size_t plus = t.text.find('+', pos);
    const std::string_view part = t.text.substr(pos, plus - pos);
    const int column = t.column + static_cast<int>(pos);
    int ctx = 0;
    if (!parse_ctx(part, column, &ctx)) return false;
    if (mask & (1u << ctx)) return fail(column, fmt::format("ctx{} listed twice", ctx));
    mask |= 1u << ctx;
    if (plus == std::string_view::npos) break;
    if (!allow_many)
      return fail(t.column + static_cast<int>(plus),
                  fmt::format("'{}' takes a single ctx", tokens_[0].text));
    pos = plus + 1;
  }
  *out = mask;
  return true;
}

// A positional argument, or an optional word, in the row's order.
bool OpParser::parse_arg(Arg arg, Op* op) {
  switch (arg) {
    case Arg::kCtxs:
      return parse_ctx_mask(true, &op->ctx_mask);
    case Arg::kCtx:
      return parse_ctx_mask(false, &op->ctx_mask);
    case Arg::kExclusive:
      if (take("exclusive")) op->exclusive = true;
      return true;
    case Arg::kCallMode:
      if (take("repeat")) op->call = take("dealloc") ? CallMode::kRepeatDealloc : CallMode::kRepeat;
      return true;
    case Arg::kFault:
      if (take("kthread")) return true;
      if (take("alloc")) {
        op->fault = FaultKind::kAlloc;
        return true;
      }
      return fail(at_end() ? end_column_ : peek().column, "expected 'kthread' or 'alloc'");
    case Arg::kSleepMs: {
      if (at_end()) return fail(end_column_, "missing sleep time in ms");
      const Token& t = tokens_[next_++];
      int ms = 0;
      if (!parse_number(t.text, t.column, 1, kMaxSleepMs, "sleep", &ms)) return false;
      op->sleep_ms = static_cast<uint16_t>(ms);
      return true;
    }
    default:
      return true;  // keyed: parse_keyed()
  }
}

bool OpParser::parse_keyed_field(const OpSpec& spec, const Token& t, Op* op,
                                 const Token** intervals) {
  const size_t eq = t.text.find('=');
  const std::string_view key = t.text.substr(0, eq);
  const ArgField* field = nullptr;
  for (const ArgField& f : spec.args())
    if (arg_info(f.arg).keyed() && key == arg_info(f.arg).key &&
        arg_info(f.arg).flag == (eq == t.text.npos))
      field = &f;
  if (!field) return fail(t.column, fmt::format("unknown {} field '{}'", spec.name, t.text));
  const std::string_view value = t.text.substr(eq + 1);
  const int value_column = t.column + static_cast<int>(eq) + 1;
  switch (field->arg) {
    case Arg::kFail:
      op->fail = true;
      return true;
    case Arg::kSchemes: {
      int n = 0;
      if (!parse_number(value, value_column, 0, kMaxSchemes, "schemes", &n)) return false;
      op->nr_schemes = static_cast<uint8_t>(n);
      return true;
    }
    case Arg::kWmarks:
      if (value != "on" && value != "off")
        return fail(value_column, fmt::format("wmarks must be 'on' or 'off', got '{}'", value));
      op->wmarks_active = value == "on";
      return true;
    default:  // kIntervals: their count depends on schemes=, so they are read last
      *intervals = &t;
      return true;
  }
}

bool OpParser::parse_intervals(const Token& t, Op* op) {
  constexpr size_t kPrefix = sizeof("intervals=") - 1;
  const std::string_view list = t.text.substr(kPrefix);
  const int n = static_cast<int>(std::count(list.begin(), list.end(), ',')) + 1;
  if (op->nr_schemes == 0) return fail(t.column, "schemes=0 takes no intervals");
  if (n != op->nr_schemes)
    return fail(t.column, fmt::format("schemes={} takes {} intervals, got {}", op->nr_schemes,
                                      op->nr_schemes, n));
  size_t pos = 0;
  for (int i = 0; i < n; i++) {
    const size_t comma = std::min(list.find(',', pos), list.size());
    const int column = t.column + static_cast<int>(kPrefix + pos);
    int v = 0;
    if (!parse_number(list.substr(pos, comma - pos), column, 1, kMaxIntervalSamples, "interval",
                      &v))
      return false;
    op->interval[i] = static_cast<uint8_t>(v);
    pos = comma + 1;
  }
  return true;
}

// The keyed fields: any order, each at most once.
bool OpParser::parse_keyed(const OpSpec& spec, Op* op) {
  const Token* intervals = nullptr;
  std::vector<std::string_view> seen;
  for (; !at_end(); next_++) {
    const Token& t = peek();
    const std::string_view key = t.text.substr(0, t.text.find('='));
    for (std::string_view s : seen)
      if (s == key) return fail(t.column, fmt::format("{} field '{}' given twice", spec.name, key));
    seen.push_back(key);
    if (!parse_keyed_field(spec, t, op, &intervals)) return false;
  }
  return !intervals || parse_intervals(*intervals, op);
}

bool OpParser::parse_args(const OpSpec& spec, Op* op) {
  bool keyed = false;
  for (const ArgField& f : spec.args()) {
    keyed = keyed || arg_info(f.arg).keyed();
    if (!parse_arg(f.arg, op)) return false;
  }
  return keyed ? parse_keyed(spec, op) : expect_end();
}

bool OpParser::parse(Op* op) {
  if (at_end()) return fail(end_column_, "missing operation");
  const Token& name = tokens_[next_++];
  const OpSpec* spec = find_op_spec(name.text);
  if (!spec) return fail(name.column, fmt::format("unknown operation '{}'", name.text));
  *op = Op{};
  op->kind = spec->kind;
  return parse_args(*spec, op);
}

}  // namespace

std::vector<Token> tokenize(std::string_view text, int first_column) {
  std::vector<Token> tokens;
  size_t pos = 0;
  for (;;) {
    pos = text.find_first_not_of(" \t", pos);
    if (pos == std::string_view::npos) return tokens;
    const size_t end = std::min(text.find_first_of(" \t", pos), text.size());
    tokens.push_back({text.substr(pos, end - pos), first_column + static_cast<int>(pos)});
    pos = end;
  }
}

bool parse_op(const std::vector<Token>& tokens, int end_column, Op* op, ParseError* err) {
  Op parsed;
  if (!OpParser(tokens, end_column, err).parse(&parsed)) return false;
  *op = parsed;
  return true;
}

}  // namespace program
