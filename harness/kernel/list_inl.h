// Template definitions for list.h.
#pragma once

namespace kernel {

namespace list_detail {
// The referent's completion, if its memory is still the object's: a dead
// referent's memory may already be freed, and dropping a pointer to it must
// not touch it (the kernel only overwrites the pointer).
template <class T>
rt::Event* reach_of(T* p) {
  return (p && World::current().alive(p)) ? &p->reach_event() : nullptr;
}
inline void ref(rt::Event* e) {
  if (e) rt::Execution::current().event_ref(*e);
}
inline void unref(rt::Event* e, const rt::Site* site) {
  if (e) rt::Execution::current().event_unref(*e, site);
}
// The list head or pointer itself is shared state too (Execution::declare_access).
inline void declare(const void* head) {
  rt::Execution::current().declare_access(head);
}
}  // namespace list_detail

template <class T>
void RefPtr<T>::set(T* p, const rt::Site* site) {
  list_detail::declare(this);
  list_detail::ref(list_detail::reach_of(p));
  T* old = p_;
  p_ = p;
  list_detail::unref(list_detail::reach_of(old), site);
}

template <class T>
void RefPtr<T>::reset_quiet() {
  T* old = p_;
  p_ = nullptr;
  if (old && rt::Execution::current_or_null())
    list_detail::unref(list_detail::reach_of(old), nullptr);
}

template <class T>
void List<T>::add_tail(T* node, const rt::Site* site) {
  list_detail::declare(this);
  if (!v_.empty()) check_alive_at(v_.back(), site);
  check_alive_at(node, site);
  list_detail::ref(list_detail::reach_of(node));
  v_.push_back(node);
}

template <class T>
void List<T>::add(T* node, const rt::Site* site) {
  list_detail::declare(this);
  if (!v_.empty()) check_alive_at(v_.front(), site);
  check_alive_at(node, site);
  list_detail::ref(list_detail::reach_of(node));
  v_.insert(v_.begin(), node);
}

template <class T>
void List<T>::add_tail_swapped(T* node, const rt::Site* site) {
  list_detail::declare(this);
  check_alive_at(node, site);
  list_detail::ref(list_detail::reach_of(node));
  Items dropped;
  dropped.swap(v_);
  v_.push_back(node);
  for (T* d : dropped) list_detail::unref(list_detail::reach_of(d), site);
}

template <class T>
void List<T>::del(T* node, const rt::Site* site) {
  list_detail::declare(this);
  auto it = std::find(v_.begin(), v_.end(), node);
  if (it == v_.end()) return;
  if (it != v_.begin()) check_alive_at(*(it - 1), site);
  if (it + 1 != v_.end()) check_alive_at(*(it + 1), site);
  check_alive_at(node, site);
  v_.erase(it);
  list_detail::unref(list_detail::reach_of(node), site);
}

template <class T>
void List<T>::splice_tail_init(List& dst, const rt::Site* site) {
  list_detail::declare(this);
  list_detail::declare(&dst);
  for (T* n : v_) {
    check_alive_at(n, site);
    list_detail::ref(list_detail::reach_of(n));
    dst.v_.push_back(n);
  }
  Items moved;
  moved.swap(v_);
  for (T* n : moved) list_detail::unref(list_detail::reach_of(n), site);
}

template <class T>
void List<T>::clear_quiet() {
  Items old;
  old.swap(v_);
  if (!rt::Execution::current_or_null()) return;
  for (T* n : old) list_detail::unref(list_detail::reach_of(n), nullptr);
}

}  // namespace kernel
