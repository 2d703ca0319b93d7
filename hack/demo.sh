#!/usr/bin/env bash
# Runs the operator end to end on a local control plane and the SSL API simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
assets=$(hack/setup-envtest.sh)
export KUBEBUILDER_ASSETS=$assets
exec go run ./test/e2e/cmd/demo "$@"
