/* Kernel definitions written again for userspace: types, errno, compiler
 * attributes, min/max, lists, ERR_PTR, jiffies arithmetic. Each follows the
 * kernel's documented semantics; none is copied kernel text. */
#ifndef DWH_TREE_DUP_H
#define DWH_TREE_DUP_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int64_t __s64;
typedef unsigned long __kernel_ulong_t;
typedef unsigned long phys_addr_t;
typedef unsigned long resource_size_t;
typedef unsigned int gfp_t;
typedef int pid_t;
typedef long ssize_t;
typedef long long ktime_t;
typedef struct {
  int counter;
} atomic_t;

#define U8_MAX UINT8_MAX
#define U16_MAX UINT16_MAX
#define U32_MAX UINT32_MAX
#define U64_MAX UINT64_MAX
#define S64_MAX INT64_MAX
#define BITS_PER_LONG 64
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define MAX_NUMNODES 1
#define NUMA_NO_NODE (-1)

#define __init
#define __exit
#define __ro_after_init
#define __read_mostly
#define __must_check
#define __always_unused __attribute__((unused))
#define __maybe_unused __attribute__((unused))
#define __user
#define __rcu
#define __force
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __aligned(x) __attribute__((aligned(x)))
#define __packed __attribute__((packed))
#define fallthrough __attribute__((__fallthrough__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define noinline __attribute__((noinline))
#define noinline_for_stack noinline
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define EXPORT_SYMBOL_IF_KUNIT(x)
#define MODULE_LICENSE(x)
#define subsys_initcall(fn)
#define module_init(fn)
#define late_initcall(fn)
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define IS_ENABLED(cfg) 0
#define static_branch_likely(x) (*(x))
#define static_branch_unlikely(x) (*(x))

#define container_of(ptr, type, member) ((type*)((char*)(ptr)-offsetof(type, member)))

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, v, lo), hi)
#define swap(a, b)              \
  do {                          \
    __typeof__(a) dwh_t_ = (a); \
    (a) = (b);                  \
    (b) = dwh_t_;               \
  } while (0)
#define abs(x) ((x) < 0 ? -(x) : (x))
#define abs_diff(a, b) ((a) > (b) ? (a) - (b) : (b) - (a))
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))
#define ALIGN(x, a) (((x) + (a)-1) / (a) * (a))
#define ALIGN_DOWN(x, a) ((x) / (a) * (a))
#define roundup(x, y) ((((x) + ((y)-1)) / (y)) * (y))
#define rounddown(x, y) ((x) - ((x) % (y)))
/* x * n / d without overflowing the product, as the kernel's mult_frac. */
#define mult_frac(x, n, d)                                \
  (__extension__({                                        \
    __typeof__(x) dwh_q_ = (x) / (d), dwh_r_ = (x) % (d); \
    dwh_q_*(n) + dwh_r_*(n) / (d);                        \
  }))
static inline u64 div_u64(u64 a, u32 b) {
  return a / b;
}
static inline u64 div64_u64(u64 a, u64 b) {
  return a / b;
}
static inline s64 div_s64(s64 a, s32 b) {
  return a / b;
}
static inline u64 div_u64_rem(u64 a, u32 b, u32* rem) {
  *rem = a % b;
  return a / b;
}
static inline u64 mul_u64_u64_shr(u64 a, u64 b, unsigned int shift) {
  return (u64)(((unsigned __int128)a * b) >> shift);
}
static inline bool is_power_of_2(unsigned long n) {
  return n && !(n & (n - 1));
}
static inline u64 mul_u64_u64_div_u64(u64 a, u64 b, u64 c) {
  return (u64)((unsigned __int128)a * b / c);
}
static inline unsigned long int_sqrt(unsigned long x) {
  unsigned long r = 0;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}
static inline int ilog2_ul(unsigned long x) {
  return x ? 63 - __builtin_clzl(x) : -1;
}
#define ilog2(x) ilog2_ul(x)

#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(void*)(x) >= (unsigned long)-MAX_ERRNO)
static inline void* ERR_PTR(long err) {
  return (void*)err;
}
static inline long PTR_ERR(const void* p) {
  return (long)p;
}
static inline bool IS_ERR(const void* p) {
  return IS_ERR_VALUE(p);
}
static inline bool IS_ERR_OR_NULL(const void* p) {
  return !p || IS_ERR_VALUE(p);
}

/* Doubly linked circular lists with a sentinel head (include/linux/list.h API). */
struct list_head {
  struct list_head *next, *prev;
};
#define LIST_HEAD_INIT(name) \
  { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head* h) {
  h->next = h->prev = h;
}
static inline void dwh_list_link(struct list_head* n, struct list_head* prev,
                                 struct list_head* next) {
  next->prev = n;
  n->next = next;
  n->prev = prev;
  prev->next = n;
}
#define __list_add(n, prev, next) dwh_list_link((n), (prev), (next))
static inline void list_add(struct list_head* n, struct list_head* h) {
  dwh_list_link(n, h, h->next);
}
static inline void list_add_tail(struct list_head* n, struct list_head* h) {
  dwh_list_link(n, h->prev, h);
}
static inline void dwh_list_unlink(struct list_head* e) {
  e->next->prev = e->prev;
  e->prev->next = e->next;
}
#define LIST_POISON1 ((struct list_head*)0x100)
#define LIST_POISON2 ((struct list_head*)0x122)
static inline void list_del(struct list_head* e) {
  dwh_list_unlink(e);
  e->next = LIST_POISON1;
  e->prev = LIST_POISON2;
}
static inline void list_del_init(struct list_head* e) {
  dwh_list_unlink(e);
  INIT_LIST_HEAD(e);
}
static inline void list_move_tail(struct list_head* e, struct list_head* h) {
  dwh_list_unlink(e);
  list_add_tail(e, h);
}
static inline void list_move(struct list_head* e, struct list_head* h) {
  dwh_list_unlink(e);
  list_add(e, h);
}
static inline int list_empty(const struct list_head* h) {
  return h->next == h;
}
static inline int list_is_last(const struct list_head* e, const struct list_head* h) {
  return e->next == h;
}
static inline int list_is_first(const struct list_head* e, const struct list_head* h) {
  return e->prev == h;
}
static inline int list_is_singular(const struct list_head* h) {
  return !list_empty(h) && h->next == h->prev;
}
static inline void dwh_list_splice(const struct list_head* l, struct list_head* prev,
                                   struct list_head* next) {
  struct list_head *first = l->next, *last = l->prev;
  first->prev = prev;
  prev->next = first;
  last->next = next;
  next->prev = last;
}
static inline void list_splice(const struct list_head* l, struct list_head* h) {
  if (!list_empty(l)) dwh_list_splice(l, h, h->next);
}
static inline void list_splice_tail(struct list_head* l, struct list_head* h) {
  if (!list_empty(l)) dwh_list_splice(l, h->prev, h);
}
static inline void list_splice_init(struct list_head* l, struct list_head* h) {
  if (!list_empty(l)) {
    dwh_list_splice(l, h, h->next);
    INIT_LIST_HEAD(l);
  }
}
static inline void list_splice_tail_init(struct list_head* l, struct list_head* h) {
  if (!list_empty(l)) {
    dwh_list_splice(l, h->prev, h);
    INIT_LIST_HEAD(l);
  }
}
static inline void list_replace(struct list_head* old, struct list_head* n) {
  n->next = old->next;
  n->next->prev = n;
  n->prev = old->prev;
  n->prev->next = n;
}
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)
#define list_last_entry(h, type, member) list_entry((h)->prev, type, member)
#define list_first_entry_or_null(h, type, member) \
  (list_empty(h) ? NULL : list_first_entry(h, type, member))
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_prev_entry(pos, member) list_entry((pos)->member.prev, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, h, member) (&(pos)->member == (h))
#define list_for_each(pos, h) for (pos = (h)->next; pos != (h); pos = pos->next)
#define list_for_each_safe(pos, n, h) \
  for (pos = (h)->next, n = pos->next; pos != (h); pos = n, n = pos->next)
#define list_for_each_entry(pos, h, member)                                                      \
  for (pos = list_first_entry(h, __typeof__(*pos), member); !list_entry_is_head(pos, h, member); \
       pos = list_next_entry(pos, member))
#define list_for_each_entry_reverse(pos, h, member)                                             \
  for (pos = list_last_entry(h, __typeof__(*pos), member); !list_entry_is_head(pos, h, member); \
       pos = list_prev_entry(pos, member))
#define list_for_each_entry_safe(pos, n, h, member)                                           \
  for (pos = list_first_entry(h, __typeof__(*pos), member), n = list_next_entry(pos, member); \
       !list_entry_is_head(pos, h, member); pos = n, n = list_next_entry(n, member))
#define list_for_each_entry_safe_reverse(pos, n, h, member)                                  \
  for (pos = list_last_entry(h, __typeof__(*pos), member), n = list_prev_entry(pos, member); \
       !list_entry_is_head(pos, h, member); pos = n, n = list_prev_entry(n, member))
#define list_for_each_entry_continue(pos, h, member)                            \
  for (pos = list_next_entry(pos, member); !list_entry_is_head(pos, h, member); \
       pos = list_next_entry(pos, member))
#define list_for_each_entry_from(pos, h, member) \
  for (; !list_entry_is_head(pos, h, member); pos = list_next_entry(pos, member))

/* Jiffies arithmetic at HZ=250 (Debian's configuration). */
#define HZ 250
#define MSEC_PER_SEC 1000L
#define USEC_PER_MSEC 1000L
#define USEC_PER_SEC 1000000L
#define NSEC_PER_USEC 1000L
#define NSEC_PER_MSEC 1000000L
#define NSEC_PER_SEC 1000000000L
#define TICK_NSEC (NSEC_PER_SEC / HZ)
#define MAX_JIFFY_OFFSET ((LONG_MAX >> 1) - 1)
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_in_range(a, b, c) (time_after_eq(a, b) && time_before_eq(a, c))
#define time_in_range_open(a, b, c) (time_after_eq(a, b) && time_before(a, c))
static inline unsigned long msecs_to_jiffies(unsigned int ms) {
  return DIV_ROUND_UP((unsigned long)ms * HZ, MSEC_PER_SEC);
}
static inline unsigned long usecs_to_jiffies(unsigned int us) {
  return DIV_ROUND_UP((unsigned long)us * HZ, USEC_PER_SEC);
}
static inline unsigned int jiffies_to_msecs(unsigned long j) {
  return j * (MSEC_PER_SEC / HZ);
}
static inline unsigned int jiffies_to_usecs(unsigned long j) {
  return j * (USEC_PER_SEC / HZ);
}

struct timespec64 {
  s64 tv_sec;
  long tv_nsec;
};
static inline s64 timespec64_to_ns(const struct timespec64* ts) {
  return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}
static inline struct timespec64 timespec64_sub(struct timespec64 a, struct timespec64 b) {
  s64 ns = timespec64_to_ns(&a) - timespec64_to_ns(&b);
  struct timespec64 r = {ns / NSEC_PER_SEC, ns % NSEC_PER_SEC};
  return r;
}

static inline const char* str_high_low(bool v) {
  return v ? "high" : "low";
}
static inline const char* str_on_off(bool v) {
  return v ? "on" : "off";
}
static inline const char* str_true_false(bool v) {
  return v ? "true" : "false";
}
static inline const char* str_enabled_disabled(bool v) {
  return v ? "enabled" : "disabled";
}

#endif
