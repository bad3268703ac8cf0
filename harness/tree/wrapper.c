/* One kernel tree's core.c in the harness: this file #includes the build
 * folder's copy of the tree's mm/damon/core.c (DWH_TREE_CORE_C) and adds what
 * the program layer needs around it: the reset of core.c's static state, a
 * fake damon_operations and the entry points of struct dwh_tree. The build
 * compiles it once per tree with that tree's feature macros (tree.cmake):
 *   DWH_TREE_ID            C identifier of the tree (its table: dwh_tree_<ID>)
 *   DWH_TREE_NAME, DWH_TREE_RELEASE, DWH_TREE_SOURCE   strings
 *   DWH_HAS_COMMIT_CTX, DWH_HAS_CALL, DWH_HAS_WALK, DWH_HAS_REPEAT,
 *   DWH_HAS_DEALLOC_ON_CANCEL, DWH_HAS_OBSOLETE, DWH_HAS_PAUSE, DWH_STOP_VOID,
 *   DWH_HAS_CALL_LIST, DWH_CALL_NEEDS_STARTED, DWH_WALK_NEEDS_STARTED   0 or 1
 *   DWH_START_VALIDATES    0 or 1
 *   DWH_SCHEME_ARGS        parameters of damon_new_scheme() (4, 5 or 6)
 *   DWH_ACCESS_RATE_ARGS   parameters of damon_update_region_access_rate() (0: none)
 *   DWH_APPLY_SZ_FILTER    apply_scheme() takes sz_filter_passed
 *   DWH_DESTROY_TARGET_CTX damon_destroy_target() takes the ctx
 * Every symbol but the table is hidden; the build localizes them. */
#include "harness/tree/shim/stubs.h"

#define DWH_CAT2(a, b) a##b
#define DWH_CAT(a, b) DWH_CAT2(a, b)
#define DWH_STR2(x) #x
#define DWH_STR(x) DWH_STR2(x)
/* core.c's writable statics, gathered by the build's copy into one section
 * per tree, so that reset() puts them back as they were at load time. */
#define DWH_STATE_SECTION DWH_CAT(dwh_state_, DWH_TREE_ID)
#define DWH_STATIC static __attribute__((section(DWH_STR(DWH_STATE_SECTION)), used))

#include DWH_TREE_CORE_C

#include "harness/tree/tree_api.h"

extern char DWH_CAT(__start_, DWH_STATE_SECTION)[];
extern char DWH_CAT(__stop_, DWH_STATE_SECTION)[];

/* ---- fake operations: no page tables, no pids; the run's RNG decides ---- */

/* Targets whose process "exited" (invalidate): target_valid() is false. */
#define DWH_MAX_TARGETS 64
static struct {
  _Atomic(void *) target;
  _Atomic(void *) ctx;
  _Atomic bool invalid;
} dwh_targets[DWH_MAX_TARGETS];
static _Atomic int dwh_nr_targets;

static void dwh_note_target(struct damon_ctx *ctx, struct damon_target *t) {
  int i = dwh_nr_targets++;
  if (i >= DWH_MAX_TARGETS) return; /* counted valid */
  dwh_targets[i].invalid = false;
  dwh_targets[i].ctx = ctx;
  dwh_targets[i].target = t;
}

static bool dwh_target_valid(struct damon_target *t) {
  int n = min(dwh_nr_targets, DWH_MAX_TARGETS);
  for (int i = 0; i < n; i++)
    if (dwh_targets[i].target == t) return !dwh_targets[i].invalid;
  return true;
}

static unsigned int dwh_check_accesses(struct damon_ctx *ctx) {
  struct damon_target *t;
  struct damon_region *r;
  unsigned int max_nr = 0;

  damon_for_each_target(t, ctx) {
    damon_for_each_region(r, t) {
      bool accessed = dwh_random_u64() & 1;
#if DWH_ACCESS_RATE_ARGS == 3
      damon_update_region_access_rate(r, accessed, &ctx->attrs);
#elif DWH_ACCESS_RATE_ARGS == 2
      damon_update_region_access_rate(r, accessed);
#else
      if (accessed) r->nr_accesses++;
#endif
      max_nr = max(max_nr, r->nr_accesses);
    }
  }
  return max_nr;
}

#if DWH_APPLY_SZ_FILTER
static unsigned long dwh_apply_scheme(struct damon_ctx *ctx, struct damon_target *t,
                                      struct damon_region *r, struct damos *s,
                                      unsigned long *sz_filter_passed) {
  *sz_filter_passed = damon_sz_region(r);
  return dwh_random_u64() & 1 ? damon_sz_region(r) : 0;
}
#else
static unsigned long dwh_apply_scheme(struct damon_ctx *ctx, struct damon_target *t,
                                      struct damon_region *r, struct damos *s) {
  return dwh_random_u64() & 1 ? damon_sz_region(r) : 0;
}
#endif

static struct damon_operations dwh_fake_ops = {
    .id = DAMON_OPS_PADDR,
    .check_accesses = dwh_check_accesses,
    .apply_scheme = dwh_apply_scheme,
    .target_valid = dwh_target_valid,
};

/* ---- reset ---- */

static void dwh_reset(void) {
  static char *snapshot;
  char *start = DWH_CAT(__start_, DWH_STATE_SECTION);
  size_t size = DWH_CAT(__stop_, DWH_STATE_SECTION) - start;

  if (!snapshot) { /* first reset: the statics are still as loaded */
    snapshot = __builtin_malloc(size ? size : 1);
    memcpy(snapshot, start, size);
  }
  memcpy(start, snapshot, size);
  mutex_init(&damon_lock);
  mutex_init(&damon_ops_lock);
  damon_init();
  memset(dwh_targets, 0, sizeof(dwh_targets));
  dwh_nr_targets = 0;
  damon_register_ops(&dwh_fake_ops);
}

/* ---- contexts ---- */

#define DWH_REGION_BASE (1UL << 30)
#define DWH_REGION_SIZE (4UL << 20)
#define DWH_NR_REGIONS 3

static struct damos *dwh_new_scheme(const struct dwh_tree_params *p, int i) {
  struct damos_access_pattern pattern = {
      .min_sz_region = 0,
      .max_sz_region = ULONG_MAX,
      .min_nr_accesses = 0,
      .max_nr_accesses = UINT_MAX,
      .min_age_region = 0,
      .max_age_region = UINT_MAX,
  };
  struct damos_quota quota = {0};
  struct damos_watermarks wmarks = {.metric = DAMOS_WMARK_NONE};

  if (!p->wmarks_active) {
    /* The free memory rate (500 per mille) is above high: deactivated. */
    wmarks.metric = DAMOS_WMARK_FREE_MEM_RATE;
    wmarks.interval = 5000;
    wmarks.high = 400;
    wmarks.mid = 300;
    wmarks.low = 200;
  }
#if DWH_SCHEME_ARGS == 6
  return damon_new_scheme(&pattern, DAMOS_STAT, p->apply_interval_us[i], &quota, &wmarks,
                          NUMA_NO_NODE);
#elif DWH_SCHEME_ARGS == 5
  return damon_new_scheme(&pattern, DAMOS_STAT, p->apply_interval_us[i], &quota, &wmarks);
#else
  return damon_new_scheme(&pattern, DAMOS_STAT, &quota, &wmarks);
#endif
}

static void *dwh_build_ctx(const struct dwh_tree_params *p) {
  struct damon_ctx *ctx = damon_new_ctx();
  struct damon_target *t;
  struct damon_attrs attrs;

  if (!ctx) return NULL;
  if (damon_select_ops(ctx, DAMON_OPS_PADDR)) goto fail;
  attrs = ctx->attrs;
  attrs.sample_interval = 5000;
  attrs.aggr_interval = 20000;
  attrs.ops_update_interval = 60000000;
  if (damon_set_attrs(ctx, &attrs)) goto fail;
#if DWH_HAS_PAUSE
  ctx->pause = p->pause;
#endif
  t = damon_new_target();
  if (!t) goto fail;
  damon_add_target(ctx, t);
  for (int i = 0; i < DWH_NR_REGIONS; i++) {
    unsigned long start = DWH_REGION_BASE + i * DWH_REGION_SIZE;
    struct damon_region *r = damon_new_region(start, start + DWH_REGION_SIZE);

    if (!r) goto fail;
    damon_add_region(r, t);
  }
  for (int i = 0; i < p->nr_schemes && i < 3; i++) {
    struct damos *s = dwh_new_scheme(p, i);

    if (!s) goto fail;
    damon_add_scheme(ctx, s);
  }
  dwh_note_target(ctx, t);
  return ctx;
fail:
  damon_destroy_ctx(ctx);
  return NULL;
}

static void dwh_destroy_ctx(void *ctx) {
  int n = min(dwh_nr_targets, DWH_MAX_TARGETS);

  for (int i = 0; i < n; i++)
    if (dwh_targets[i].ctx == ctx) dwh_targets[i].target = NULL;
  damon_destroy_ctx(ctx);
}

static void dwh_invalidate(void *ctx) {
  int n = min(dwh_nr_targets, DWH_MAX_TARGETS);

  for (int i = 0; i < n; i++)
    if (dwh_targets[i].ctx == ctx) dwh_targets[i].invalid = true;
}

static int dwh_commit_ctx(void *dst, void *src) {
#if DWH_HAS_COMMIT_CTX
  return damon_commit_ctx(dst, src);
#else
  return -EINVAL;
#endif
}

static int dwh_start(void **ctxs, int nr, bool exclusive) {
  return damon_start((struct damon_ctx **)ctxs, nr, exclusive);
}

static int dwh_stop(void **ctxs, int nr) {
#if DWH_STOP_VOID
  damon_stop((struct damon_ctx **)ctxs, nr);
  return 0;
#else
  return damon_stop((struct damon_ctx **)ctxs, nr);
#endif
}

static bool dwh_is_running(void *ctx) {
  return damon_is_running(ctx);
}

/* ---- damon_call and damos_walk ---- */

#if DWH_HAS_CALL
static void dwh_set_call(void *control, int (*fn)(void *), void *data, unsigned flags) {
  struct damon_call_control *c = control;

  c->fn = fn;
  c->data = data;
#if DWH_HAS_REPEAT
  c->repeat = flags & DWH_CALL_REPEAT;
#endif
#if DWH_HAS_DEALLOC_ON_CANCEL
  c->dealloc_on_cancel = flags & DWH_CALL_DEALLOC_ON_CANCEL;
#endif
}
static int dwh_call(void *ctx, void *control) {
  return damon_call(ctx, control);
}
static int dwh_call_return_code(const void *control) {
  return ((const struct damon_call_control *)control)->return_code;
}
static bool dwh_call_canceled(const void *control) {
  return ((const struct damon_call_control *)control)->canceled;
}
static void *dwh_call_completion(void *control) {
  return &((struct damon_call_control *)control)->completion;
}
#define DWH_CALL_CONTROL_SIZE sizeof(struct damon_call_control)
#else
#define dwh_set_call NULL
#define dwh_call NULL
#define dwh_call_return_code NULL
#define dwh_call_canceled NULL
#define dwh_call_completion NULL
#define DWH_CALL_CONTROL_SIZE 0
#endif

#if DWH_HAS_WALK
struct dwh_walk_extra {
  dwh_tree_walk_cb cb;
  void *data;
};
struct dwh_walk_mem {
  struct damos_walk_control control;
  struct dwh_walk_extra extra;
};

static void dwh_walk_fn(void *data, struct damon_ctx *ctx, struct damon_target *t,
                        struct damon_region *r, struct damos *s, unsigned long sz) {
  struct dwh_walk_extra *x = data;
  struct dwh_tree_walked w = {.ctx = ctx, .scheme = 0, .region = 0,
                              .start = r->ar.start, .end = r->ar.end};
  struct damos *s2;
  struct damon_region *r2;

  damon_for_each_scheme(s2, ctx) {
    if (s2 == s) break;
    w.scheme++;
  }
  damon_for_each_region(r2, t) {
    if (r2 == r) break;
    w.region++;
  }
  x->cb(x->data, &w);
}

static int dwh_walk(void *ctx, void *control, dwh_tree_walk_cb cb, void *data) {
  struct dwh_walk_mem *m = control;

  m->extra.cb = cb;
  m->extra.data = data;
  m->control.walk_fn = dwh_walk_fn;
  m->control.data = &m->extra;
  return damos_walk(ctx, &m->control);
}
static bool dwh_walk_canceled(const void *control) {
  return ((const struct dwh_walk_mem *)control)->control.canceled;
}
static void *dwh_walk_completion(void *control) {
  return &((struct dwh_walk_mem *)control)->control.completion;
}
#define DWH_WALK_CONTROL_SIZE sizeof(struct dwh_walk_mem)
#else
#define dwh_walk NULL
#define dwh_walk_canceled NULL
#define dwh_walk_completion NULL
#define DWH_WALK_CONTROL_SIZE 0
#endif

__attribute__((visibility("default"))) const struct dwh_tree DWH_CAT(dwh_tree_, DWH_TREE_ID) = {
    .name = DWH_TREE_NAME,
    .release = DWH_TREE_RELEASE,
    .source = DWH_TREE_SOURCE,
    .features = (DWH_HAS_COMMIT_CTX ? DWH_TREE_COMMIT_CTX : 0) | (DWH_HAS_CALL ? DWH_TREE_CALL : 0) |
                (DWH_HAS_WALK ? DWH_TREE_WALK : 0) | (DWH_HAS_REPEAT ? DWH_TREE_REPEAT : 0) |
                (DWH_HAS_DEALLOC_ON_CANCEL ? DWH_TREE_DEALLOC_ON_CANCEL : 0) |
                (DWH_HAS_OBSOLETE ? DWH_TREE_OBSOLETE : 0) | (DWH_HAS_PAUSE ? DWH_TREE_PAUSE : 0) |
                (DWH_STOP_VOID ? DWH_TREE_STOP_VOID : 0) |
                (DWH_HAS_CALL_LIST ? DWH_TREE_CALL_LIST : 0) |
                (DWH_CALL_NEEDS_STARTED ? DWH_TREE_CALL_NEEDS_STARTED : 0) |
                (DWH_WALK_NEEDS_STARTED ? DWH_TREE_WALK_NEEDS_STARTED : 0) |
                (DWH_START_VALIDATES ? DWH_TREE_START_VALIDATES : 0),
    .call_control_size = DWH_CALL_CONTROL_SIZE,
    .walk_control_size = DWH_WALK_CONTROL_SIZE,
    .reset = dwh_reset,
    .build_ctx = dwh_build_ctx,
    .destroy_ctx = dwh_destroy_ctx,
    .commit_ctx = dwh_commit_ctx,
    .start = dwh_start,
    .stop = dwh_stop,
    .is_running = dwh_is_running,
    .set_call = dwh_set_call,
    .call = dwh_call,
    .call_return_code = dwh_call_return_code,
    .call_canceled = dwh_call_canceled,
    .walk = dwh_walk,
    .walk_canceled = dwh_walk_canceled,
    .invalidate = dwh_invalidate,
    .call_completion = dwh_call_completion,
    .walk_completion = dwh_walk_completion,
};
