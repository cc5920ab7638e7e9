#!/usr/bin/env bash
# Builds the gophernotes Jupyter kernel for this checkout and installs its
# kernel spec for the current user (`make gophernotes`; examples/notebooks/README.md).
#
# Why a build of our own: gophernotes v0.7.5, the newest release, dies at
# start-up on Go ≥ 1.22 (its interpreter, gomacro, cannot convert the generic
# types of the standard library). A newer gomacro and golang.org/x/tools fix
# that; this script builds gophernotes v0.7.5 against them, with the one fix
# of gophernotes master (commit 1a743ef, in 5514204) those need: the JSONer
# proxy's method now returns map[string]interface{}. The kernel runs with
# GODEBUG gotypesalias=0, since gomacro does not know *types.Alias.
#
# Why per checkout: the kernel imports this module's packages (and gonum/plot)
# by compiling them into a Go plugin, and Go loads a plugin only if every
# package it shares with the kernel is the very same version. The plugin gets
# the versions of this module's go.mod, so the kernel is built with every
# module of that go.mod replaced by exactly that version (mattn/go-runewidth,
# rivo/uniseg and golang.org/x/text are the ones the kernel uses too).
#
# Needs only Go and the module proxy. Idempotent: when the kernel of this
# script, go.mod and Go version is already installed it checks that and stops
# (well under a second). Environment: GO (default go), FBP_GOPHERNOTES_DIR
# (build and binary, default ~/.cache/fbp/gophernotes), JUPYTER_DATA_DIR
# (default ~/.local/share/jupyter; the spec goes to kernels/gophernotes).
set -euo pipefail

gophernotes_version=v0.7.5
gomacro_version=v0.0.0-20240506194242-2ff796e3da10
tools_version=v0.36.0
zmq4_version=v0.15.0 # as in gophernotes master
uuid_version=v4.4.0+incompatible

root=$(cd "$(dirname "$0")/.." && pwd)
script="$root/scripts/gophernotes.sh"
GO=${GO:-go}
dir=${FBP_GOPHERNOTES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fbp/gophernotes}
spec=${JUPYTER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/jupyter}/kernels/gophernotes
bin="$dir/gophernotes"
export GOWORK=off GOTOOLCHAIN=local

# The plugins are built by `go get` + `go build` in a scratch module that
# replaces github.com/fbpgo/fbp by this checkout. `go get` asks the proxy for
# the newest version first; a proxy that refuses (403, as on our CI machines)
# must fall through to "off", which then takes the replacement. So the
# kernel's GOPROXY is the user's proxies joined by "|" (fall through on any
# error), then off; "direct" is dropped, as its errors do not fall through.
kernel_goproxy() {
  local out="" p
  for p in $("$GO" env GOPROXY | tr ',|' '  '); do
    case $p in direct | off) ;; *) out="$out$p|" ;; esac
  done
  echo "${out}off"
}

stamp=$( (cat "$script" "$root/go.mod"; "$GO" version; kernel_goproxy) | sha256sum | cut -d' ' -f1)
if [ -x "$bin" ] && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ] &&
  grep -qF "\"$bin\"" "$spec/kernel.json" 2>/dev/null; then
  echo "gophernotes: up to date ($bin, kernel spec $spec)"
  exit 0
fi

echo "gophernotes: building $gophernotes_version with gomacro $gomacro_version into $dir"
mkdir -p "$dir"
src=$(cd "$dir" && "$GO" mod download -json "github.com/gopherdata/gophernotes@$gophernotes_version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$src" ] || { echo "gophernotes: download of github.com/gopherdata/gophernotes@$gophernotes_version failed" >&2; exit 1; }
rm -rf "$dir/src"
cp -r "$src" "$dir/src"
chmod -R u+w "$dir/src"
cd "$dir/src"
rm -f go.sum Gopkg.lock Gopkg.toml
sed -i -e 's/^\tJSON_  func(interface{}) string$/\tJSON_  func(interface{}) map[string]interface{}/' \
  -e 's/^func (P \*proxy_JSONer) JSON() string {$/func (P *proxy_JSONer) JSON() map[string]interface{} {/' x_package.go
if [ "$(grep -c 'map\[string\]interface{}' x_package.go)" != 2 ]; then
  echo "gophernotes: patching x_package.go failed" >&2
  exit 1
fi

goversion=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$root/go.mod")
{
  printf 'module github.com/gopherdata/gophernotes\n\ngo %s\n\ngodebug gotypesalias=0\n\n' "$goversion"
  printf 'require (\n\tgithub.com/cosmos72/gomacro %s\n\tgithub.com/go-zeromq/zmq4 %s\n' "$gomacro_version" "$zmq4_version"
  printf '\tgithub.com/gofrs/uuid %s\n\tgolang.org/x/tools %s\n)\n\n' "$uuid_version" "$tools_version"
  # Every module of this checkout's go.mod, at exactly its version there.
  (cd "$root" && "$GO" mod graph) | awk 'NR == 1 { main = $1 }
    $1 == main && $2 !~ /^(go|toolchain)@/ { i = index($2, "@"); print "replace " substr($2, 1, i - 1) " => " substr($2, 1, i - 1) " " substr($2, i + 1) }'
} >go.mod
# go.sum: this checkout's, and the kernel's own modules. The checksum
# database behind our module proxy has no entry for the gomacro
# pseudo-version, so its hashes are pinned here.
cat "$root/go.sum" - >go.sum <<'SUM'
github.com/cosmos72/gomacro v0.0.0-20240506194242-2ff796e3da10 h1:27rWQXh4NyifreWT/M1K/DcVLCLHjR8BuWbin7M6sbg=
github.com/cosmos72/gomacro v0.0.0-20240506194242-2ff796e3da10/go.mod h1:5e35wR9cfXppxd99a3QlRkj0E5qVg2nSA8z5XG0biTc=
github.com/go-zeromq/zmq4 v0.15.0 h1:SLqukpmLTx0JsLaOaCCjwy5eBdfJ+ouJX/677HoFbJM=
github.com/go-zeromq/zmq4 v0.15.0/go.mod h1:sD47DcXifeUFsVTB2ps8ijqTpEuTAlYgfuLoiWEXdCE=
github.com/gofrs/uuid v4.4.0+incompatible h1:3qXRTX8/NbyulANqlc0lchS1gqAVxRgsuW1YrTJupqA=
github.com/gofrs/uuid v4.4.0+incompatible/go.mod h1:b2aQJv3Z4Fp6yNu3cdSllBxTCLRxnplIgP/c0N/04lM=
github.com/peterh/liner v1.2.2 h1:aJ4AOodmL+JxOZZEL2u9iJf8omNRpqHc/EbrK+3mAXw=
github.com/peterh/liner v1.2.2/go.mod h1:xFwJyiKIXJZUKItq5dGHZSTBRAuG/CpeNpWLyiNRNwI=
golang.org/x/mod v0.27.0 h1:kb+q2PyFnEADO2IEF935ehFUXlWiNjJWtRNgBLSfbxQ=
golang.org/x/mod v0.27.0/go.mod h1:rWI627Fq0DEoudcK+MBkNkCe0EetEaDSwJJkCcjpazc=
golang.org/x/sync v0.16.0 h1:ycBJEhp9p4vXvUZNszeOq0kGTPghopOL8q0fq3vstxw=
golang.org/x/sync v0.16.0/go.mod h1:1dzgHSNfp02xaA81J2MS99Qcpr2w7fw1gpm99rleRqA=
golang.org/x/tools v0.36.0 h1:kWS0uv/zsvHEle1LbV5LE8QujrxB3wfQyxHfhOk0Qkg=
golang.org/x/tools v0.36.0/go.mod h1:WBDiHKJK8YgLHlcQPYQzNCkUxUypCaa5ZegCVutKm+s=
SUM
GOFLAGS=-mod=mod "$GO" build -o "$bin.new" .
mv "$bin.new" "$bin"

mkdir -p "$spec"
cp kernel/logo-32x32.png kernel/logo-64x64.png "$spec/"
cat >"$spec/kernel.json" <<EOF
{
  "argv": ["$bin", "{connection_file}"],
  "display_name": "Go (gophernotes)",
  "language": "go",
  "env": {"GOPROXY": "$(kernel_goproxy)"}
}
EOF
echo "$stamp" >"$dir/stamp"
echo "gophernotes: installed $bin, kernel spec $spec/kernel.json"
