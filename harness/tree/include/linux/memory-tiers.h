/* Shim for <linux/memory-tiers.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
