// The small numbers of the harness, in one place.
#pragma once

namespace program {

inline constexpr int kMaxClients = 3;  // clients: threads with an operation list, "cpu0".."cpu2"
inline constexpr int kMaxCtxs = 2;     // DAMON contexts
inline constexpr int kMaxSchemes = 3;  // schemes per context (= damon::kMaxSchemes)
inline constexpr int kMaxOpsPerClient = 16;
inline constexpr int kMaxOps = kMaxClients * kMaxOpsPerClient;
inline constexpr int kMaxSetupOps = kMaxOpsPerClient;  // the text format's setup block
inline constexpr int kMaxSleepMs = 1000;
inline constexpr int kMaxPreemptions = 64;
inline constexpr unsigned kMaxIntervalSamples = 8;  // apply interval, in sample intervals

}  // namespace program
