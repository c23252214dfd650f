#!/usr/bin/env bash
# Refresh the vendored front-end libraries from the npm registry.
#
# Nothing is loaded from a CDN at run time (strict CSP): the dist files are committed here.
# Versions are pinned and every tarball is checked against its registry integrity (sha512).
# To upgrade: change VERSION and INTEGRITY below (`npm view <pkg>@<version> dist.integrity`),
# run this script, check the diff, update VERSIONS.md, commit.
#
# Source maps are not vendored; their `sourceMappingURL` comments are stripped, otherwise the
# manifest static storage (whitenoise) fails collectstatic on the missing .map files.
#
# Usage: static/vendor/update.sh   (needs npm, tar, sha512sum/openssl, base64)
set -euo pipefail

VENDOR_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# name  version  integrity
PACKAGES=(
  "bootstrap        5.3.9   sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
  "bootstrap-icons  1.13.2  sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A=="
  "htmx.org         2.0.11  sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
  "chart.js         4.6.1   sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g=="
  "d3-array         3.2.5   sha512-Th8qGXoBalmWsstpkuhmBuTsBQIFqYOJtjlBvNVvBfJ8E3uYusBUwUR8HU20U0qKKQkgCvKyR1YjiozWadk5QA=="
  "d3-geo           3.1.2   sha512-5R8ZgDQorIxmauv7R6gpE/ndz+Z0qAZssigq0aXFdvPHdY41RqtW02jrRUQAL724NdPABYXo1+gQEGBBr7uKNg=="
)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fetch() {  # fetch <name> <version> <integrity>  -> unpacks into $WORK/<name>/package
  local name="$1" version="$2" integrity="$3" tgz actual
  mkdir -p "$WORK/$name"
  tgz="$(cd "$WORK/$name" && npm pack --silent "$name@$version" | tail -n 1)"
  actual="sha512-$(openssl dgst -sha512 -binary "$WORK/$name/$tgz" | base64 | tr -d '\n')"
  if [[ "$actual" != "$integrity" ]]; then
    echo "integrity mismatch for $name@$version: $actual" >&2
    exit 1
  fi
  tar -xzf "$WORK/$name/$tgz" -C "$WORK/$name"
}

strip_sourcemap() {  # drop the trailing sourceMappingURL comment of a css/js file
  sed -i -E '/^\/[*\/]# sourceMappingURL=.*$/d' "$1"
}

install_file() {  # install_file <src> <dest>
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2"
  case "$2" in *.css | *.js) strip_sourcemap "$2" ;; esac
}

for line in "${PACKAGES[@]}"; do
  # shellcheck disable=SC2086
  set -- $line
  fetch "$1" "$2" "$3"
done

# Start from a clean slate for the managed directories (keeps update.sh and VERSIONS.md).
rm -rf "$VENDOR_DIR/bootstrap" "$VENDOR_DIR/bootstrap-icons" "$VENDOR_DIR/htmx" "$VENDOR_DIR/chartjs" "$VENDOR_DIR/d3"

P="$WORK/bootstrap/package"
install_file "$P/dist/css/bootstrap.min.css" "$VENDOR_DIR/bootstrap/css/bootstrap.min.css"
install_file "$P/dist/js/bootstrap.bundle.min.js" "$VENDOR_DIR/bootstrap/js/bootstrap.bundle.min.js"
install_file "$P/LICENSE" "$VENDOR_DIR/bootstrap/LICENSE"

P="$WORK/bootstrap-icons/package"
install_file "$P/font/bootstrap-icons.min.css" "$VENDOR_DIR/bootstrap-icons/bootstrap-icons.min.css"
install_file "$P/font/fonts/bootstrap-icons.woff" "$VENDOR_DIR/bootstrap-icons/fonts/bootstrap-icons.woff"
install_file "$P/font/fonts/bootstrap-icons.woff2" "$VENDOR_DIR/bootstrap-icons/fonts/bootstrap-icons.woff2"
install_file "$P/LICENSE" "$VENDOR_DIR/bootstrap-icons/LICENSE"

P="$WORK/htmx.org/package"
install_file "$P/dist/htmx.min.js" "$VENDOR_DIR/htmx/htmx.min.js"
install_file "$P/LICENSE" "$VENDOR_DIR/htmx/LICENSE"

P="$WORK/chart.js/package"
install_file "$P/dist/chart.umd.min.js" "$VENDOR_DIR/chartjs/chart.umd.min.js"
install_file "$P/LICENSE.md" "$VENDOR_DIR/chartjs/LICENSE.md"

# d3-geo (UMD) needs the d3 global of d3-array: load d3-array.min.js first (the HVT map).
P="$WORK/d3-array/package"
install_file "$P/dist/d3-array.min.js" "$VENDOR_DIR/d3/d3-array.min.js"
install_file "$P/LICENSE" "$VENDOR_DIR/d3/LICENSE-d3-array"
P="$WORK/d3-geo/package"
install_file "$P/dist/d3-geo.min.js" "$VENDOR_DIR/d3/d3-geo.min.js"
install_file "$P/LICENSE" "$VENDOR_DIR/d3/LICENSE-d3-geo"

echo "Vendored into $VENDOR_DIR:"
(cd "$VENDOR_DIR" && find bootstrap bootstrap-icons htmx chartjs d3 -type f | sort)
