/* The tree's KUnit tests are not built: an empty stand-in for its
 * mm/damon/tests/core-kunit.h. */
