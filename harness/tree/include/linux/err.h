/* Shim for <linux/err.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
