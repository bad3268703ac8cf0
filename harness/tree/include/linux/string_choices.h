/* Shim for <linux/string_choices.h>: the whole shim (harness/tree/shim). */
#include "harness/tree/shim/stubs.h"
