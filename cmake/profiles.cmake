# DWH_PROFILES: the model's profile names, in table order, read from the one list
# (harness/damon/profiles.def). The fuzz replay tests, the soak tests and the
# tests that compare the list with the model's table use it.
file(STRINGS ${CMAKE_SOURCE_DIR}/harness/damon/profiles.def dwh_profile_rows
     REGEX "^DWH_PROFILE\\(\"[^\"]+\"")
set(DWH_PROFILES)
foreach(row ${dwh_profile_rows})
  string(REGEX REPLACE "^DWH_PROFILE\\(\"([^\"]+)\".*" "\\1" name "${row}")
  list(APPEND DWH_PROFILES ${name})
endforeach()
if(NOT DWH_PROFILES)
  message(FATAL_ERROR "harness/damon/profiles.def: no DWH_PROFILE(\"name\", ...) rows found")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/harness/damon/profiles.def)
