/* Shim for <linux/page_idle.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
