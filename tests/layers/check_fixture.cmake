# The layers checker can fail: run it on tests/layers/fixture, a tree with exactly four
# violations, and require a non-zero exit naming each of them at its file and line (and nothing
# about the allowed includes in fixture/lib/io/ok.cpp and the first line of engine.hpp).
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${FIXTURE} -DLAYERS=${LAYERS} -P ${CHECKER}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(out "${out}${err}")
string(REGEX REPLACE "[ \t]*\n[ \t]*" " " flat "${out}")
if(rc EQUAL 0)
  message(FATAL_ERROR "the layers check passed a tree with back-edges:\n${out}")
endif()
foreach(expected
    "4 violation\\(s\\)"
    "include/pgm/inference/engine.hpp:5: layer inference includes pgm/independence/structure.hpp of layer independence"
    "lib/gaussian/beside.cpp:3: layer gaussian includes pgm/model/network.hpp of layer model, but gaussian may use only gaussian, graph, core"
    "lib/gaussian/beside.cpp:4: layer gaussian includes io/detail/cursor.hpp of layer io"
    "lib/gaussian/beside.cpp:5: includes pgm/inference/missing.hpp, which is not a header")
  if(NOT flat MATCHES "${expected}")
    message(FATAL_ERROR "the layers check did not report /${expected}/; it printed:\n${out}")
  endif()
endforeach()
message("layers checker: reported the fixture's four violations")
