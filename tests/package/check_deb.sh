#!/usr/bin/env bash
# The Debian package works once installed (ctest `package_deb`, label `package`): build it with
# CPack from a built tree, unpack it into a scratch root without root rights (dpkg-deb -x), then
#   - the listing has the library, headers, CMake package config, binary and Python package;
#   - root/usr/bin/pgm --version names this version, and a query gives the hand-derived answer;
#   - Debian's python3 imports pgm from root/usr/lib/python3/dist-packages (not from the build);
#   - tests/find_package configures, builds and runs against root/usr (find_package(pgm)).
# The library is static, so the binary and the module need no LD_LIBRARY_PATH.
#
# Usage: check_deb.sh BUILD_DIR WORK_DIR REPO_ROOT VERSION [--no-python]
set -euo pipefail
build=$(realpath "$1") work=$2 repo=$(realpath "$3") version=$4 python=${5:-}
fail() { echo "package_deb: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work" && work=$(realpath "$work")
"${CPACK_COMMAND:-cpack}" --config "$build/CPackConfig.cmake" -B "$work/cpack" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
shopt -s nullglob
debs=("$work"/cpack/*.deb)
[[ ${#debs[@]} -eq 1 ]] || fail "expected one .deb in $work/cpack, found ${#debs[@]}"
deb=${debs[0]}
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"
dpkg-deb -f "$deb" Package Version Architecture Depends

listing=$(dpkg-deb -c "$deb" | awk '{print $NF}')
want=(./usr/bin/pgm ./usr/lib/libpgm.a ./usr/include/pgm/pgm.hpp ./usr/include/pgm/query.hpp
      ./usr/lib/cmake/pgm/pgmConfig.cmake ./usr/lib/cmake/pgm/pgmConfigVersion.cmake ./usr/lib/cmake/pgm/pgmTargets.cmake)
[[ $python == --no-python ]] || want+=(./usr/lib/python3/dist-packages/pgm/__init__.py)
for f in "${want[@]}"; do
  grep -qxF "$f" <<<"$listing" || fail "$f is not in the package"
done
if [[ $python != --no-python ]]; then
  grep -qx '\./usr/lib/python3/dist-packages/pgm/_pgm\.cpython-.*\.so' <<<"$listing" || fail "no extension module in the package"
fi

root=$work/root
dpkg-deb -x "$deb" "$root"
got=$("$root/usr/bin/pgm" --version)
[[ $got == "pgm $version" ]] || fail "root/usr/bin/pgm --version printed '$got', want 'pgm $version'"
echo "$got"
# By hand: P(WetGrass=wet) = 0.6 * 0.7 + 0.4 * 0.69875 = 0.6995 (README.md, "The command line").
first=$(cd "$repo" && "$root/usr/bin/pgm" query models/sprinkler.yaml Rain --given WetGrass=wet | head -n 1)
[[ $first == "P(Rain | WetGrass=wet)   P(e) = 0.6995" ]] || fail "the installed pgm answered '$first'"

if [[ $python != --no-python ]]; then
  # Only the unpacked root on the path (-s: no user site-packages); run away from the build tree.
  (cd "$work" && PYTHONPATH="$root/usr/lib/python3/dist-packages" /usr/bin/python3 -s - "$root" "$repo" <<'PY'
import sys
root, repo = sys.argv[1], sys.argv[2]
import pgm
assert pgm.__file__.startswith(root + "/usr/lib/python3/dist-packages/pgm/"), pgm.__file__
m = pgm.load(repo + "/models/sprinkler.yaml")
p = m.marginals(evidence={"WetGrass": "wet"})["Rain"]["yes"]
# By hand: P(Rain=yes, wet) = 0.6 * 0.664 + 0.4 * 0.09125 = 0.4349, P(wet) = 0.6995.
assert abs(p - 0.4349 / 0.6995) < 1e-12, p
print(f"import pgm: {pgm.__file__} (version {pgm.__version__}), P(Rain=yes | wet) = {p:.6f}")
PY
  ) || fail "the installed Python package does not work"
fi

cmake -S "$repo/tests/find_package" -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$root/usr" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/consumer.log" 2>&1 || { cat "$work/consumer.log"; fail "find_package(pgm) against the package failed"; }
cmake --build "$work/consumer" >>"$work/consumer.log" 2>&1 || { cat "$work/consumer.log"; fail "building the consumer against the package failed"; }
grep -q "pgm_DIR:PATH=$root/usr/lib/cmake/pgm" "$work/consumer/CMakeCache.txt" || fail "the consumer found another pgm: $(grep pgm_DIR "$work/consumer/CMakeCache.txt")"
"$work/consumer/consumer" "$repo/models/sprinkler.yaml" || fail "the consumer built against the package gave a wrong answer"
echo "package_deb: $(basename "$deb") installs and works from a scratch root"
