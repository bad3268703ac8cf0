/* What one kernel tree's core.c, built into the harness, offers the program
 * layer: a table of entry points per tree (wrapper.c fills it; one table per
 * tree in the binary, each tree's own symbols localized). Contexts and
 * controls are opaque: their layout is the tree's. Every entry point runs on a
 * thread of the current execution. Plain C so that the C wrapper and the C++
 * side share it. */
#ifndef DWH_TREE_API_H
#define DWH_TREE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a tree has, found by the build's probes of its damon.h (tree.cmake). */
enum dwh_tree_feature {
  DWH_TREE_COMMIT_CTX = 1u << 0, /* damon_commit_ctx() */
  DWH_TREE_CALL = 1u << 1,       /* damon_call() */
  DWH_TREE_WALK = 1u << 2,       /* damos_walk() */
  DWH_TREE_REPEAT = 1u << 3,     /* damon_call_control.repeat */
  DWH_TREE_DEALLOC_ON_CANCEL = 1u << 4,
  DWH_TREE_OBSOLETE = 1u << 5,  /* call_controls_obsolete / walk_control_obsolete */
  DWH_TREE_PAUSE = 1u << 6,     /* damon_ctx.pause */
  DWH_TREE_STOP_VOID = 1u << 7, /* damon_stop() returns void */
  DWH_TREE_CALL_LIST = 1u << 8, /* call_controls list (else one slot) */
  /* The kernel-doc says: call only after damon_start() of the ctx succeeded. */
  DWH_TREE_CALL_NEEDS_STARTED = 1u << 9,
  DWH_TREE_WALK_NEEDS_STARTED = 1u << 10,
  /* damon_start() reads each ctx (commits it into a test ctx) before any lock. */
  DWH_TREE_START_VALIDATES = 1u << 11,
};

/* A parameter context, as sysfs or a module builds one. */
struct dwh_tree_params {
  int nr_schemes; /* 0..3 */
  unsigned long apply_interval_us[3];
  bool wmarks_active; /* false: watermarks deactivate every scheme */
  bool pause;         /* trees with DWH_TREE_PAUSE */
};

/* What walk_fn saw, translated out of the tree's types. */
struct dwh_tree_walked {
  const void* ctx;
  int scheme; /* position in ctx's scheme list */
  int region; /* position in its target's region list */
  unsigned long start, end;
};
typedef void (*dwh_tree_walk_cb)(void* data, const struct dwh_tree_walked* w);

enum dwh_tree_call_flags { DWH_CALL_REPEAT = 1, DWH_CALL_DEALLOC_ON_CANCEL = 2 };

struct dwh_tree {
  const char* name;    /* profile name, e.g. "linux-7.3.x" */
  const char* release; /* the tree's Makefile version, e.g. "7.3.4" */
  const char* source;  /* where the tree came from (package or path) */
  unsigned features;   /* enum dwh_tree_feature */
  /* Caller-owned control memory the call and walk entry points take. */
  size_t call_control_size, walk_control_size;

  /* core.c's static state back to its state after module init (damon_lock,
   * nr_running_ctxs, running_exclusive_ctxs, registered ops, region cache,
   * function-local statics), and the fake operations registered. Call from
   * the run's setup thread, before any other entry point. */
  void (*reset)(void);
  /* damon_new_ctx() + ops, attrs, one target with regions, schemes. NULL on
   * allocation failure. */
  void* (*build_ctx)(const struct dwh_tree_params* p);
  void (*destroy_ctx)(void* ctx);
  int (*commit_ctx)(void* dst, void* src); /* -EINVAL where the tree lacks it */
  int (*start)(void** ctxs, int nr, bool exclusive);
  int (*stop)(void** ctxs, int nr); /* 0 where damon_stop() returns void */
  bool (*is_running)(void* ctx);
  /* damon_call_control's public fields of `control` (call_control_size
   * bytes): fn, data and the flags the tree has (enum dwh_tree_call_flags). */
  void (*set_call)(void* control, int (*fn)(void*), void* data, unsigned flags);
  int (*call)(void* ctx, void* control); /* damon_call() */
  int (*call_return_code)(const void* control);
  bool (*call_canceled)(const void* control); /* the control's private `canceled` */
  /* damos_walk() with `control` (walk_control_size bytes, zeroed): walk_fn
   * reports each visit to cb(data, ...). */
  int (*walk)(void* ctx, void* control, dwh_tree_walk_cb cb, void* data);
  bool (*walk_canceled)(const void* control);
  /* The monitored target's process exits: target_valid() turns false. */
  void (*invalidate)(void* ctx);
  /* The completion inside a control (for labels and lifetime checks). */
  void* (*call_completion)(void* control);
  void* (*walk_completion)(void* control);
};

#ifdef __cplusplus
}
#endif
#endif
