//go:build benchcacheall

package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// This build, used only by the benchmark (test/bench), caches every Secret in full, as a plain
// controller-runtime operator does, so that the memory of the metadata-only cache can be
// compared with it.

func clientOptions() client.Options { return client.Options{} }

func cacheAllSecrets(mgr ctrl.Manager) error {
	_, err := mgr.GetCache().GetInformer(context.Background(), &corev1.Secret{})
	return err
}
