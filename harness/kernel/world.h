// Per-execution kernel state: the lifetime table of tracked objects and the fault
// injection switches. One World per execution, reached through the execution.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/runtime/execution.h"
#include "harness/runtime/invisible.h"

namespace kernel {

struct task_struct;  // kernel.h

// Base of every object whose lifetime the model checks (requests, contexts,
// tasks). Virtual destructor so that kfree of a base pointer frees the object.
// An object dies by running its destructor at once (so the references it holds
// are dropped at death in every build); its memory is freed at once under ASan
// and kept until the end of the run otherwise, so no address is reused while
// stale pointers may still be checked. Destructors may raise findings.
struct Tracked {
  virtual ~Tracked() noexcept(false) = default;
};

struct Faults {
  std::atomic<int> fail_kthread_run{0};  // the next N kthread_run calls fail with -ENOMEM
  std::atomic<int> fail_alloc{0};        // the next N fallible allocations return nullptr
};

// Why an object exists and how it must end.
enum class Owner : uint8_t {
  kCaller,  // stack object of an API call: dies when the call returns
  kHeap,    // kmalloc'd: dies at kfree
  kStatic,  // lives for the whole run (module statics)
};

// An observer of one world's accesses to tracked objects: born() and check()
// (every READ/WRITE/SET_REF and complete() of the model) call it first, with
// the caller's memory accesses already hidden from ThreadSanitizer, inside an
// execution only. `obj` is only an identity (the object's address); `tid` is
// the accessing thread. The fuzz targets key their object feedback on it.
// nullptr, the default, costs one test per access.
using AccessHook = void (*)(const void* obj, const rt::Site* site, bool born, int tid);

class World {
 public:
  World();
  ~World();  // frees what is still alive and what was kept for use-after-free checks
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // The world of the current execution (Execution::user). Aborts if none.
  static World& current();
  // The world attached to `e` (from outside a running execution).
  static World& current_of(rt::Execution& e) { return *static_cast<World*>(e.user); }
  void attach(rt::Execution& e);

  Faults faults;
  // Set before the run starts (see AccessHook).
  AccessHook access_hook = nullptr;
  // State of the layer above for this execution (the DAMON model keeps its
  // damon_core here).
  void* ext = nullptr;

  void born(Tracked* obj, const char* what, Owner owner, std::string_view owner_desc,
            const rt::Site* site);
  // The object dies now. Reports a double free if it is already dead.
  void died(Tracked* obj, const rt::Site* site);
  // Reports a use after free/return if obj is registered and dead; returns
  // whether it is alive (unregistered objects count as alive).
  bool check(const Tracked* obj, const rt::Site* site);
  bool alive(const Tracked* obj) const;
  // Whether a heap object whose description starts with `what` is still alive.
  bool heap_alive(std::string_view what) const;
  // On sim a World call is a QuietAccesses scope, which nests for free: a
  // caller whose World calls and scheduling points follow each other, with no
  // access of the model's in between, may open one scope around them all.
  bool quiet_scopes() const { return !threaded_; }

 private:
  // A piece of text_.
  struct Text {
    uint32_t at = 0, len = 0;
  };
  // Plain data, so that growing the table copies bytes: its texts live in text_.
  struct Record {
    const char* what;
    Owner owner;
    bool alive;
    Text owner_desc;
    Text death_thread;
    Text death_stack;
    const rt::Site* death_site;
  };
  // The records' texts, one after the other (a run's few dozen deaths each
  // note a thread and a stack): one buffer instead of three strings a record.
  // Only ever appended to.
  std::string text_;
  Text keep(std::string_view s);
  std::string_view text(Text t) const { return std::string_view(text_).substr(t.at, t.len); }
  void observe(const Tracked* obj, const rt::Site* site, bool born) const;  // access_hook
  // "<thread> at <site> [<stack>]" of a dead record.
  std::string death_text(const Record& r) const;
  // Taken only on the os runtime (threaded_): sim threads are fibers of one OS
  // thread and never switch inside a World call. Invisible to ThreadSanitizer.
  mutable std::mutex mu_;
  bool threaded_ = true;
  // The scope of a World call: hidden from ThreadSanitizer, and under mu_ on
  // the os runtime. On sim, where it takes no lock, only its accesses are
  // hidden (QuietAccesses, two annotations fewer at every model access than
  // Invisible).
  class Scope {
   public:
    explicit Scope(const World& w) : m_(w.threaded_ ? &w.mu_ : nullptr) {
      if (m_) {
        inv_.emplace();
        m_->lock();
      } else {
        quiet_.emplace();
      }
    }
    ~Scope() {
      if (m_) m_->unlock();
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    std::mutex* m_;
    std::optional<rt::Invisible> inv_;
    std::optional<rt::QuietAccesses> quiet_;
  };
  // The lifetime table: records in the order the objects were born (an
  // address born again after a real free takes over its record), found through
  // an open-addressing index by address. A run has a few dozen objects and
  // looks one up at every model access.
  struct Entry {
    const Tracked* obj;
    Record rec;
  };
  std::vector<Entry> records_;
  std::vector<uint32_t> index_;  // position in records_ + 1, 0 = free; a power of two
  // The index slot of obj, or the free one that ends its probe.
  size_t slot_of(const Tracked* obj) const;
  Record* find(const Tracked* obj);
  const Record* find(const Tracked* obj) const;
  std::vector<void*> kept_;  // memory of dead objects, freed at the end
  // The tables' buffers, handed from a World that ends to the next one made on
  // the same OS thread: a fuzzer makes a World per execution, and these would
  // be four heap allocations of it. Only the capacity is reused; every World
  // starts empty.
  struct Tables {
    std::vector<Entry> records;
    std::vector<uint32_t> index;
    std::string text;
    std::vector<void*> kept;
  };
  static Tables& spare_tables();
  // kthread tid -> task (nullptr: none), for current_task(); tids are small
  // indexes into the execution's threads.
  std::vector<struct task_struct*> tasks_;

 public:
  void set_task(int tid, struct task_struct* t);
  struct task_struct* task_of(int tid);
};

}  // namespace kernel
