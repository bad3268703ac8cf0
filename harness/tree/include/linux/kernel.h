/* Shim for <linux/kernel.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
