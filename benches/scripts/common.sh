# Sourced by the scripts beside it, after `set -euo pipefail`:
#
#   HERE, ROOT    this folder and the checkout
#   usage N       prints the calling script's header (its lines 2 to N,
#                 without "# ") to stderr, and exits 2
#   release_bin   builds this checkout's release binary and sets BIN to
#                 it, unless BIN is set (another build, to compare)
#   scratch       makes a folder, OUT, removed when the script exits
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

usage() {
  sed -n "2,${1}p" "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

release_bin() {
  if [ -z "${BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release --locked --quiet)
    BIN=$ROOT/target/release/rehash
  fi
}

scratch() {
  OUT=$(mktemp -d)
  trap 'rm -rf "$OUT"' EXIT
}
