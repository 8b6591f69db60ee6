#!/usr/bin/env bash
# Renders krew/.krew.yaml into a krew manifest, as krew-release-bot would, from local archives:
#
#   krew/render-manifest.sh TAG ARCHIVE...
#
# {{ .TagName }} becomes TAG; each platform whose archive (by file name) is given gets its
# `uri` and the archive's `sha256`; platforms without an archive are left out. With one
# archive this is a manifest for `kubectl krew install --manifest=M --archive=A`; with all
# five release archives it is the plugin.yaml to submit.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
template="$root/krew/.krew.yaml"

if [ $# -lt 2 ]; then
  echo "usage: $0 TAG ARCHIVE..." >&2
  exit 2
fi
tag="$1"
shift

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

# "name=sha;name=sha" for awk.
checksums=""
for archive in "$@"; do
  [ -f "$archive" ] || { echo "error: no archive at $archive" >&2; exit 1; }
  checksums="$checksums$(basename "$archive")=$(sha256_of "$archive");"
done

# Drop the template's own comments, fill the tag, then keep and complete the platforms.
grep -v '^#' "$template" | sed "s/{{ *\.TagName *}}/$tag/g" | awk -v checksums="$checksums" '
  BEGIN {
    n = split(checksums, pairs, ";")
    for (i = 1; i <= n; i++) {
      if (pairs[i] == "") continue
      split(pairs[i], kv, "=")
      sha[kv[1]] = kv[2]
      wanted[kv[1]] = 1
    }
  }
  function flush() {
    if (keep) printf "%s", block
    block = ""
    keep = 0
  }
  /^  platforms:/ { print; in_platforms = 1; next }
  in_platforms && /^  - / { flush() }
  in_platforms && (/^[^ ]/ || /^  [^ -]/) { flush(); in_platforms = 0 }
  in_platforms && /addURIAndSha/ {
    rest = substr($0, index($0, "\"") + 1)
    url = substr(rest, 1, index(rest, "\"") - 1)
    indent = substr($0, 1, match($0, /[^ ]/) - 1)
    name = url
    sub(/.*\//, "", name)
    if (name in sha) {
      keep = 1
      delete wanted[name]
      block = block indent "uri: " url "\n" indent "sha256: " sha[name] "\n"
    }
    next
  }
  in_platforms { block = block $0 "\n"; next }
  { print }
  END {
    flush()
    for (name in wanted) {
      print "error: no platform in the template has the archive " name > "/dev/stderr"
      failed = 1
    }
    exit failed
  }
'
