// Package packaging holds the tests of the install paths: the Helm chart, the kustomize
// configuration and the Argo CD health checks' test objects, rendered with the pinned helm and
// kustomize builds and validated by a real kube-apiserver with server-side dry-run.
package packaging
