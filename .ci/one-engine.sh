#!/usr/bin/env bash
# The build script and the binary share one compiled engine (feature-pins/Cargo.toml).
# Cargo reports every unit of a build, fresh or not; the engine and tantivy must each
# appear once, in the build that `cargo run` makes and in the one `cargo test` makes.
# Fails when a dependency change brings a second copy back, which would make every
# clean build several minutes slower.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
for build in "build" "test --no-run"; do
    # shellcheck disable=SC2086 # the subcommand and its flag are two words
    units=$(cargo $build --locked --quiet --message-format=json |
        grep '"reason":"compiler-artifact"' | grep '"kind":\["lib"\]' | grep '"test":false}')
    for crate in werkbank_engine tantivy; do
        copies=$(grep -c "\"name\":\"$crate\"" <<<"$units" || true)
        if [[ $copies -ne 1 ]]; then
            echo "cargo $build compiles $crate $copies times (once expected):" \
                "see feature-pins/Cargo.toml" >&2
            status=1
        else
            echo "cargo $build: $crate once"
        fi
    done
done
exit $status
