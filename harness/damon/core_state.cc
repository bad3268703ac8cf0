// Where the model finds its module-wide state: one damon_core per execution,
// kept in the execution's kernel::World. core_of_world() is the only place that
// knows how; the World owns the core (a static object in its lifetime table).
#include "harness/damon/damon.h"

namespace damon {
namespace {

damon_core* core_of_world(kernel::World& world) {
  return static_cast<damon_core*>(world.ext);
}
void bind_core(kernel::World& world, damon_core* core) {
  world.ext = core;
}

}  // namespace

damon_core* damon_core_create(kernel::World& world, const Profile* profile) {
  auto* core = new damon_core;
  core->profile = profile;
  world.born(core, "damon_core", kernel::Owner::kStatic, "mm/damon/core.c", RT_SITE("module init"));
  bind_core(world, core);
  return core;
}

damon_core* damon_core_create(const Profile* profile) {
  return damon_core_create(kernel::World::current(), profile);
}

damon_core& damon_core_current() {
  return *core_of_world(kernel::World::current());
}

void damon_set_observer(Observer* o) {
  damon_core_current().observer = o;
}

}  // namespace damon
