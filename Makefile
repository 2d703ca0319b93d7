# tencent-cert-operator

# Recipes use bash, so that a pipe fails when its first command does.
SHELL := bash

IMG ?= ghcr.io/certsync/tencent-cert-operator:latest
LOCALBIN ?= $(shell pwd)/bin
export PATH := $(LOCALBIN):$(PATH)

CONTROLLER_TOOLS_VERSION ?= v0.23.0
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen
DEADCODE_VERSION ?= v0.52.0
DEADCODE ?= $(LOCALBIN)/deadcode

GO_TEST_FLAGS ?= -count=1 -timeout=30m

.PHONY: all
all: build

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*?##/ { printf "  %-18s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

##@ Development

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate deepcopy code.
	$(CONTROLLER_GEN) object paths="./api/..."

# Annotation sync is opt-in and needs create and delete, so its role is generated separately; so
# is the permission to write ingress Secrets, which is granted apart from reading Secrets.
.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## Generate CRDs and RBAC.
	$(CONTROLLER_GEN) crd rbac:roleName=manager-role paths="./api/...;./internal/controller;./internal/controller/tencentcertificate/...;./internal/controller/certificatedeployment/...;./internal/controller/huaweiapigcertificate/..." \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac
	$(CONTROLLER_GEN) rbac:roleName=secretsync-role paths="./internal/controller/secretsync/..." \
		output:rbac:artifacts:config=config/rbac/secretsync
	$(CONTROLLER_GEN) rbac:roleName=ingress-secret-writer-role paths="./internal/rbac/ingresssecrets" \
		output:rbac:artifacts:config=config/rbac/ingresssecrets
	hack/sync-chart-crds.sh

.PHONY: fmt
fmt: ## Run gofmt and fail when a file is not formatted.
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null; git ls-files --others --exclude-standard '*.go' 2>/dev/null)); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

# Non-test code must be reachable from a main package (the manager, the demo, the simulators'
# commands) without tests as roots: a function that only tests call is dead, however well
# tested. Test-support packages (test/, argocd/, internal/testenv, internal/testcerts,
# internal/steptest, internal/tencentcloud/fake) exist for tests, so for them tests count as
# roots too (deadcode -test). hack/deadcode.sh runs both.
.PHONY: deadcode
deadcode: $(DEADCODE) ## Fail when code is unreachable.
	DEADCODE=$(DEADCODE) hack/deadcode.sh

.PHONY: verify-generated
verify-generated: generate manifests ## Fail when generated code or manifests are stale.
	@git diff --exit-code -- api config/crd config/rbac || \
		{ echo "Generated files are stale: run 'make generate manifests' and commit the result."; exit 1; }

.PHONY: envtest
envtest: ## Build the kube-apiserver and etcd binaries for tests (first run takes minutes).
	@hack/setup-envtest.sh >/dev/null

.PHONY: test
test: verify-generated fmt vet deadcode helm kustomize ## Check generated files, vet and dead code, and run all tests against a real control plane.
	KUBEBUILDER_ASSETS="$$(hack/setup-envtest.sh)" go test $(GO_TEST_FLAGS) ./...

.PHONY: soak
soak: ## Run the fault-storm soak (200 certificates and 200 deployments) and print its figures.
	set -o pipefail; KUBEBUILDER_ASSETS="$$(hack/setup-envtest.sh)" go test -tags soak -count=1 -timeout 40m -run TestSoak -v ./test/soak/ | grep --line-buffered -E '^(SOAK|--- |ok|FAIL)'

# The scale benchmark (docs/performance.md): envtest, the simulator at the documented rate limits
# with 150ms±50ms latency, and the manager binary as a separate process. About 12 minutes on
# 2 cores. BENCH_ARGS passes flags, such as BENCH_ARGS='-work-dir /tmp/bench' to keep profiles.
.PHONY: bench
bench: ## Run the scale benchmark and print its BENCH figures.
	KUBEBUILDER_ASSETS="$$(hack/setup-envtest.sh)" go run ./test/bench/cmd/bench $(BENCH_ARGS)

.PHONY: bench-go
bench-go: ## Run the Go benchmarks (go test -bench) and print their figures.
	KUBEBUILDER_ASSETS="$$(hack/setup-envtest.sh)" go test -run '^$$' -bench . -benchmem ./...

##@ Build and run

.PHONY: build
build: ## Build the manager binary.
	CGO_ENABLED=0 go build -trimpath -o bin/manager .

.PHONY: run
run: ## Run the manager against the current kubeconfig.
	go run . $(ARGS)

.PHONY: demo
demo: ## Run the operator end to end on a local control plane and the SSL API simulator.
	@hack/demo.sh

$(CONTROLLER_GEN):
	GOBIN=$(LOCALBIN) CGO_ENABLED=0 go install -trimpath -ldflags='-s -w' sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_TOOLS_VERSION)

$(DEADCODE):
	GOBIN=$(LOCALBIN) CGO_ENABLED=0 go install -trimpath -ldflags='-s -w' golang.org/x/tools/cmd/deadcode@$(DEADCODE_VERSION)

##@ Packaging tools (Helm chart and kustomize checks in test/packaging)

# v5.8.3 needs Go 1.27.
KUSTOMIZE_VERSION ?= v5.8.2
KUSTOMIZE ?= $(LOCALBIN)/kustomize
HELM_VERSION ?= v3.22.0
HELM ?= $(LOCALBIN)/helm
# Release ldflags: without them helm reports Kubernetes v1.20.0 as .Capabilities.KubeVersion.
HELM_PKG := helm.sh/helm/v3
HELM_LDFLAGS := -s -w -X $(HELM_PKG)/internal/version.version=$(HELM_VERSION) -X $(HELM_PKG)/internal/version.metadata= \
	-X $(HELM_PKG)/pkg/chartutil.k8sVersionMajor=1 -X $(HELM_PKG)/pkg/chartutil.k8sVersionMinor=37 \
	-X $(HELM_PKG)/pkg/lint/rules.k8sVersionMajor=1 -X $(HELM_PKG)/pkg/lint/rules.k8sVersionMinor=37
export HELM KUSTOMIZE

.PHONY: helm kustomize
helm: $(HELM) ## Build helm into ./bin.
kustomize: $(KUSTOMIZE) ## Build kustomize into ./bin.

$(HELM):
	GOBIN=$(LOCALBIN) CGO_ENABLED=0 go install -trimpath -ldflags='$(HELM_LDFLAGS)' $(HELM_PKG)/cmd/helm@$(HELM_VERSION)

$(KUSTOMIZE):
	GOBIN=$(LOCALBIN) CGO_ENABLED=0 go install -trimpath -ldflags='-s -w' sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
