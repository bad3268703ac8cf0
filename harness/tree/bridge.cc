// The C bridge (shim/bridge.h) onto the kernel layer: a tree's mutexes,
// completions, kthreads, sleeps and allocations are the harness's own, so the
// runtimes schedule, replay and check the tree's core.c like the model.
#include "harness/tree/shim/bridge.h"
#include "harness/kernel/kernel.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include "harness/runtime/rng.h"
#include "harness/tree/tree.h"

static_assert(sizeof(dwh_site) == sizeof(rt::Site));
static_assert(offsetof(dwh_site, label) == offsetof(rt::Site, label));
static_assert(offsetof(dwh_site, func) == offsetof(rt::Site, func));
static_assert(offsetof(dwh_site, file) == offsetof(rt::Site, file));
static_assert(offsetof(dwh_site, line) == offsetof(rt::Site, line));
static_assert(offsetof(dwh_site, hash_cache) == offsetof(rt::Site, hash_cache));
static_assert(sizeof(kernel::mutex) <= sizeof(mutex::dwh_storage));

namespace tree {
namespace {

constexpr unsigned kMagic = 0x64776821;  // "dwh!": storage holds a constructed object

const rt::Site* site_of(const dwh_site* s) {
  return reinterpret_cast<const rt::Site*>(s);
}
rt::Execution& ex() {
  return rt::Execution::current();
}

kernel::mutex* mutex_of(::mutex* m, const char* name = "mutex") {
  auto* k = reinterpret_cast<kernel::mutex*>(m->dwh_storage);
  if (m->dwh_magic != kMagic) {
    new (k) kernel::mutex(name);
    m->dwh_magic = kMagic;
  }
  return k;
}

// A tree's completion: the harness's, and what runs right before complete().
struct TreeCompletion {
  kernel::completion k;
  CompleteHook hook = nullptr;
  void* arg = nullptr;
};
static_assert(sizeof(kernel::mutex) <= sizeof(::mutex::dwh_storage));
static_assert(sizeof(TreeCompletion) <= sizeof(::completion::dwh_storage));
static_assert(alignof(kernel::mutex) <= 16 && alignof(TreeCompletion) <= 16);

TreeCompletion* completion_of(::completion* c) {
  return reinterpret_cast<TreeCompletion*>(c->dwh_storage);
}

// A task of the tree: the harness's task with the part core.c reads around it.
struct TreeTask : kernel::task_struct {
  ::task_struct c{};
};

// The run's random numbers and environment; set by begin_run() on the setup
// thread, drawn by the tree's threads (sim: one at a time, so replay is exact).
std::atomic<uint64_t> g_rng_state{0};
std::atomic<unsigned long> g_free_pages{1ul << 17};
constexpr unsigned long kTotalPages = 1ul << 18;  // 1 GiB of 4 KiB pages

}  // namespace

// A tree allocation: a tracked header, then the tree's bytes.
struct Block final : kernel::Tracked {
  size_t size = 0;
  static void operator delete(void* p) { ::operator delete(p); }
  void* payload() { return reinterpret_cast<char*>(this) + sizeof(Block); }
  static Block* of(const void* payload) {
    return reinterpret_cast<Block*>(const_cast<char*>(static_cast<const char*>(payload)) -
                                    sizeof(Block));
  }
};
static_assert(sizeof(Block) % 16 == 0);

void* alloc_block(size_t size, const char* what, kernel::Owner owner, std::string_view desc,
                  const rt::Site* site) {
  void* mem = ::operator new(sizeof(Block) + size);
  auto* b = new (mem) Block();
  b->size = size;
  std::memset(b->payload(), 0, size);
  kernel::World::current().born(b, what, owner, desc, site);
  return b->payload();
}

void free_block(const void* payload, const rt::Site* site) {
  kernel::World::current().died(Block::of(payload), site);
}

const kernel::Tracked* block_of(const void* payload) {
  return Block::of(payload);
}

void begin_run_env(uint64_t seed, unsigned free_mem_permille) {
  g_rng_state.store(seed * 0x9e3779b97f4a7c15ull + 1);
  g_free_pages.store(kTotalPages * free_mem_permille / 1000);
}

void prepare_completion(void* c, const kernel::Tracked* owner, std::string_view label,
                        CompleteHook hook, void* arg) {
  auto* cc = static_cast<::completion*>(c);
  auto* t = new (completion_of(cc)) TreeCompletion{kernel::completion("completion", owner)};
  if (!label.empty()) t->k.e.set_label(label);
  t->hook = hook;
  t->arg = arg;
  cc->dwh_magic = kMagic;
}

unsigned completion_signals(const void* c) {
  return completion_of(static_cast<::completion*>(const_cast<void*>(c)))->k.e.signals();
}

}  // namespace tree

using tree::completion_of;
using tree::ex;
using tree::kMagic;
using tree::mutex_of;
using tree::site_of;

extern "C" {

void dwh_mutex_init(struct mutex* m, const char* name) {
  m->dwh_magic = 0;
  mutex_of(m, name);
}
void dwh_mutex_lock(struct mutex* m, const dwh_site* site) {
  kernel::mutex_lock_at(mutex_of(m), site_of(site));
}
int dwh_mutex_trylock(struct mutex* m, const dwh_site* site) {
  return kernel::mutex_trylock_at(mutex_of(m), site_of(site)) ? 1 : 0;
}
void dwh_mutex_unlock(struct mutex* m, const dwh_site* site) {
  kernel::mutex_unlock_at(mutex_of(m), site_of(site));
}
bool dwh_mutex_is_locked(struct mutex* m) {
  return mutex_of(m)->m.owner() >= 0;
}

// A completion prepared by the harness (tree::prepare_completion) keeps its
// owner and label: init only resets its count.
void dwh_init_completion(struct completion* c, const char* name, const dwh_site* site) {
  if (c->dwh_magic != kMagic) {
    new (completion_of(c)) tree::TreeCompletion{kernel::completion(name)};
    c->dwh_magic = kMagic;
  }
  kernel::init_completion_at(&completion_of(c)->k, site_of(site));
}
void dwh_complete(struct completion* c, const dwh_site* site) {
  tree::TreeCompletion* t = completion_of(c);
  if (t->hook) t->hook(t->arg);
  kernel::complete_at(&t->k, site_of(site));
}
void dwh_wait_for_completion(struct completion* c, const dwh_site* site) {
  kernel::wait_for_completion_at(&completion_of(c)->k, site_of(site));
}

struct task_struct* dwh_kthread_run(int (*fn)(void*), void* data, const dwh_site* site,
                                    const char* fmt, ...) {
  kernel::World& w = kernel::World::current();
  ex().point(site_of(site));
  if (w.faults.fail_kthread_run > 0) {
    w.faults.fail_kthread_run--;
    return static_cast<task_struct*>(reinterpret_cast<void*>(-static_cast<long>(ENOMEM)));
  }
  char name[sizeof(task_struct::comm)];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(name, sizeof name, fmt, ap);
  va_end(ap);
  auto* t = new tree::TreeTask();
  t->comm = name;
  std::memcpy(t->c.comm, name, sizeof name);
  t->usage.store(1);  // the thread's own reference, dropped when it exits
  w.born(t, "task_struct", kernel::Owner::kHeap, "kthread_run", site_of(site));
  t->tid = ex().spawn(name, rt::ThreadKind::kKthread, [t, fn, data] {
    kernel::World::current().set_task(rt::Execution::current().self(), t);
    t->result = fn(data);
    kernel::put_task_struct_at(t, RT_SITE("kthread exit"));
  });
  t->c.pid = t->tid;
  t->c.dwh_task = t;
  return &t->c;
}

static tree::TreeTask* task_of(struct task_struct* t) {
  return static_cast<tree::TreeTask*>(t->dwh_task);
}

bool dwh_kthread_should_stop(const dwh_site* site) {
  return kernel::kthread_should_stop_at(site_of(site));
}
int dwh_kthread_stop(struct task_struct* t, const dwh_site* site) {
  return kernel::kthread_stop_at(task_of(t), site_of(site));
}
int dwh_kthread_stop_put(struct task_struct* t, const dwh_site* site) {
  return kernel::kthread_stop_put_at(task_of(t), site_of(site));
}
void dwh_get_task_struct(struct task_struct* t, const dwh_site* site) {
  kernel::get_task_struct_at(task_of(t), site_of(site));
}
void dwh_put_task_struct(struct task_struct* t, const dwh_site* site) {
  kernel::put_task_struct_at(task_of(t), site_of(site));
}
struct task_struct* dwh_current(void) {
  kernel::task_struct* t = kernel::current_task();
  return t ? &static_cast<tree::TreeTask*>(t)->c : nullptr;
}

uint64_t dwh_now_ns(void) {
  return ex().now_ns();
}
uint64_t dwh_sleep_interruptible_ns(uint64_t ns, const dwh_site* site) {
  const uint64_t t0 = ex().now_ns();
  if (!ex().sleep(ns, site_of(site))) return 0;
  const uint64_t slept = ex().now_ns() - t0;
  return slept < ns ? ns - slept : 0;
}
void dwh_sleep_full_ns(uint64_t ns, const dwh_site* site) {
  const uint64_t end = ex().now_ns() + ns;
  for (uint64_t now = ex().now_ns(); now < end; now = ex().now_ns()) {
    if (!ex().sleep(end - now, site_of(site))) break;
  }
}
void dwh_point(const dwh_site* site) {
  ex().point(site_of(site));
}
void dwh_cond_resched(const dwh_site* site) {
  ex().point(site_of(site));
}

void* dwh_kmalloc(size_t size, bool zero, bool may_fail, const dwh_site* site) {
  kernel::World& w = kernel::World::current();
  if (may_fail && w.faults.fail_alloc > 0) {
    w.faults.fail_alloc--;
    return nullptr;
  }
  (void)zero;  // every block starts zeroed: uninitialised reads replay the same
  return tree::alloc_block(size, site->label, kernel::Owner::kHeap, "kmalloc", site_of(site));
}
void dwh_kfree(const void* p, const dwh_site* site) {
  if (!p) return;
  ex().point(site_of(site));
  tree::free_block(p, site_of(site));
}

uint64_t dwh_random_u64(void) {
  uint64_t s = tree::g_rng_state.fetch_add(1);
  return rt::SplitMix64(s).next();
}

unsigned long dwh_free_pages(void) {
  return tree::g_free_pages.load();
}
unsigned long dwh_total_pages(void) {
  return tree::kTotalPages;
}

int dwh_warn(int cond, const dwh_site* site, const char* fmt, ...) {
  if (!cond) return 0;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  rt::Finding f;
  f.verdict = rt::Verdict::kHarnessBug;
  f.site = rt::site_text(site_of(site));
  f.message = std::string("kernel WARN in the tree: ") + msg;
  ex().report(std::move(f));
  return 1;
}
void dwh_printk(const char* level, const char* fmt, ...) {
  (void)level;
  (void)fmt;
}
void dwh_trace(const char* event) {
  (void)event;
}

}  // extern "C"
