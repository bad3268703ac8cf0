// The model (harness/damon) as a Backend: the factory of every model profile.
#pragma once

#include <memory>

#include "harness/program/profiles.h"

namespace program {

// Creates the model's module-wide state for profile.model in `world` and hears
// its Observer hooks on `oracle`'s behalf.
std::unique_ptr<Backend> make_model_backend(const ProfileInfo& profile, kernel::World& world,
                                            Oracle& oracle);

}  // namespace program
