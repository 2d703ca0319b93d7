#!/usr/bin/env bash
# Copies the generated CRDs from config/crd/bases into the Helm chart as templates: wrapped in
# crds.enabled, labelled like the rest of the release, and annotated helm.sh/resource-policy:
# keep when crds.keep is set. `make manifests` runs it after controller-gen. An optional
# argument writes the templates to another directory, which the packaging tests use to check
# that the chart's copies are current.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/charts/tencent-cert-operator/templates/crds}
mkdir -p "$out"
rm -f "$out"/*.yaml
tmp=
trap 'rm -f "$tmp"' EXIT

for src in "$root"/config/crd/bases/*.yaml; do
  name=$(basename "$src")
  tmp=$(mktemp "$out/.$name.XXXXXX")
  {
    echo "{{- /* Generated from config/crd/bases/$name by hack/sync-chart-crds.sh: do not edit. */ -}}"
    echo '{{- if .Values.crds.enabled }}'
    # Escape "{{" in the schema's descriptions so Helm prints it literally.
    awk -v file="$name" '
      !labelled && $0 == "metadata:" {
        print
        print "  labels:"
        print "    {{- include \"tencent-cert-operator.labels\" . | nindent 4 }}"
        labelled = 1; inmeta = 1; next
      }
      inmeta && $0 == "  annotations:" {
        print
        print "    {{- if .Values.crds.keep }}"
        print "    helm.sh/resource-policy: keep"
        print "    {{- end }}"
        annotated = 1; inmeta = 0; next
      }
      inmeta && $0 !~ /^  / { inmeta = 0 }
      { gsub(/\{\{/, "{{ \"{{\" }}"); print }
      END {
        if (!annotated) { print file ": metadata.annotations not found" > "/dev/stderr"; exit 1 }
      }
    ' "$src"
    echo '{{- end }}'
  } >"$tmp"
  mv "$tmp" "$out/$name"
done
