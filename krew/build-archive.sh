#!/usr/bin/env bash
# Builds the release archive of kubectl-sandbox for one target and a krew manifest for it.
#
#   krew/build-archive.sh [--target TRIPLE] [--binary PATH] [--out DIR]
#
# --target  Rust target triple (default: this machine's). Another target must be installed
#           (`rustup target add TRIPLE`) with a linker for it; this script downloads nothing.
# --binary  pack this already-built executable instead of running `cargo build --release`.
# --out     where the archive and manifest go (default: dist/).
#
# Writes kubectl-sandbox_vX.Y.Z_OS_ARCH.tar.gz (.zip for Windows) holding the executable,
# LICENSE and man/*.1, prints its sha256, and renders OUT/sandbox.yaml for
#   kubectl krew install --manifest=OUT/sandbox.yaml --archive=OUT/ARCHIVE
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
host="$(rustc -vV | sed -n 's/^host: //p')"
target="$host"
binary=""
out="$root/dist"

usage() { sed -n '2,15s/^# \{0,1\}//p' "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

case "$target" in
  x86_64-unknown-linux-gnu | x86_64-unknown-linux-musl) os=linux arch=amd64 ;;
  aarch64-unknown-linux-gnu | aarch64-unknown-linux-musl) os=linux arch=arm64 ;;
  x86_64-apple-darwin) os=darwin arch=amd64 ;;
  aarch64-apple-darwin) os=darwin arch=arm64 ;;
  x86_64-pc-windows-msvc | x86_64-pc-windows-gnu) os=windows arch=amd64 ;;
  *) echo "error: $target is not one of the plugin's krew platforms" >&2; exit 2 ;;
esac

executable=kubectl-sandbox
format=tar.gz
if [ "$os" = windows ]; then
  executable=kubectl-sandbox.exe
  format=zip
  command -v zip >/dev/null 2>&1 || { echo "error: packing for Windows needs zip" >&2; exit 1; }
fi

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)"
tag="v$version"

if [ -z "$binary" ]; then
  if [ "$target" != "$host" ] && ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    cat >&2 <<MSG
error: the Rust target $target is not installed.
Cross-compiling needs the target's standard library (rustup target add $target) and a
linker for it (a cross toolchain, or cargo-zigbuild / cross); this script downloads nothing.
Build the binary yourself and pass it with --binary PATH, or run this on a $os/$arch machine.
MSG
    exit 1
  fi
  cargo build --release --locked --manifest-path "$root/Cargo.toml" --target "$target" --bin kubectl-sandbox
  binary="$root/target/$target/release/$executable"
fi
[ -f "$binary" ] || { echo "error: no executable at $binary" >&2; exit 1; }

mkdir -p "$out"
out="$(cd "$out" && pwd)"
archive="$out/kubectl-sandbox_${tag}_${os}_${arch}.$format"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$binary" "$stage/$executable"
chmod 755 "$stage/$executable"
cp "$root/LICENSE" "$stage/LICENSE"
mkdir "$stage/man"
cp "$root"/man/*.1 "$stage/man/"

rm -f "$archive"
if [ "$format" = zip ]; then
  (cd "$stage" && zip -qr "$archive" "$executable" LICENSE man)
else
  tar -czf "$archive" -C "$stage" "$executable" LICENSE man
fi

"$root/krew/render-manifest.sh" "$tag" "$archive" > "$out/sandbox.yaml"

sha="$(sed -n 's/^ *sha256: //p' "$out/sandbox.yaml")"
echo "archive:  $archive"
echo "sha256:   $sha"
echo "manifest: $out/sandbox.yaml"
echo "install:  kubectl krew install --manifest=$out/sandbox.yaml --archive=$archive"
