/* Shim for <linux/ktime.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
