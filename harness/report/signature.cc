#include "harness/report/signature.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace report {

namespace {

bool is_ident(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool is_client_thread(const std::string& name) {
  return name.rfind("cpu", 0) == 0;
}

// The "FUNC:LABEL" after `prefix` in `text` up to " [" or end of line.
std::string site_after(std::string_view text, std::string_view prefix) {
  size_t at = text.find(prefix);
  if (at == std::string_view::npos) return "";
  at = text.find(" at ", at);
  if (at == std::string_view::npos) return "";
  std::string_view rest = text.substr(at + 4);
  const size_t end = std::min(rest.find(" ["), rest.find('\n'));
  return std::string(rest.substr(0, end));
}

// Client index of "cpuN", or -1.
int client_of(const std::string& thread) {
  if (!is_client_thread(thread) || thread.size() < 4) return -1;
  return std::atoi(thread.c_str() + 3);
}

// pause, resume and commit reach the kdamond as one-shot damon_call()s (the
// way sysfs commits), so a hang in one is the same bug as in a plain call.
std::string kernel_request(const std::string& kind) {
  return kind == "pause" || kind == "resume" || kind == "commit" ? "call" : kind;
}

void add_hang_facts(const program::Outcome& o, const rt::Finding& f,
                    std::vector<std::string>* out) {
  for (const rt::BlockedThread& b : f.blocked) {
    if (!is_client_thread(b.thread)) continue;
    // A lost request stops the run at the drop, wherever the other clients
    // happen to be: only its waiter belongs to the bug.
    if (f.verdict == rt::Verdict::kLostRequest && f.tid >= 0 && b.tid != f.tid) continue;
    out->push_back("wait " + b.wait_site);
    const int client = client_of(b.thread);
    for (const program::OpResult& r : o.results) {
      if (r.client != client || r.returned) continue;
      out->push_back("request " + kernel_request(request_kind(r.op)));
      break;
    }
  }
  const bool stable_site =
      f.verdict == rt::Verdict::kDeadlock || f.verdict == rt::Verdict::kLostRequest;
  if (stable_site && !f.site.empty() && f.site != "?") out->push_back("detected " + f.site);
  const std::string func = function_in_message(f.message);
  if (!func.empty()) out->push_back("func " + func);
}

void add_lifetime_facts(const rt::Finding& f, std::vector<std::string>* out) {
  if (f.verdict == rt::Verdict::kUseAfterFree) {
    out->push_back("access " + f.site);
    out->push_back("death " + site_after(f.detail, "died:"));
  } else {
    out->push_back("free " + f.site);
    out->push_back("first-free " + site_after(f.detail, "first free by"));
  }
}

}  // namespace

std::string Signature::key() const {
  std::string k(rt::verdict_name(verdict));
  for (const std::string& f : facts) k += " | " + f;
  return k;
}

std::string Signature::id() const {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (const unsigned char c : key()) h = (h ^ c) * 0x100000001b3ull;
  std::string out;
  for (int i = 0; i < 14; i++, h /= 26) out += static_cast<char>('a' + h % 26);
  return out;
}

std::string assertion_line(const Signature& s) {
  return "ASSERTION FAILED: damon-harness " + std::string(rt::verdict_name(s.verdict)) + " " +
         s.id() + ": " + s.key();
}

std::string strip_numbers(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      out += s[i];
      continue;
    }
    out += 'N';
    while (i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) i++;
  }
  return out;
}

std::string request_kind(std::string_view op) {
  std::string kind(op.substr(0, op.find(' ')));
  if (op.find(" repeat") != std::string_view::npos) kind += "-repeat";
  if (op.find(" dealloc") != std::string_view::npos) kind += "-dealloc";
  return kind;
}

std::string function_in_message(std::string_view message) {
  for (size_t at = message.find(" at "); at != std::string_view::npos;
       at = message.find(" at ", at + 1)) {
    size_t end = at + 4;
    while (end < message.size() && (is_ident(message[end]) || message[end] == '~')) end++;
    if (end > at + 4 && end < message.size() && message[end] == ':')
      return std::string(message.substr(at + 4, end - at - 4));
  }
  return "";
}

Signature signature_of(const program::Outcome& o) {
  Signature s;
  s.verdict = o.verdict;
  if (o.run.findings.empty()) return s;
  const rt::Finding& f = o.run.findings.front();
  if (rt::is_hang(f.verdict)) {
    add_hang_facts(o, f, &s.facts);
  } else if (f.verdict == rt::Verdict::kUseAfterFree || f.verdict == rt::Verdict::kDoubleFree) {
    add_lifetime_facts(f, &s.facts);
  } else if (f.verdict != rt::Verdict::kOk) {
    s.facts.push_back("contract " + strip_numbers(f.message));
  }
  std::sort(s.facts.begin(), s.facts.end());
  s.facts.erase(std::unique(s.facts.begin(), s.facts.end()), s.facts.end());
  return s;
}

}  // namespace report
