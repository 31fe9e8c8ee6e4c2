#!/usr/bin/env bash
# Installs pgm's build dependencies from Debian packages (idempotent; uses sudo when not root).
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config libboost-graph-dev libeigen3-dev libyaml-cpp-dev libgtest-dev
          libgmock-dev libcli11-dev nlohmann-json3-dev libbenchmark-dev libpugixml-dev
          libopenblas-dev pybind11-dev python3-dev python3-pytest
          python3 python3-numpy python3-scipy  # python3: the Python package and its tests, tests/readme, benchmarks
          python3-dask python3-distributed python3-pandas  # pgm.dask and its test on a LocalCluster
          libgraphviz-dev  # pgm render: Graphviz's cgraph + gvc, used in-process
          libcpp-httplib-dev python3-yaml  # pgm serve's HTTP server; tests/serve reads the YAML models
          chromium nodejs  # tests/browser: the page in headless Chromium (playwright-core comes from npm ci)
          dpkg-dev)  # dpkg-shlibdeps: the Depends of the .deb that CPack builds (tests/package)
# --fuzz: also clang and its libFuzzer runtime, for fuzz/run.sh (CI).
[ "${1:-}" = "--fuzz" ] && packages+=(clang libclang-rt-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm: Debian's own package, unless a nodejs that bundles it (NodeSource's) is there already.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
