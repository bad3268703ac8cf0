// Reference-counted pointer slots and lists for request objects. Holding a
// request in a RefPtr or a List counts as a reference to its completion, so the
// sim runtime can report a waiter whose request nobody can reach any more.
// List operations touch the neighbouring nodes as the kernel's list_head code
// does, so a linked node that died is reported when its neighbour is linked or
// unlinked. T must provide `rt::Event& reach_event()`.
#pragma once

#include <algorithm>

#include <boost/container/small_vector.hpp>

#include "harness/kernel/kernel.h"

namespace kernel {

template <class T>
class RefPtr {
 public:
  RefPtr() = default;
  RefPtr(const RefPtr&) = delete;
  RefPtr& operator=(const RefPtr&) = delete;
  // May raise a lost wakeup (the sim runtime then unwinds), hence noexcept(false).
  ~RefPtr() noexcept(false) { reset_quiet(); }
  T* get() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }
  // Replace the referent; the old one loses a reference (may raise a lost wakeup).
  void set(T* p, const rt::Site* site);
  // Drop without a site (end of a thread's scope during teardown).
  void reset_quiet();

 private:
  T* p_ = nullptr;
};

template <class T>
class List {
 public:
  // Request lists hold a few entries: inline, no heap allocation per list.
  using Items = boost::container::small_vector<T*, 4>;
  List() = default;
  List(const List&) = delete;
  List& operator=(const List&) = delete;
  ~List() noexcept(false) { clear_quiet(); }
  bool empty() const { return v_.empty(); }
  size_t size() const { return v_.size(); }
  T* first() const { return v_.empty() ? nullptr : v_.front(); }
  bool contains(const T* p) const { return std::find(v_.begin(), v_.end(), p) != v_.end(); }
  const Items& items() const { return v_; }
  void add_tail(T* node, const rt::Site* site);  // list_add_tail(&node->list, head)
  void add(T* node, const rt::Site* site);       // list_add(&node->list, head)
  // list_add_tail(head, &node->list), the 6.17 swapped-argument form: the head is
  // spliced into the node's ring, so every earlier entry falls off the list.
  void add_tail_swapped(T* node, const rt::Site* site);
  void del(T* node, const rt::Site* site);  // list_del
  // list_splice_tail_init(this, dst): move every entry to dst's tail.
  void splice_tail_init(List& dst, const rt::Site* site);
  void clear_quiet();

 private:
  Items v_;
};

}  // namespace kernel

#include "harness/kernel/list_inl.h"
