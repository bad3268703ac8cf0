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
void World::observe(const Tracked* obj, const rt::Site* site, bool born) const {
  if (const rt::Execution* e = rt::Execution::current_or_null())
    access_hook(obj, site, born, e->self());
}

World::Tables& World::spare_tables() {
  thread_local Tables t;
  return t;
}

World::World() {
  Tables& spare = spare_tables();
  records_.swap(spare.records);
  index_.swap(spare.index);
  text_.swap(spare.text);
  kept_.swap(spare.kept);
  // Sized for nearly every run of 16 operations (26 records and 550 characters
  // of text at the median, 40 and 1,000 at most on the bench corpus), so that
  // neither the table nor the texts grow.
  records_.clear();
  records_.reserve(40);
  index_.assign(128, 0);
  text_.clear();
  text_.reserve(1024);
  kept_.clear();
#ifndef DWH_WORLD_ASAN
  kept_.reserve(32);
#endif
}

World::~World() {
  for (Entry& e : records_) {
    if (e.rec.alive) delete const_cast<Tracked*>(e.obj);
  }
  for (void* p : kept_) ::operator delete(p);
  Tables& spare = spare_tables();
  spare.records.swap(records_);
  spare.index.swap(index_);
  spare.text.swap(text_);
  spare.kept.swap(kept_);
}

size_t World::slot_of(const Tracked* obj) const {
  const size_t mask = index_.size() - 1;
  size_t i = (reinterpret_cast<uintptr_t>(obj) * 0x9e3779b97f4a7c15ull) >> 32 & mask;
  while (index_[i] && records_[index_[i] - 1].obj != obj) i = (i + 1) & mask;
  return i;
}

World::Record* World::find(const Tracked* obj) {
  const uint32_t at = index_[slot_of(obj)];
  return at ? &records_[at - 1].rec : nullptr;
}

const World::Record* World::find(const Tracked* obj) const {
  const uint32_t at = index_[slot_of(obj)];
  return at ? &records_[at - 1].rec : nullptr;
}

World::Text World::keep(std::string_view s) {
  const Text t{static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(s.size())};
  text_ += s;
  return t;
}

std::string World::death_text(const Record& r) const {
  std::string s(text(r.death_thread));
  s += " at ";
  s += rt::site_text(r.death_site);
  s += " [";
  s += text(r.death_stack);
  s += "]";
  return s;
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
  threaded_ = e.kind() != rt::RuntimeKind::kSim;
}

void World::born(Tracked* obj, const char* what, Owner owner, std::string_view owner_desc,
                 const rt::Site* site) {
  Scope scope(*this);
  if (access_hook) observe(obj, site, true);
  const Record rec{what, owner, true, keep(owner_desc), {}, {}, nullptr};
  if (Record* r = find(obj)) {
    *r = rec;
    return;
  }
  if ((records_.size() + 1) * 2 > index_.size()) {  // keep the index at most half full
    index_.assign(index_.size() * 2, 0);
    for (size_t k = 0; k < records_.size(); k++)
      index_[slot_of(records_[k].obj)] = static_cast<uint32_t>(k + 1);
  }
  index_[slot_of(obj)] = static_cast<uint32_t>(records_.size() + 1);
  records_.push_back(Entry{obj, rec});
}

void World::died(Tracked* obj, const rt::Site* site) {
  rt::Execution& e = rt::Execution::current();
  const int self = e.self();
  const char* what = nullptr;
  std::string first_death;
  bool unknown = false, twice = false;
  {
    Scope scope(*this);
    Record* found = find(obj);
    if (!found) {
      unknown = true;
    } else if (!found->alive) {
      twice = true;
      what = found->what;
      first_death = death_text(*found);
    } else {
      Record& r = *found;
      r.alive = false;
      what = r.what;
      r.death_site = site;
      r.death_thread = keep(self >= 0 ? std::string_view(e.thread_name(self)) : "?");
      const uint32_t at = static_cast<uint32_t>(text_.size());
      if (self >= 0) e.append_stack(self, &text_);
      r.death_stack = Text{at, static_cast<uint32_t>(text_.size()) - at};
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
  // sim: a real free, so that ASan also sees any later access. On os the
  // thread that makes a reported use after free is not stopped (the run winds
  // down), and its next steps would touch the memory for real (complete() reads
  // the dead request's completion): kept, as without ASan.
  if (!threaded_) {
    ::operator delete(base);
    return;
  }
#endif
  Scope scope(*this);
  kept_.push_back(base);
}

bool World::check(const Tracked* obj, const rt::Site* site) {
  std::string msg, detail;
  {
    Scope scope(*this);
    if (access_hook) observe(obj, site, false);
    const Record* found = find(obj);
    if (!found || found->alive) return true;
    const Record& r = *found;
    msg = std::string("use after ") + (r.owner == Owner::kCaller ? "return" : "free") + ": " +
          r.what + " (owned by " + std::string(text(r.owner_desc)) + ")";
    detail = "died: " + death_text(r) + "\n";
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
  Scope scope(*this);
  const Record* r = find(obj);
  return !r || r->alive;
}

bool World::heap_alive(std::string_view what) const {
  Scope scope(*this);
  for (const auto& [obj, r] : records_) {
    if (r.alive && r.owner == Owner::kHeap && std::string_view(r.what).starts_with(what))
      return true;
  }
  return false;
}

void World::set_task(int tid, task_struct* t) {
  Scope scope(*this);
  if (tid < 0) return;  // only kthreads have tasks
  if (tasks_.empty()) tasks_.reserve(8);
  if (tid >= static_cast<int>(tasks_.size())) tasks_.resize(tid + 1, nullptr);
  tasks_[tid] = t;
}

task_struct* World::task_of(int tid) {
  Scope scope(*this);
  return tid >= 0 && tid < static_cast<int>(tasks_.size()) ? tasks_[tid] : nullptr;
}

}  // namespace kernel
