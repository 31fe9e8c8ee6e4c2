# Registers the conformance tests. CTest runs this script every time it starts (it is a
# TEST_INCLUDE_FILES entry, see tests/CMakeLists.txt), so the networks are those in the directory at
# test time: copying ../shared beside a checkout after building adds them, with no rebuild.
#   - "conformance: found N UAI instances, M BIF networks in DIR" (fixture setup; skipped, saying
#     why, when DIR is absent; fails instead under CI=true);
#   - conformance.uai.NAME / conformance.bif.NAME, one per file, each one gtest case of pgm_conformance;
#   - "conformance: table of results in FILE" (fixture cleanup) gathers one row per network.
# Set by the generated include file: PGM_CONFORMANCE_EXE, PGM_NETWORKS, PGM_NETWORKS_SHOWN,
# PGM_CONFORMANCE_ROWS, PGM_CONFORMANCE_TABLE, PGM_CONFORMANCE_TABLE_SHOWN, PGM_CMAKE, PGM_SCRIPTS.

set(_uai "")
set(_bif "")
if(IS_DIRECTORY "${PGM_NETWORKS}")
  file(GLOB _uai LIST_DIRECTORIES false RELATIVE "${PGM_NETWORKS}/uai" "${PGM_NETWORKS}/uai/*.uai")
  file(GLOB _bif LIST_DIRECTORIES false RELATIVE "${PGM_NETWORKS}/bif" "${PGM_NETWORKS}/bif/*.bif")
  list(SORT _uai)
  list(SORT _bif)
endif()
list(LENGTH _uai _nuai)
list(LENGTH _bif _nbif)

if(NOT IS_DIRECTORY "${PGM_NETWORKS}")
  set(_summary "conformance: ${PGM_NETWORKS_SHOWN} not found, no networks to check (tests that read shared files skip)")
elseif(_nuai EQUAL 0 AND _nbif EQUAL 0)
  set(_summary "conformance: no .uai or .bif files in ${PGM_NETWORKS_SHOWN}, no networks to check")
else()
  set(_i "instances")
  set(_n "networks")
  if(_nuai EQUAL 1)
    set(_i "instance")
  endif()
  if(_nbif EQUAL 1)
    set(_n "network")
  endif()
  set(_summary "conformance: found ${_nuai} UAI ${_i}, ${_nbif} BIF ${_n} in ${PGM_NETWORKS_SHOWN}")
endif()
# Deliberately unlabelled: it runs with `-LE conformance` too, so every run says what was found.
add_test("${_summary}" "${PGM_CMAKE}" "-DNETWORKS=${PGM_NETWORKS}" "-DSHOWN=${PGM_NETWORKS_SHOWN}"
         "-DROWS=${PGM_CONFORMANCE_ROWS}" "-DTABLE=${PGM_CONFORMANCE_TABLE}" -P "${PGM_SCRIPTS}/found.cmake")
set_tests_properties("${_summary}" PROPERTIES FIXTURES_SETUP pgm_conformance
                     SKIP_REGULAR_EXPRESSION "conformance skipped:")

# gtest names allow only [A-Za-z0-9_]; conformance_test.cpp maps file names the same way.
foreach(_format uai bif)
  if(_format STREQUAL "uai")
    set(_filter "Uai2014/UaiConformance.*/")
    set(_files ${_uai})
  else()
    set(_filter "Bnlearn/BifConformance.*/")
    set(_files ${_bif})
  endif()
  foreach(_file IN LISTS _files)
    string(REGEX REPLACE "\\.${_format}$" "" _stem "${_file}")
    string(REGEX REPLACE "[^A-Za-z0-9]" "_" _id "${_stem}")
    set(_name "conformance.${_format}.${_stem}")
    add_test("${_name}" "${PGM_CONFORMANCE_EXE}" "--gtest_filter=${_filter}${_id}" "--gtest_color=no")
    # A filter that matched nothing would pass with zero checks.
    set_tests_properties("${_name}" PROPERTIES LABELS conformance TIMEOUT 900 FIXTURES_REQUIRED pgm_conformance
                         ENVIRONMENT "PGM_CONFORMANCE_ROWS=${PGM_CONFORMANCE_ROWS}"
                         FAIL_REGULAR_EXPRESSION "Running 0 tests from 0 test suites")
  endforeach()
endforeach()

if(_nuai EQUAL 0 AND _nbif EQUAL 0)
  return()
endif()
set(_table "conformance: table of results in ${PGM_CONFORMANCE_TABLE_SHOWN}")
add_test("${_table}" "${PGM_CMAKE}" "-DNETWORKS=${PGM_NETWORKS}" "-DROWS=${PGM_CONFORMANCE_ROWS}"
         "-DTABLE=${PGM_CONFORMANCE_TABLE}" -P "${PGM_SCRIPTS}/table.cmake")
set_tests_properties("${_table}" PROPERTIES LABELS conformance FIXTURES_CLEANUP pgm_conformance)
