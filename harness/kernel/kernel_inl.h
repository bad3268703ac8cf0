// Template definitions for kernel.h.
#pragma once

namespace kernel {

template <class T>
T* kzalloc_obj(const char* what, const rt::Site* site) {
  World& w = World::current();
  if (w.faults.fail_alloc > 0) {
    w.faults.fail_alloc--;
    return nullptr;
  }
  T* obj = new T();
  w.born(obj, what, Owner::kHeap, "kmalloc", site);
  return obj;
}

template <class T>
T* CallerFrame::make(const char* what) {
  T* obj = new T();
  World::current().born(obj, what, Owner::kCaller, owner_, nullptr);
  objs_.push_back(obj);
  return obj;
}

}  // namespace kernel
