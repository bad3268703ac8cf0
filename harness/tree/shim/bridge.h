/* The C side of the bridge between a kernel tree's core.c and the harness's
 * kernel layer (bridge.cc). Every function here that takes a site is a
 * scheduling point of the running execution; the site names the tree's own
 * function and line. Plain C (gnu11), no kernel text. */
#ifndef DWH_TREE_BRIDGE_H
#define DWH_TREE_BRIDGE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Layout of rt::Site (bridge.cc checks it). */
struct dwh_site {
  const char* label;
  const char* func;
  const char* file;
  int line;
  unsigned long long hash_cache;
};

/* A site for the calling source line, labelled with the primitive's text. */
#define DWH_SITE(label_)                                                            \
  (__extension__({                                                                  \
    static struct dwh_site dwh_site_ = {(label_), __func__, __FILE__, __LINE__, 0}; \
    &dwh_site_;                                                                     \
  }))

/* Storage for the harness's kernel::mutex and kernel::completion, constructed
 * in place by init. `magic` tells a constructed one from zeroed memory. */
struct mutex {
  unsigned int dwh_magic;
  _Alignas(16) unsigned char dwh_storage[64];
};
struct completion {
  unsigned int dwh_magic;
  _Alignas(16) unsigned char dwh_storage[256];
};
/* What core.c reads of a task; the harness's task is around it (bridge.cc). */
struct task_struct {
  int pid;
  char comm[16];
  void* dwh_task; /* the harness's task */
};

void dwh_mutex_init(struct mutex* m, const char* name);
void dwh_mutex_lock(struct mutex* m, const struct dwh_site* site);
int dwh_mutex_trylock(struct mutex* m, const struct dwh_site* site);
void dwh_mutex_unlock(struct mutex* m, const struct dwh_site* site);
bool dwh_mutex_is_locked(struct mutex* m);

void dwh_init_completion(struct completion* c, const char* name, const struct dwh_site* site);
void dwh_complete(struct completion* c, const struct dwh_site* site);
void dwh_wait_for_completion(struct completion* c, const struct dwh_site* site);

/* ERR_PTR(-ENOMEM) when fault injection fails the creation. */
struct task_struct* dwh_kthread_run(int (*fn)(void*), void* data, const struct dwh_site* site,
                                    const char* fmt, ...) __attribute__((format(printf, 4, 5)));
bool dwh_kthread_should_stop(const struct dwh_site* site);
int dwh_kthread_stop(struct task_struct* t, const struct dwh_site* site);
int dwh_kthread_stop_put(struct task_struct* t, const struct dwh_site* site);
void dwh_get_task_struct(struct task_struct* t, const struct dwh_site* site);
void dwh_put_task_struct(struct task_struct* t, const struct dwh_site* site);
struct task_struct* dwh_current(void);

/* Virtual time. */
uint64_t dwh_now_ns(void);
/* Sleeps that a wake-up (kthread_stop) cuts short return the time left. */
uint64_t dwh_sleep_interruptible_ns(uint64_t ns, const struct dwh_site* site);
/* Sleeps to the end whatever wakes the thread (usleep_range, msleep). */
void dwh_sleep_full_ns(uint64_t ns, const struct dwh_site* site);
/* A scheduling point before an access to shared state (READ_ONCE, ...). */
void dwh_point(const struct dwh_site* site);
void dwh_cond_resched(const struct dwh_site* site);

/* Heap with lifetimes: a kfree'd block is dead to the harness (ASan frees it
 * for real); NULL when fault injection fails the allocation. */
void* dwh_kmalloc(size_t size, bool zero, bool may_fail, const struct dwh_site* site);
void dwh_kfree(const void* p, const struct dwh_site* site);

/* The run's random numbers (deterministic on sim). */
uint64_t dwh_random_u64(void);

/* The environment the fake mm counters report (pages). */
unsigned long dwh_free_pages(void);
unsigned long dwh_total_pages(void);

/* WARN*: reports the warning; returns cond. */
int dwh_warn(int cond, const struct dwh_site* site, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
void dwh_printk(const char* level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
/* A tracepoint of the tree fired (name from its own trace/events/damon.h). */
void dwh_trace(const char* event);

#ifdef __cplusplus
}
#endif
#endif
