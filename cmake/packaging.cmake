# A Debian package of everything `cmake --install` installs: the static library, its headers and
# CMake package config, the pgm binary and the Python package pgm. From a built tree:
#   cpack --config build/CPackConfig.cmake -B DIR      ->  DIR/pgm_<version>_<arch>.deb
# tests/package/check_deb.sh builds it and checks it from a scratch root (ctest label `package`).
#
# One package, not Debian's usual split into libpgm-dev / pgm / python3-pgm: the library is static,
# so the binary and the Python module need nothing of it at run time; the C++ development packages
# that find_package(pgm) pulls in are recommended, not required, for command-line and Python users.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pgm)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "pgm answers exact queries on discrete Bayesian and Markov networks and on \
Gaussian and linear-Gaussian models (YAML, BIF, XMLBIF, UAI). This package holds the pgm command \
line, the Python 3 package pgm, and the static C++ library with its headers and CMake package config \
(find_package(pgm)).")
set(CPACK_PACKAGE_CONTACT "pgm maintainers <pgm@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # pgm_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# Run-time libraries of the binary and the extension module (libyaml-cpp, libpugixml, OpenBLAS,
# libstdc++), read from the files by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libeigen3-dev, libboost-dev, libyaml-cpp-dev, libpugixml-dev, libgraphviz-dev")

if(PGM_BUILD_PYTHON)
  # The extension is built for one interpreter (_pgm.cpython-3XY-<arch>.so): depend on that version.
  get_directory_property(_pgm_py_major DIRECTORY python DEFINITION Python3_VERSION_MAJOR)
  get_directory_property(_pgm_py_minor DIRECTORY python DEFINITION Python3_VERSION_MINOR)
  math(EXPR _pgm_py_next "${_pgm_py_minor} + 1")
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "python3 (>= ${_pgm_py_major}.${_pgm_py_minor}~), python3 (<< ${_pgm_py_major}.${_pgm_py_next}), python3-numpy")
  # pgm.dask (imported only on use) needs Dask.
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-dask, python3-distributed, python3-pandas")
  # The install rules put the package where Debian's python3 reads it under the build's own prefix
  # (/usr/local: lib/python3.X/dist-packages). A .deb installs under /usr, where Debian's place for
  # python3 packages is /usr/lib/python3/dist-packages: move it there in the staging tree.
  set(PGM_DEB_PYTHON_DIR lib/python3/dist-packages)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/deb_python_dir.cmake.in ${PROJECT_BINARY_DIR}/deb_python_dir.cmake @ONLY)
  set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_BINARY_DIR}/deb_python_dir.cmake)
endif()

include(CPack)
