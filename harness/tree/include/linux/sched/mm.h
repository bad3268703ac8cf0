/* Shim for <linux/sched/mm.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
