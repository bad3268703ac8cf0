/* Shim for <linux/kthread.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
