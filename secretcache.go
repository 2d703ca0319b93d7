//go:build !benchcacheall

package main

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/certsync/tencent-cert-operator/internal/controller"
)

// clientOptions read Secrets from the API server: the cache holds their metadata only.
func clientOptions() client.Options { return controller.ClientOptions() }

func cacheAllSecrets(ctrl.Manager) error { return nil }
