/* Kernel facilities core.c names but the harness does not exercise: memory
 * counters (a fixed environment), NUMA nodes (one), memcg and PSI (configured
 * out), and the tracepoints, generated from the tree's own
 * include/trace/events/damon.h as calls that only name the event. */
#ifndef DWH_TREE_STUBS_H
#define DWH_TREE_STUBS_H

#include "harness/tree/shim/custom.h"

/* ---- mm counters ---- */
enum node_stat_item {
  NR_LRU_BASE,
  NR_INACTIVE_ANON = NR_LRU_BASE,
  NR_ACTIVE_ANON,
  NR_INACTIVE_FILE,
  NR_ACTIVE_FILE,
  NR_UNEVICTABLE,
  NR_VM_NODE_STAT_ITEMS
};
enum lru_list { LRU_INACTIVE_ANON, LRU_ACTIVE_ANON, LRU_INACTIVE_FILE, LRU_ACTIVE_FILE };
enum zone_stat_item { NR_FREE_PAGES, NR_VM_ZONE_STAT_ITEMS };
enum node_states { N_POSSIBLE, N_ONLINE, N_MEMORY };
static inline unsigned long global_zone_page_state(enum zone_stat_item item) {
  return dwh_free_pages();
}
static inline unsigned long global_node_page_state(enum node_stat_item item) {
  return dwh_total_pages() / 8;
}
static inline unsigned long totalram_pages(void) {
  return dwh_total_pages();
}
struct sysinfo {
  unsigned long totalram, freeram;
};
static inline void si_meminfo(struct sysinfo* i) {
  i->totalram = dwh_total_pages();
  i->freeram = dwh_free_pages();
}
static inline void si_meminfo_node(struct sysinfo* i, int nid) {
  si_meminfo(i);
}
static inline bool node_state(int nid, enum node_states s) {
  return nid == 0;
}
static inline bool node_online(int nid) {
  return nid == 0;
}
#define for_each_online_node(nid) for ((nid) = 0; (nid) < 1; (nid)++)
struct mem_cgroup;
struct pglist_data;
#define NODE_DATA(nid) ((struct pglist_data*)NULL)
typedef struct {
  unsigned long pte;
} pte_t;
typedef struct {
  unsigned long pmd;
} pmd_t;
struct folio;
struct vm_area_struct;
struct pid;
static inline void put_pid(struct pid* p) {}
static inline struct pid* get_pid(struct pid* p) {
  return p;
}

/* ---- System RAM: one range ---- */
struct resource {
  phys_addr_t start, end;
  const char* name;
  unsigned long flags;
};
static inline resource_size_t resource_size(const struct resource* r) {
  return r->end - r->start + 1;
}
static inline int walk_system_ram_res(u64 start, u64 end, void* arg,
                                      int (*fn)(struct resource*, void*)) {
  struct resource r = {1UL << 32, (1UL << 32) + (1UL << 30) - 1, "System RAM", 0};
  return fn(&r, arg);
}

/* ---- tracepoints ---- */
/* TP_PROTO(...) keeps its parentheses, so that a prototype is one macro
 * argument all the way down: trace_<event> proto is the tracepoint's own
 * signature whatever the tree's version of it. */
#define TP_PROTO(...) (__VA_ARGS__)
#define TP_ARGS(...) (__VA_ARGS__)
#define TP_CONDITION(...) (__VA_ARGS__)
#define DWH_TRACEPOINT(name, proto)                 \
  static inline void trace_##name proto {           \
    dwh_trace(#name);                               \
  }                                                 \
  static inline void trace_call__##name proto {     \
    dwh_trace(#name);                               \
  }                                                 \
  static inline bool trace_##name##_enabled(void) { \
    return false;                                   \
  }
#define TRACE_EVENT(name, proto, args, tstruct, assign, print) DWH_TRACEPOINT(name, proto)
#define TRACE_EVENT_CONDITION(name, proto, args, cond, tstruct, assign, print) \
  DWH_TRACEPOINT(name, proto)
#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(tmpl, name, proto, args) DWH_TRACEPOINT(name, proto)

#endif
