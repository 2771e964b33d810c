#!/usr/bin/env bash
# Runs rehash beside the peers of ../shared/bench in one sitting, through
# that harness unchanged: copies it to a scratch folder, adds
# benches/scripts/peers/rehash_peer.py, and runs run_peers.sh there.
#
#   benches/scripts/compare-peers.sh [SIZE] [REPS] [PEER ...]     (default: 10k 3 rehash gaoya)
#
# Needs ../shared/bench (not part of a user's clone) and its peer venv
# (bench/setup_peers.sh). Corpora and results go to $DATA (default /tmp/bench).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
SIZE=${1:-10k}
REPS=${2:-3}
shift $(( $# < 2 ? $# : 2 ))
PEERS=("$@")
[ ${#PEERS[@]} -eq 0 ] && PEERS=(rehash gaoya)
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
cp -r "$SHARED"/. "$SCRATCH"/
chmod -R u+w "$SCRATCH"
cp "$HERE/peers/rehash_peer.py" "$SCRATCH/peers/"
(cd "$ROOT" && cargo build --release --locked --quiet)
export REHASH_BIN=${REHASH_BIN:-$ROOT/target/release/rehash}
bash "$SCRATCH/run_peers.sh" "$SIZE" "$REPS" "${PEERS[@]}"
