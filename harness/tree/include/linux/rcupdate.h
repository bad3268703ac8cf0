/* Shim for <linux/rcupdate.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
