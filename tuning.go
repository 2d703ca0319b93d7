package main

import (
	"errors"
	"flag"
	"time"

	"github.com/certsync/tencent-cert-operator/internal/controller"
	"github.com/certsync/tencent-cert-operator/internal/controller/certificatedeployment"
	"github.com/certsync/tencent-cert-operator/internal/controller/tencentcertificate"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// tuningFlags size the operator for its account: workers per controller, the share of the
// account's API rate and the per-call timeout. docs/performance.md explains how to set them.
type tuningFlags struct {
	certificateWorkers, deploymentWorkers int
	rateShare                             float64
	apiTimeout                            time.Duration
	resync                                time.Duration
}

func (t *tuningFlags) bind(fs *flag.FlagSet) {
	fs.IntVar(&t.certificateWorkers, "tencentcertificate-concurrency", 4, "How many TencentCertificates are reconciled at once.")
	fs.IntVar(&t.deploymentWorkers, "certificatedeployment-concurrency", 16, "How many CertificateDeployments are reconciled at once.")
	fs.Float64Var(&t.rateShare, "api-rate-share", 1, "The fraction, in (0, 1], of Tencent Cloud's per-action rate limits this operator uses. Operators in several clusters that share an account each take a share that adds up to at most 1.")
	fs.DurationVar(&t.apiTimeout, "tencentcloud-timeout", tencentcloud.DefaultTimeout, "How long one SSL API request may take before it is abandoned; a hung call holds one worker at most this long.")
	fs.DurationVar(&t.resync, "resync-interval", 10*time.Minute, "How often a Ready object is looked at again; the look makes no API call unless a drift check is due.")
}

func (t *tuningFlags) validate() error {
	switch {
	case t.certificateWorkers < 1 || t.deploymentWorkers < 1:
		return errors.New("--tencentcertificate-concurrency and --certificatedeployment-concurrency must be at least 1")
	case t.rateShare <= 0 || t.rateShare > 1:
		return errors.New("--api-rate-share must be in (0, 1]")
	case t.apiTimeout <= 0:
		return errors.New("--tencentcloud-timeout must be positive")
	case t.resync <= 0:
		return errors.New("--resync-interval must be positive")
	}
	return nil
}

func (t *tuningFlags) controllerOptions(cloud tencentcloud.Factory) controller.Options {
	return controller.Options{
		Cloud: cloud,
		TencentCertificate: tencentcertificate.Options{
			MaxConcurrentReconciles: t.certificateWorkers, ResyncInterval: t.resync,
		},
		CertificateDeployment: certificatedeployment.Options{
			MaxConcurrentReconciles: t.deploymentWorkers, ResyncInterval: t.resync,
		},
	}
}
