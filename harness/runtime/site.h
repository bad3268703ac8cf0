// A scheduling-point site: the source location of a primitive operation or of an
// access to declared shared state, with a short protocol-level label ("register
// request", "wait completion"). Sites are static objects; their address is their
// identity inside one process and their hash is stable across processes.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace rt {

struct Site {
  const char* label;  // protocol-level step, shown in timelines
  const char* func;   // enclosing function (the kernel function name in the model)
  const char* file;
  int line;
  // Stable across processes and builds of the same source: FNV-1a of file
  // basename, line and label. Computed on first use; inline after that (the
  // sim runtime hashes the site of every scheduling point).
  uint64_t hash() const {
    const uint64_t h = hash_cache.load(std::memory_order_relaxed);
    return h ? h : compute_hash();
  }
  mutable std::atomic<uint64_t> hash_cache{0};

 private:
  uint64_t compute_hash() const;
};

// "func:label"
std::string site_text(const Site* s);

// A site for a primitive call with no better label.
extern const Site kUnknownSite;

}  // namespace rt

// RT_SITE("label") yields a `const rt::Site*` naming the current source location.
#define RT_SITE(label_)                                                       \
  (__extension__({                                                            \
    static const ::rt::Site rt_site_{(label_), __func__, __FILE__, __LINE__}; \
    &rt_site_;                                                                \
  }))
