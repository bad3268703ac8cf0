#include "harness/tree/tree.h"

#include "harness/runtime/execution.h"

namespace tree {

void begin_run_env(uint64_t seed, unsigned free_mem_permille);  // bridge.cc

std::string tree_names() {
  std::string out;
  for (const dwh_tree* t : trees()) out += (out.empty() ? "" : ", ") + std::string(t->name);
  return out;
}

const dwh_tree* find_tree(std::string_view name) {
  for (const dwh_tree* t : trees())
    if (name == t->name) return t;
  return nullptr;
}

std::string feature_text(unsigned f) {
  static const std::pair<unsigned, const char*> kNames[] = {
      {DWH_TREE_COMMIT_CTX, "damon_commit_ctx"},
      {DWH_TREE_CALL, "damon_call"},
      {DWH_TREE_CALL_LIST, "call_controls-list"},
      {DWH_TREE_REPEAT, "repeat"},
      {DWH_TREE_DEALLOC_ON_CANCEL, "dealloc_on_cancel"},
      {DWH_TREE_WALK, "damos_walk"},
      {DWH_TREE_OBSOLETE, "obsolete-flags"},
      {DWH_TREE_PAUSE, "pause"},
      {DWH_TREE_STOP_VOID, "damon_stop-void"},
      {DWH_TREE_CALL_NEEDS_STARTED, "call-needs-started"},
      {DWH_TREE_WALK_NEEDS_STARTED, "walk-needs-started"},
  };
  std::string out;
  for (const auto& [bit, name] : kNames)
    if (f & bit) out += (out.empty() ? "" : " ") + std::string(name);
  return out;
}

void begin_run(const dwh_tree& t, uint64_t seed, unsigned free_mem_permille) {
  begin_run_env(seed, free_mem_permille);
  t.reset();
}

}  // namespace tree
