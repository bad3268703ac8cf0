#include <memory>

#include "harness/runtime/strategy.h"

namespace rt {

// Byte pairs (delay, thread): a preemption after `delay` default decisions to
// thread `byte % 8`. Pairs keep a one-byte edit a one-preemption edit.
Schedule schedule_from_choice_bytes(const uint8_t* data, size_t size) {
  Schedule s;
  for (size_t i = 0; i + 1 < size; i += 2) {
    s.preemptions.push_back(Preemption{data[i], static_cast<uint8_t>(data[i + 1] % 8)});
  }
  return s;
}

std::unique_ptr<Strategy> make_choice_stream_strategy(const uint8_t* data, size_t size) {
  return make_schedule_strategy(schedule_from_choice_bytes(data, size));
}

}  // namespace rt
