// The kernel trees built into this binary (DWH_KERNEL_TREES) and what the
// program layer needs to run one: the registry of their tables (tree_api.h),
// the per-run setup, and caller-owned control memory with a lifetime.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/kernel/world.h"
#include "harness/tree/tree_api.h"

namespace tree {

// Every tree built in, in DWH_KERNEL_TREES order; empty when none is configured.
const std::vector<const dwh_tree*>& trees();
// nullptr if no tree has that profile name.
const dwh_tree* find_tree(std::string_view name);
// "linux-6.12.x, linux-7.3.x" (empty when none).
std::string tree_names();
// "damon_call damos_walk repeat ..." for `profiles`.
std::string feature_text(unsigned features);

// Per-run setup, on the run's setup thread before any tree entry point: the
// run's random numbers (from `seed`) and the free memory rate the fake
// watermarks read, then the tree's own reset().
void begin_run(const dwh_tree& t, uint64_t seed, unsigned free_mem_permille = 500);

// Tree memory with a lifetime in the world (kmalloc's blocks and the
// harness's controls): a tracked header in front of zeroed bytes.
void* alloc_block(size_t size, const char* what, kernel::Owner owner, std::string_view desc,
                  const rt::Site* site);
void free_block(const void* payload, const rt::Site* site);
const kernel::Tracked* block_of(const void* payload);
// Runs on the completing thread right before a prepared completion's
// complete() (its scheduling point and lifetime check).
using CompleteHook = void (*)(void* arg);
// Constructs the completion at `c` (inside a control) for the tree, owned by
// `owner` (checked alive at complete(); nullptr: none) and labelled for
// reports. The tree's init_completion() keeps all of it.
void prepare_completion(void* c, const kernel::Tracked* owner, std::string_view label,
                        CompleteHook hook = nullptr, void* arg = nullptr);
// complete() calls a prepared completion got.
unsigned completion_signals(const void* c);

}  // namespace tree
