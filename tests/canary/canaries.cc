#include "canaries.h"

#include <memory>

#include "harness/kernel/kernel.h"
#include "harness/kernel/list.h"
#include "harness/runtime/invisible.h"

namespace canary {

namespace {

using kernel::completion;
using kernel::mutex;

struct Req : kernel::Tracked {
  completion done{"req"};
  bool canceled = false;
  rt::Event& reach_event() { return done.e; }
};

// State shared by a canary's threads; lives until the end of the process run.
struct Shared : kernel::Tracked {
  mutex lock{"slot_lock"};
  mutex a{"A"}, b{"B"};
  kernel::RefPtr<Req> slot;
  Req* handed = nullptr;
  bool stop = false;
  int counter = 0;
};

// A mailbox served by a worker that completes whatever is in the slot. A client
// clears its own request if it is still installed when it wakes (as damos_walk
// does on an inactive context). The buggy worker reads the slot, drops the
// lock, completes, then clears the slot unconditionally: a request registered
// in that window is dropped and its waiter is lost.
void lost_wakeup(bool buggy, rt::Execution& e, Shared* s) {
  e.spawn("cpu0", rt::ThreadKind::kClient, [s] {
    for (int i = 0; i < 2; i++) {
      kernel::CallerFrame f("cpu0 request");
      Req* r = f.make<Req>("request");
      init_completion(&r->done);
      for (bool registered = false; !registered;) {
        mutex_lock(&s->lock);
        registered = s->slot.get() == nullptr;
        if (registered) s->slot.set(r, RT_SITE("register request"));
        mutex_unlock(&s->lock);
        if (!registered) kernel::usleep_idle_range_at(10, 10, RT_SITE("retry"));
      }
      wait_for_completion(&r->done);
      mutex_lock(&s->lock);
      if (s->slot.get() == r) s->slot.set(nullptr, RT_SITE("unset own request"));
      mutex_unlock(&s->lock);
    }
  });
  e.spawn("worker", rt::ThreadKind::kKthread, [s, buggy] {
    while (s->counter < 2) {
      mutex_lock(&s->lock);
      Req* r = s->slot.get();
      if (!buggy && r) {
        complete(&r->done);
        s->slot.set(nullptr, RT_SITE("unset request"));
      }
      mutex_unlock(&s->lock);
      if (buggy && r) {
        complete(&r->done);
        mutex_lock(&s->lock);
        s->slot.set(nullptr, RT_SITE("unset request"));
        mutex_unlock(&s->lock);
      }
      if (r) s->counter++;
      kernel::usleep_idle_range_at(100, 100, RT_SITE("idle"));
    }
  });
}

void abba(bool buggy, rt::Execution& e, Shared* s) {
  e.spawn("cpu0", rt::ThreadKind::kClient, [s] {
    mutex_lock(&s->a);
    mutex_lock(&s->b);
    mutex_unlock(&s->b);
    mutex_unlock(&s->a);
  });
  e.spawn("cpu1", rt::ThreadKind::kClient, [s, buggy] {
    mutex* first = buggy ? &s->b : &s->a;
    mutex* second = buggy ? &s->a : &s->b;
    mutex_lock(first);
    mutex_lock(second);
    mutex_unlock(second);
    mutex_unlock(first);
  });
}

// The buggy client gives up waiting after a timeout and returns; the worker
// still completes the request it was handed.
void use_after_return(bool buggy, rt::Execution& e, Shared* s) {
  e.spawn("cpu0", rt::ThreadKind::kClient, [s, buggy] {
    kernel::CallerFrame f("cpu0 request");
    Req* r = f.make<Req>("request");
    init_completion(&r->done);
    mutex_lock(&s->lock);
    s->handed = r;
    mutex_unlock(&s->lock);
    if (!buggy) wait_for_completion(&r->done);
  });
  e.spawn("worker", rt::ThreadKind::kKthread, [s] {
    Req* r = nullptr;
    while (!r) {
      kernel::usleep_idle_range_at(50, 50, RT_SITE("idle"));
      mutex_lock(&s->lock);
      r = s->handed;
      s->handed = nullptr;
      mutex_unlock(&s->lock);
    }
    if (r) {
      WRITE(r, canceled, true, "mark canceled");
      complete(&r->done);
    }
  });
}

void never_completed(bool buggy, rt::Execution& e, Shared* s) {
  e.spawn("cpu0", rt::ThreadKind::kClient, [s] {
    kernel::CallerFrame f("cpu0 request");
    Req* r = f.make<Req>("request");
    init_completion(&r->done);
    mutex_lock(&s->lock);
    s->handed = r;
    mutex_unlock(&s->lock);
    wait_for_completion(&r->done);
  });
  e.spawn("worker", rt::ThreadKind::kKthread, [s, buggy] {
    Req* r = nullptr;
    while (!r) {
      kernel::usleep_idle_range_at(50, 50, RT_SITE("idle"));
      mutex_lock(&s->lock);
      r = s->handed;
      mutex_unlock(&s->lock);
    }
    // The early exit: the buggy worker returns without completing.
    if (buggy && READ(r, canceled, "read canceled") == false) return;
    complete(&r->done);
  });
}

void race(bool buggy, rt::Execution& e, Shared* s) {
  for (const char* name : {"cpu0", "cpu1"}) {
    e.spawn(name, rt::ThreadKind::kClient, [s, buggy] {
      for (int i = 0; i < 50; i++) {
        if (!buggy) mutex_lock(&s->lock);
        kernel::shared_access_at(RT_SITE("counter++"));
        s->counter++;
        if (!buggy) mutex_unlock(&s->lock);
      }
    });
  }
}

void race_after_exit(bool buggy, rt::Execution& e, Shared* s) {
  e.spawn("cpu0", rt::ThreadKind::kClient, [s, buggy] {
    if (!buggy) mutex_lock(&s->lock);
    kernel::shared_access_at(RT_SITE("counter++"));
    s->counter++;
    if (!buggy) mutex_unlock(&s->lock);
  });
  e.spawn("cpu1", rt::ThreadKind::kClient, [s, buggy] {
    rt::Execution& x = rt::Execution::current();
    // Waits for cpu0's exit without learning anything from it.
    for (;;) {
      bool done;
      {
        rt::Invisible inv;
        done = x.finished(0);
      }
      if (done) break;
      x.sleep(1000000, RT_SITE("poll cpu0"));
    }
    const int tid = x.spawn("worker", rt::ThreadKind::kKthread, [s, buggy] {
      if (!buggy) mutex_lock(&s->lock);
      kernel::shared_access_at(RT_SITE("counter++"));
      s->counter++;
      if (!buggy) mutex_unlock(&s->lock);
    });
    x.join(tid, RT_SITE("join worker"));
  });
}

}  // namespace

void spawn(Kind k, bool buggy, rt::Execution& e) {
  // Owned by the world: freed at its end like every static of a run.
  auto* s = new Shared();
  kernel::World::current_of(e).born(s, "canary state", kernel::Owner::kStatic, "canary", nullptr);
  switch (k) {
    case Kind::kLostRequest:
      return lost_wakeup(buggy, e, s);
    case Kind::kAbba:
      return abba(buggy, e, s);
    case Kind::kUseAfterReturn:
      return use_after_return(buggy, e, s);
    case Kind::kNeverCompleted:
      return never_completed(buggy, e, s);
    case Kind::kRace:
      return race(buggy, e, s);
    case Kind::kRaceAfterExit:
      return race_after_exit(buggy, e, s);
  }
}

}  // namespace canary
