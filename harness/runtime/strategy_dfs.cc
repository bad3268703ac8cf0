#include "harness/runtime/strategy_dfs.h"

#include <algorithm>

namespace rt {

void DfsStrategy::begin(uint64_t) {
  pos_ = 0;
  cost_ = 0;
  diverged_ = false;
  redundant_ = false;
  fps_.resize(stack_.size());
}

void DfsStrategy::transition_done(const Footprint& fp) {
  if (redundant_ || diverged_ || pos_ == 0) return;
  if (fps_.size() < pos_) fps_.resize(pos_);
  fps_[pos_ - 1] = fp;
}

bool DfsStrategy::asleep(const Node& n, int tid) const {
  for (const auto& [t, fp] : n.sleep)
    if (t == tid) return true;
  return false;
}

bool DfsStrategy::allowed(const Node& n, size_t i) const {
  if (n.done & (uint64_t{1} << i)) return false;
  if (n.cost + (i != n.def ? 1 : 0) > bound_) return false;
  return !asleep(n, n.cands[i].tid);
}

size_t DfsStrategy::pick(std::span<const Candidate> cands, size_t default_idx, int, bool) {
  if (diverged_ || redundant_) return default_idx;
  if (pos_ < stack_.size()) {
    // The forced prefix: the choices of the execution this one branches from.
    const Node& n = stack_[pos_];
    const bool same = n.cands.size() == cands.size() && n.def == default_idx &&
                      std::equal(cands.begin(), cands.end(), n.cands.begin(),
                                 [](const Candidate& a, const Candidate& b) {
                                   return a.tid == b.tid && a.sleeping == b.sleeping;
                                 });
    if (!same) {
      diverged_ = true;
      return default_idx;
    }
    pos_++;
    if (n.chosen != n.def) cost_++;
    return n.chosen;
  }
  Node n;
  n.cands.assign(cands.begin(), cands.end());
  n.def = static_cast<uint8_t>(default_idx);
  n.cost = cost_;
  if (sleep_sets_ && pos_ > 0) {
    // Sleep(child by u) = the parent's sleep set and earlier choices, less
    // what u does not commute with.
    const Node& parent = stack_[pos_ - 1];
    const Footprint& u = fps_[pos_ - 1];
    const int utid = parent.cands[parent.chosen].tid;
    for (const Sleep* from : {&parent.sleep, &parent.explored})
      for (const auto& [t, fp] : *from)
        if (t != utid && !fp.dependent(u) && !asleep(n, t)) n.sleep.emplace_back(t, fp);
  }
  size_t choice = cands.size();
  if (allowed(n, default_idx)) {
    choice = default_idx;
  } else {
    for (size_t i = 0; i < cands.size() && choice == cands.size(); i++)
      if (allowed(n, i)) choice = i;
  }
  if (choice == cands.size() || cands.size() > 64) {
    // Every thread that may run here sleeps: this execution only reorders
    // one that was run before. It finishes on the default policy.
    redundant_ = true;
    return default_idx;
  }
  n.chosen = static_cast<uint8_t>(choice);
  n.done = uint64_t{1} << choice;
  if (choice != default_idx) cost_++;
  stack_.push_back(std::move(n));
  pos_++;
  fps_.resize(pos_);
  return choice;
}

bool DfsStrategy::advance() {
  // Nodes past where the execution stopped following them (divergence) are
  // the execution's own: keep only those it went through.
  if (stack_.size() > pos_) stack_.resize(pos_);
  fps_.resize(stack_.size());
  while (!stack_.empty()) {
    Node& n = stack_.back();
    const size_t i = stack_.size() - 1;
    if (sleep_sets_) n.explored.emplace_back(n.cands[n.chosen].tid, fps_[i]);
    for (size_t j = 0; j < n.cands.size(); j++) {
      if (!allowed(n, j)) continue;
      n.done |= uint64_t{1} << j;
      n.chosen = static_cast<uint8_t>(j);
      fps_.resize(i);
      return true;
    }
    stack_.pop_back();
    fps_.pop_back();
  }
  return false;
}

std::string DfsStrategy::describe() const {
  return "explore(preemptions<=" + std::to_string(bound_) + (sleep_sets_ ? ",sleep sets)" : ")");
}

}  // namespace rt
