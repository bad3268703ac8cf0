/* Kernel primitives core.c uses, instrumented: each maps onto the harness's
 * kernel layer through bridge.h and is a scheduling point of the run. */
#ifndef DWH_TREE_CUSTOM_H
#define DWH_TREE_CUSTOM_H

#include "harness/tree/shim/bridge.h"
#include "harness/tree/shim/dup.h"

/* ---- mutex ---- */
#define DEFINE_MUTEX(name) struct mutex name = {0}
#define mutex_init(m) dwh_mutex_init((m), #m)
#define mutex_destroy(m) ((void)(m))
#define mutex_lock(m) dwh_mutex_lock((m), DWH_SITE("mutex_lock(" #m ")"))
#define mutex_trylock(m) dwh_mutex_trylock((m), DWH_SITE("mutex_trylock(" #m ")"))
#define mutex_unlock(m) dwh_mutex_unlock((m), DWH_SITE("mutex_unlock(" #m ")"))
#define mutex_is_locked(m) dwh_mutex_is_locked(m)
#define lockdep_assert_held(m) ((void)(m))

/* ---- completion ---- */
#define init_completion(c) dwh_init_completion((c), #c, DWH_SITE("init_completion(" #c ")"))
#define reinit_completion(c) dwh_init_completion((c), #c, DWH_SITE("reinit_completion(" #c ")"))
#define complete(c) dwh_complete((c), DWH_SITE("complete(" #c ")"))
#define wait_for_completion(c) dwh_wait_for_completion((c), DWH_SITE("wait_for_completion(" #c ")"))

/* ---- kthread and task ---- */
#define kthread_run(fn, data, ...) \
  dwh_kthread_run((fn), (data), DWH_SITE("kthread_run(" #fn ")"), __VA_ARGS__)
#define kthread_should_stop() dwh_kthread_should_stop(DWH_SITE("kthread_should_stop()"))
#define kthread_stop(t) dwh_kthread_stop((t), DWH_SITE("kthread_stop(" #t ")"))
#define kthread_stop_put(t) dwh_kthread_stop_put((t), DWH_SITE("kthread_stop_put(" #t ")"))
#define get_task_struct(t) dwh_get_task_struct((t), DWH_SITE("get_task_struct(" #t ")"))
#define put_task_struct(t) dwh_put_task_struct((t), DWH_SITE("put_task_struct(" #t ")"))
#define current dwh_current()
#define cond_resched() dwh_cond_resched(DWH_SITE("cond_resched()"))

/* ---- time: jiffies, ktime, sleeps on virtual time ---- */
#define jiffies ((unsigned long)(dwh_now_ns() / (NSEC_PER_SEC / HZ)))
static inline u64 ktime_get_ns(void) {
  return dwh_now_ns();
}
static inline ktime_t ktime_get(void) {
  return (ktime_t)dwh_now_ns();
}
static inline s64 ktime_to_ns(ktime_t t) {
  return t;
}
static inline s64 ktime_to_us(ktime_t t) {
  return t / NSEC_PER_USEC;
}
static inline s64 ktime_to_ms(ktime_t t) {
  return t / NSEC_PER_MSEC;
}
static inline void ktime_get_coarse_ts64(struct timespec64* ts) {
  u64 ns = dwh_now_ns();
  ts->tv_sec = ns / NSEC_PER_SEC;
  ts->tv_nsec = ns % NSEC_PER_SEC;
}
/* Where kdamond_usleep() switches to schedule_timeout_idle() (linux/delay.h). */
#define USLEEP_RANGE_UPPER_BOUND ((TICK_NSEC << 2) / NSEC_PER_USEC)
/* usleep_range*() and msleep() sleep their whole time: the kernel's
 * usleep_range_state() goes back to sleep when woken early. */
#define usleep_range_idle(lo, hi) \
  dwh_sleep_full_ns((u64)(lo)*NSEC_PER_USEC, DWH_SITE("usleep_range_idle"))
#define usleep_idle_range(lo, hi) \
  dwh_sleep_full_ns((u64)(lo)*NSEC_PER_USEC, DWH_SITE("usleep_idle_range"))
#define usleep_range(lo, hi) dwh_sleep_full_ns((u64)(lo)*NSEC_PER_USEC, DWH_SITE("usleep_range"))
#define msleep(ms) dwh_sleep_full_ns((u64)(ms)*NSEC_PER_MSEC, DWH_SITE("msleep"))
#define udelay(us) dwh_sleep_full_ns((u64)(us)*NSEC_PER_USEC, DWH_SITE("udelay"))
/* schedule_timeout_idle() ends at a wake-up (kthread_stop wakes the thread);
 * it returns the jiffies left. */
#define schedule_timeout_idle(j)                                                     \
  ((long)DIV_ROUND_UP(dwh_sleep_interruptible_ns((u64)(j) * (NSEC_PER_SEC / HZ),     \
                                                 DWH_SITE("schedule_timeout_idle")), \
                      NSEC_PER_SEC / HZ))
#define schedule_timeout_interruptible(j) schedule_timeout_idle(j)
#define msleep_interruptible(ms)                                                  \
  ((unsigned long)(dwh_sleep_interruptible_ns((u64)(ms)*NSEC_PER_MSEC,            \
                                              DWH_SITE("msleep_interruptible")) / \
                   NSEC_PER_MSEC))

/* ---- shared-state accesses the tree marks ---- */
#define READ_ONCE(x)                          \
  (__extension__({                            \
    dwh_point(DWH_SITE("READ_ONCE(" #x ")")); \
    (x);                                      \
  }))
#define WRITE_ONCE(x, v)                       \
  do {                                         \
    dwh_point(DWH_SITE("WRITE_ONCE(" #x ")")); \
    (x) = (v);                                 \
  } while (0)

/* ---- slab ---- */
#define GFP_KERNEL 0x1u
#define GFP_NOWAIT 0x2u
#define GFP_ATOMIC 0x4u
#define __GFP_NOWARN 0x8u
#define __GFP_ZERO 0x10u
#define dwh_alloc(sz, gfp, label) dwh_kmalloc((sz), ((gfp)&__GFP_ZERO) != 0, true, DWH_SITE(label))
#define kmalloc(sz, gfp) dwh_alloc((sz), (gfp), "kmalloc")
#define kzalloc(sz, gfp) dwh_alloc((sz), (gfp) | __GFP_ZERO, "kzalloc")
#define kvmalloc(sz, gfp) dwh_alloc((sz), (gfp), "kvmalloc")
#define kvzalloc(sz, gfp) dwh_alloc((sz), (gfp) | __GFP_ZERO, "kvzalloc")
#define kmalloc_array(n, sz, gfp) dwh_alloc((size_t)(n) * (sz), (gfp), "kmalloc_array")
#define kvmalloc_array(n, sz, gfp) dwh_alloc((size_t)(n) * (sz), (gfp), "kvmalloc_array")
#define kcalloc(n, sz, gfp) dwh_alloc((size_t)(n) * (sz), (gfp) | __GFP_ZERO, "kcalloc")
/* The kmalloc_obj family (7.0+): the gfp argument is optional. */
#define dwh_gfp_or_kernel(...) (GFP_KERNEL __VA_OPT__(&0) __VA_OPT__(| __VA_ARGS__))
#define kmalloc_obj(obj, ...)                                               \
  ((__typeof__(obj)*)dwh_alloc(sizeof(obj), dwh_gfp_or_kernel(__VA_ARGS__), \
                               "kmalloc_obj(" #obj ")"))
#define kzalloc_obj(obj, ...)                                                            \
  ((__typeof__(obj)*)dwh_alloc(sizeof(obj), dwh_gfp_or_kernel(__VA_ARGS__) | __GFP_ZERO, \
                               "kzalloc_obj(" #obj ")"))
#define kmalloc_objs(obj, n, ...)                                                         \
  ((__typeof__(obj)*)dwh_alloc(sizeof(obj) * (size_t)(n), dwh_gfp_or_kernel(__VA_ARGS__), \
                               "kmalloc_objs(" #obj ")"))
#define kzalloc_objs(obj, n, ...)                                           \
  ((__typeof__(obj)*)dwh_alloc(sizeof(obj) * (size_t)(n),                   \
                               dwh_gfp_or_kernel(__VA_ARGS__) | __GFP_ZERO, \
                               "kzalloc_objs(" #obj ")"))
#define kvmalloc_objs(obj, n, ...) kmalloc_objs(obj, n, __VA_ARGS__)
#define kvzalloc_objs(obj, n, ...) kzalloc_objs(obj, n, __VA_ARGS__)
#define kfree(p) dwh_kfree((p), DWH_SITE("kfree(" #p ")"))
#define kvfree(p) dwh_kfree((p), DWH_SITE("kvfree(" #p ")"))
#define kfree_sensitive(p) kfree(p)
struct kmem_cache {
  size_t size;
  const char* name;
};
#define SLAB_PANIC 0x1u
#define SLAB_HWCACHE_ALIGN 0x2u
#define SLAB_ACCOUNT 0x4u
static inline struct kmem_cache* dwh_kmem_cache_create(const char* name, size_t size) {
  static struct kmem_cache caches[8];
  static int nr;
  for (int i = 0; i < nr; i++)
    if (caches[i].size == size && !strcmp(caches[i].name, name)) return &caches[i];
  caches[nr].size = size;
  caches[nr].name = name;
  return &caches[nr++];
}
#define KMEM_CACHE(s, flags) dwh_kmem_cache_create(#s, sizeof(struct s))
#define kmem_cache_create(name, size, align, flags, ctor) dwh_kmem_cache_create(name, size)
#define kmem_cache_alloc(c, gfp) dwh_alloc((c)->size, (gfp), "kmem_cache_alloc(" #c ")")
#define kmem_cache_zalloc(c, gfp) \
  dwh_alloc((c)->size, (gfp) | __GFP_ZERO, "kmem_cache_zalloc(" #c ")")
#define kmem_cache_free(c, p) dwh_kfree((p), DWH_SITE("kmem_cache_free(" #c ")"))
#define kmem_cache_destroy(c) ((void)(c))

/* ---- random numbers: the run's (prandom state streams are our own) ---- */
struct rnd_state {
  __u32 s1, s2, s3, s4;
};
static inline u64 get_random_u64(void) {
  return dwh_random_u64();
}
static inline u32 get_random_u32(void) {
  return (u32)dwh_random_u64();
}
static inline u32 get_random_u32_below(u32 ceil) {
  return ceil ? get_random_u32() % ceil : 0;
}
static inline u32 prandom_u32_max(u32 ceil) {
  return get_random_u32_below(ceil);
}
static inline u32 get_random_u32_inclusive(u32 lo, u32 hi) {
  return lo + get_random_u32_below(hi - lo + 1);
}
static inline void prandom_seed_state(struct rnd_state* st, u64 seed) {
  st->s1 = (u32)seed;
  st->s2 = (u32)(seed >> 32);
  st->s3 = st->s1 ^ 0x9e3779b9u;
  st->s4 = st->s2 ^ 0x7f4a7c15u;
}
/* xorshift128 over the state: deterministic from the seed. */
static inline u32 prandom_u32_state(struct rnd_state* st) {
  u32 t = st->s1 ^ (st->s1 << 11);
  st->s1 = st->s2;
  st->s2 = st->s3;
  st->s3 = st->s4;
  st->s4 = st->s4 ^ (st->s4 >> 19) ^ t ^ (t >> 8);
  return st->s4;
}

/* ---- WARN and printk ---- */
#define WARN(cond, ...) dwh_warn(!!(cond), DWH_SITE("WARN(" #cond ")"), __VA_ARGS__)
#define WARN_ONCE(cond, ...) WARN(cond, __VA_ARGS__)
#define WARN_ON(cond) dwh_warn(!!(cond), DWH_SITE("WARN_ON(" #cond ")"), "%s", #cond)
#define WARN_ON_ONCE(cond) WARN_ON(cond)
#define BUG_ON(cond)                                                                      \
  do {                                                                                    \
    if (dwh_warn(!!(cond), DWH_SITE("BUG_ON(" #cond ")"), "%s", #cond)) __builtin_trap(); \
  } while (0)
#define BUG() BUG_ON(1)
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_err(fmt, ...) dwh_printk("err", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) dwh_printk("warn", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_once(fmt, ...) pr_warn(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) dwh_printk("info", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) ((void)0)
#define pr_err_once(fmt, ...) pr_err(fmt, ##__VA_ARGS__)

#endif
