/* Shim for <trace/define_trace.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
