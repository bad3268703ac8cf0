#include "harness/runtime/site.h"

#include <cstring>

namespace rt {

const Site kUnknownSite{"?", "?", "?", 0};

namespace {
uint64_t fnv(uint64_t h, const char* s) {
  for (; *s; s++) h = (h ^ static_cast<unsigned char>(*s)) * 1099511628211ull;
  return h;
}
}  // namespace

uint64_t Site::compute_hash() const {
  // The basename keeps the hash independent of the build directory.
  const char* base = std::strrchr(file, '/');
  uint64_t h = fnv(1469598103934665603ull, base ? base + 1 : file);
  h = (h ^ static_cast<uint64_t>(line)) * 1099511628211ull;
  h = fnv(h, label);
  if (!h) h = 1;
  hash_cache.store(h, std::memory_order_relaxed);
  return h;
}

std::string site_text(const Site* s) {
  if (!s) return "?";
  return std::string(s->func) + ":" + s->label;
}

}  // namespace rt
