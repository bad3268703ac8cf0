# Kernel tree profiles: every entry of DWH_KERNEL_TREES (PATH or NAME=PATH, PATH
# a tree's top folder, e.g. from ci/kernel-tree.sh) builds that tree's own
# mm/damon/core.c against the shim into one profile (docs/tree.md).
#
# dwh_add_tree(ENTRY) leaves the tree's table symbol in DWH_TREE_TABLES and its
# localized object in DWH_TREE_OBJECTS.

set(DWH_KERNEL_TREES "" CACHE STRING
    "kernel trees to build as profiles: PATH or NAME=PATH entries, ;-separated")

# Probe: sets VAR to 1 when the tree's damon.h (TEXT) matches REGEX, else 0.
function(dwh_tree_probe var text regex)
  if(text MATCHES "${regex}")
    set(${var} 1 PARENT_SCOPE)
  else()
    set(${var} 0 PARENT_SCOPE)
  endif()
endfunction()

# Arity: sets VAR to the number of parameters of the declaration `DECL(...);`
# in TEXT, or to DEFAULT when TEXT has none.
function(dwh_tree_arity var text decl default)
  set(n ${default})
  if(text MATCHES "${decl}\\(([^;]*)\\);")
    string(REGEX MATCHALL "," commas "${CMAKE_MATCH_1}")
    list(LENGTH commas n)
    math(EXPR n "${n} + 1")
  endif()
  set(${var} ${n} PARENT_SCOPE)
endfunction()

function(dwh_add_tree entry)
  if(entry MATCHES "^([^=]+)=(.+)$")
    set(name "${CMAKE_MATCH_1}")
    set(path "${CMAKE_MATCH_2}")
  else()
    set(name "")
    set(path "${entry}")
  endif()
  get_filename_component(path "${path}" ABSOLUTE BASE_DIR "${CMAKE_SOURCE_DIR}")
  foreach(f Makefile mm/damon/core.c include/linux/damon.h include/trace/events/damon.h)
    if(NOT EXISTS "${path}/${f}")
      message(FATAL_ERROR "DWH_KERNEL_TREES: ${path} has no ${f} (fetch one with ci/kernel-tree.sh VERSION)")
    endif()
  endforeach()

  # The release from the tree's Makefile; the profile is named after its
  # stable series (linux-7.3.4 -> linux-7.3.x) unless the entry names it.
  file(STRINGS "${path}/Makefile" mk REGEX "^(VERSION|PATCHLEVEL|SUBLEVEL) = " LIMIT_COUNT 3)
  set(release "")
  foreach(line ${mk})
    string(REGEX REPLACE "^[A-Z]+ = ([0-9]*).*" "\\1" v "${line}")
    list(APPEND release "${v}")
  endforeach()
  list(LENGTH release n)
  if(NOT n EQUAL 3)
    message(FATAL_ERROR "DWH_KERNEL_TREES: ${path}/Makefile: no VERSION/PATCHLEVEL/SUBLEVEL")
  endif()
  list(GET release 0 ver)
  list(GET release 1 patch)
  list(JOIN release "." release)
  if(name STREQUAL "")
    set(name "linux-${ver}.${patch}.x")
  endif()
  string(MAKE_C_IDENTIFIER "${name}" id)
  if(EXISTS "${path}/.dwh-source")
    file(STRINGS "${path}/.dwh-source" src REGEX "^package: " LIMIT_COUNT 1)
    string(REGEX REPLACE "^package: " "" source "${src}")
  else()
    set(source "${path}")
  endif()

  # Feature probes over the tree's own API header.
  file(READ "${path}/include/linux/damon.h" h)
  dwh_tree_probe(has_commit "${h}" "int damon_commit_ctx\\(")
  dwh_tree_probe(has_call "${h}" "int damon_call\\(")
  dwh_tree_probe(has_walk "${h}" "int damos_walk\\(")
  dwh_tree_probe(has_repeat "${h}" "struct damon_call_control {[^}]*bool repeat;")
  dwh_tree_probe(has_dealloc "${h}" "struct damon_call_control {[^}]*bool dealloc_on_cancel;")
  dwh_tree_probe(has_obsolete "${h}" "call_controls_obsolete")
  dwh_tree_probe(has_pause "${h}" "struct damon_ctx {[^}]*bool pause;")
  dwh_tree_probe(stop_void "${h}" "void damon_stop\\(")
  dwh_tree_probe(has_call_list "${h}" "struct list_head call_controls;")
  dwh_tree_probe(apply_sz "${h}" "apply_scheme\\)\\([^)]*sz_filter_passed")
  dwh_tree_probe(destroy_target_ctx "${h}" "void damon_destroy_target\\([^)]*damon_ctx")
  # Caller preconditions the tree's kernel-doc of damon_call()/damos_walk() states.
  file(READ "${path}/mm/damon/core.c" core)
  dwh_tree_probe(call_needs_started "${core}"
                 "called only after damon_start\\(\\)[^/]*/\nint damon_call\\(")
  dwh_tree_probe(walk_needs_started "${core}"
                 "called only after damon_start\\(\\)[^/]*/\nint damos_walk\\(")
  # damon_start() commits each ctx into a test ctx (reading the ctx unlocked)
  # before it takes any lock: the first block of its body calls __damon_commit_ctx().
  dwh_tree_probe(start_validates "${core}" "\nint damon_start\\([^{]*{[^}]*__damon_commit_ctx\\(")
  dwh_tree_arity(scheme_args "${h}" "struct damos \\*damon_new_scheme" 4)
  dwh_tree_arity(rate_args "${h}" "void damon_update_region_access_rate" 0)

  # The build folder's copy of core.c: its writable file-scope and
  # function-local statics are marked (DWH_STATIC) so that reset() restores
  # them; nothing else changes.
  set(dir "${CMAKE_BINARY_DIR}/trees/${id}")
  string(REGEX REPLACE "\nstatic ([^(;\n]*;)" "\nDWH_STATIC \\1" core "${core}")
  string(REGEX REPLACE "\n\tstatic ([^(;\n]*;)" "\n\tDWH_STATIC \\1" core "${core}")
  file(WRITE "${dir}/core.c.tmp" "${core}")
  file(COPY_FILE "${dir}/core.c.tmp" "${dir}/core.c" ONLY_IF_DIFFERENT)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               "${path}/mm/damon/core.c" "${path}/include/linux/damon.h" "${path}/Makefile")

  set(obj dwh_tree_${id}_obj)
  add_library(${obj} OBJECT ${CMAKE_CURRENT_SOURCE_DIR}/wrapper.c)
  # Shim headers first, then the tree's own headers; core.c's folder-private
  # headers (ops-common.h) from the tree.
  target_include_directories(${obj} BEFORE PRIVATE
    ${CMAKE_CURRENT_SOURCE_DIR}/include "${path}/include" "${path}/mm/damon")
  target_compile_definitions(${obj} PRIVATE
    CONFIG_DAMON=1
    DWH_TREE_CORE_C="${dir}/core.c"
    DWH_TREE_ID=${id}
    DWH_TREE_NAME="${name}"
    DWH_TREE_RELEASE="${release}"
    DWH_TREE_SOURCE="${source}"
    DWH_HAS_COMMIT_CTX=${has_commit} DWH_HAS_CALL=${has_call} DWH_HAS_WALK=${has_walk}
    DWH_HAS_REPEAT=${has_repeat} DWH_HAS_DEALLOC_ON_CANCEL=${has_dealloc}
    DWH_HAS_OBSOLETE=${has_obsolete} DWH_HAS_PAUSE=${has_pause} DWH_STOP_VOID=${stop_void}
    DWH_HAS_CALL_LIST=${has_call_list}
    DWH_CALL_NEEDS_STARTED=${call_needs_started} DWH_WALK_NEEDS_STARTED=${walk_needs_started} DWH_START_VALIDATES=${start_validates} DWH_APPLY_SZ_FILTER=${apply_sz}
    DWH_DESTROY_TARGET_CTX=${destroy_target_ctx}
    DWH_SCHEME_ARGS=${scheme_args} DWH_ACCESS_RATE_ARGS=${rate_args})
  # gnu11 like the kernel; exceptions so that a sim run that ends early
  # unwinds through the tree's frames; the tree's own warnings are not ours.
  target_compile_options(${obj} PRIVATE -std=gnu11 -fexceptions -fvisibility=hidden -w)
  if(DWH_SANITIZER STREQUAL "address" AND DWH_UBSAN)
    # The kernel relies on wrapping and shifting semantics UBSan reports.
    target_compile_options(${obj} PRIVATE -fno-sanitize=undefined)
  endif()

  # One object per tree whose symbols, but its table, are local: several
  # trees' core.c link into one binary.
  set(out "${dir}/tree.o")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_LINKER} -r -o "${out}.partial" $<TARGET_OBJECTS:${obj}>
    COMMAND ${CMAKE_OBJCOPY} --localize-hidden "${out}.partial" "${out}"
    DEPENDS ${obj} $<TARGET_OBJECTS:${obj}>
    COMMAND_EXPAND_LISTS
    COMMENT "tree ${name}: partial link and localize")
  set(DWH_TREE_OBJECTS ${DWH_TREE_OBJECTS} "${out}" PARENT_SCOPE)
  set(DWH_TREE_TABLES ${DWH_TREE_TABLES} "dwh_tree_${id}" PARENT_SCOPE)
  set(DWH_TREE_NAMES ${DWH_TREE_NAMES} "${name}" PARENT_SCOPE)
  message(STATUS "tree profile ${name}: ${release} from ${source} (call=${has_call} walk=${has_walk} repeat=${has_repeat} obsolete=${has_obsolete} pause=${has_pause} stop_void=${stop_void} call_needs_started=${call_needs_started} walk_needs_started=${walk_needs_started} start_validates=${start_validates} new_scheme_args=${scheme_args} access_rate_args=${rate_args})")
endfunction()
