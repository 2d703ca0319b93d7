#!/usr/bin/env bash
# Builds kube-apiserver and etcd for envtest from source through the Go module proxy, so that
# no other download host is needed, and prints the assets directory.
# Everything but the final path goes to stderr. A second run with the binaries in place
# returns immediately.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
K8S_VERSION=${K8S_VERSION:-v1.37.2}
LOCALBIN=${LOCALBIN:-$root/bin}
goos=$(go env GOOS)
goarch=$(go env GOARCH)
dir="$LOCALBIN/k8s/${K8S_VERSION#v}-$goos-$goarch"

log() { echo "setup-envtest: $*" >&2; }

if [[ -x $dir/kube-apiserver && -x $dir/etcd ]] &&
  "$dir/kube-apiserver" --version 2>/dev/null | grep -qx "Kubernetes $K8S_VERSION"; then
  echo "$dir"
  exit 0
fi

minor=$(echo "$K8S_VERSION" | cut -d. -f2)
staging="v0.${K8S_VERSION#v1.}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dir"
export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0

log "building kube-apiserver $K8S_VERSION into $dir (first run only, about 10 minutes on 2 cores)"
cd "$work"
go mod init example.invalid/envtest-assets >/dev/null 2>&1
kgomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
go mod edit -require="k8s.io/kubernetes@$K8S_VERSION"
for m in $(sed -n '/^replace (/,/^)/p' "$kgomod" | awk '/=> \.\/staging/ {print $1}'); do
  go mod edit -replace="$m=$m@$staging"
done
go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" >&2

ld="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ld="$ld -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done
go build -trimpath -ldflags "$ld" -o "$dir/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
mv "$dir/kube-apiserver.tmp" "$dir/kube-apiserver"

etcd_version=$(awk '$1 == "go.etcd.io/etcd/server/v3" {print $2; exit}' "$kgomod")
log "building etcd $etcd_version (the version Kubernetes $K8S_VERSION pins)"
mkdir "$work/etcd" && cd "$work/etcd"
go mod init example.invalid/etcd >/dev/null 2>&1
go get "go.etcd.io/etcd/server/v3@$etcd_version" >&2
go build -trimpath -ldflags '-s -w' -o "$dir/etcd.tmp" go.etcd.io/etcd/server/v3
mv "$dir/etcd.tmp" "$dir/etcd"

log "done: $("$dir/kube-apiserver" --version), $("$dir/etcd" --version | head -1)"
echo "$dir"
