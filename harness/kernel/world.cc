#define DWH_KERNEL_IMPL 1
#include "harness/kernel/world.h"

#include <cstdio>
#include <cstdlib>

#include "harness/runtime/invisible.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DWH_WORLD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define DWH_WORLD_ASAN 1
#endif

namespace kernel {
namespace {
std::atomic<AccessHook> g_access_hook{nullptr};
}  // namespace

void set_access_hook(AccessHook hook) {
  g_access_hook.store(hook, std::memory_order_relaxed);
}

World::World() = default;

World::~World() {
  for (auto& [obj, rec] : table_) {
    if (rec.alive) delete const_cast<Tracked*>(obj);
  }
  for (void* p : kept_) ::operator delete(p);
}

World& World::current() {
  auto* w = static_cast<World*>(rt::Execution::current().user);
  if (!w) {
    std::fprintf(stderr, "damon-harness: no kernel world attached to this execution\n");
    std::abort();
  }
  return *w;
}

void World::attach(rt::Execution& e) {
  e.user = this;
}

void World::born(Tracked* obj, const char* what, Owner owner, std::string owner_desc,
                 const rt::Site* site) {
  if (AccessHook hook = g_access_hook.load(std::memory_order_relaxed)) hook(obj, site, true);
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  table_[obj] = Record{what, owner, true, std::move(owner_desc), {}, {}, nullptr};
}

void World::died(Tracked* obj, const rt::Site* site) {
  rt::Execution& e = rt::Execution::current();
  const int self = e.self();
  const char* what = nullptr;
  std::string first_death;
  bool unknown = false, twice = false;
  {
    rt::Invisible inv;
    std::lock_guard<std::mutex> g(mu_);
    auto it = table_.find(obj);
    if (it == table_.end()) {
      unknown = true;
    } else if (!it->second.alive) {
      twice = true;
      what = it->second.what;
      first_death = it->second.death_thread + " at " + rt::site_text(it->second.death_site) + " [" +
                    it->second.death_stack + "]";
    } else {
      Record& r = it->second;
      r.alive = false;
      what = r.what;
      r.death_site = site;
      r.death_thread = self >= 0 ? e.thread_name(self) : "?";
      r.death_stack = self >= 0 ? e.stack_of(self) : "";
    }
  }
  if (unknown || twice) {
    rt::Finding f;
    f.verdict = unknown ? rt::Verdict::kHarnessBug : rt::Verdict::kDoubleFree;
    f.site = rt::site_text(site);
    f.message = unknown ? "free of an object the harness never allocated"
                        : std::string("double free: ") + what;
    f.detail = "second free by " + (self >= 0 ? e.thread_name(self) : std::string("?")) + " at " +
               f.site + " [" + (self >= 0 ? e.stack_of(self) : "") + "]\nfirst free by " +
               first_death + "\n";
    e.report(std::move(f));
    return;
  }
  void* base = dynamic_cast<void*>(obj);
  obj->~Tracked();
#ifdef DWH_WORLD_ASAN
  ::operator delete(base);
#else
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  kept_.push_back(base);
#endif
}

bool World::check(const Tracked* obj, const rt::Site* site) {
  if (AccessHook hook = g_access_hook.load(std::memory_order_relaxed)) hook(obj, site, false);
  std::string msg, detail;
  {
    rt::Invisible inv;
    std::lock_guard<std::mutex> g(mu_);
    auto it = table_.find(obj);
    if (it == table_.end() || it->second.alive) return true;
    const Record& r = it->second;
    msg = std::string("use after ") + (r.owner == Owner::kCaller ? "return" : "free") + ": " +
          r.what + " (owned by " + r.owner_desc + ")";
    detail = "died: " + r.death_thread + " at " + rt::site_text(r.death_site) + " [" +
             r.death_stack + "]\n";
  }
  rt::Execution& e = rt::Execution::current();
  const int self = e.self();
  rt::Finding f;
  f.verdict = rt::Verdict::kUseAfterFree;
  f.site = rt::site_text(site);
  f.message = msg + ", accessed by " + e.thread_name(self) + " at " + f.site;
  f.detail =
      "access: " + e.thread_name(self) + " at " + f.site + " [" + e.stack_of(self) + "]\n" + detail;
  e.report(std::move(f));
  return false;
}

bool World::alive(const Tracked* obj) const {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  auto it = table_.find(obj);
  return it == table_.end() || it->second.alive;
}

std::vector<std::string> World::live_heap_objects() const {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  std::vector<std::string> out;
  for (const auto& [obj, r] : table_) {
    if (r.alive && r.owner == Owner::kHeap)
      out.push_back(std::string(r.what) + " (" + r.owner_desc + ")");
  }
  return out;
}

void World::set_task(int tid, task_struct* t) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  tasks_[tid] = t;
}

task_struct* World::task_of(int tid) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  auto it = tasks_.find(tid);
  return it == tasks_.end() ? nullptr : it->second;
}

}  // namespace kernel
