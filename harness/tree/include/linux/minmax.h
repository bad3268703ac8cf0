/* Shim for <linux/minmax.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
