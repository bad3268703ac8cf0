/* Shim for <linux/math64.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
