/* Shim for <linux/pagemap.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
