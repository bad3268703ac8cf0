// SIGINT/SIGTERM: ask the run loop to stop after the current run, so the summary
// and any report are still written. A second signal takes the default action.
#pragma once

namespace stress {

void install_stop_handlers();
bool stop_requested();
// The signal that asked for the stop (0 if none).
int stop_signal();

}  // namespace stress
