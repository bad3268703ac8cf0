/* Shim for <linux/rmap.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
