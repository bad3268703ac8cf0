/* Shim for <linux/log2.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
