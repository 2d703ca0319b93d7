package controllers

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// collectTimeout bounds a scrape's read of the cache.
const collectTimeout = 5 * time.Second

var (
	certExpiryDesc = prometheus.NewDesc("tencentcertificate_expiration_timestamp_seconds",
		"The date after which the current certificate expires, in seconds since the Unix epoch.",
		[]string{"namespace", "name", "certificate_id"}, nil)
	certReadyDesc = prometheus.NewDesc("tencentcertificate_ready_status",
		"The status of the Ready condition: 1 for the condition's current value, 0 for the others.",
		[]string{"namespace", "name", "condition"}, nil)
)

// collector computes the certificate gauges at scrape time from the informer cache, as
// cert-manager does, so that they can never go stale.
type collector struct {
	reader client.Reader
}

func registerCollectors(reg prometheus.Registerer, reader client.Reader) error {
	err := reg.Register(&collector{reader: reader})
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		return nil
	}
	return err
}

// Describe sends the metric descriptions.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- certExpiryDesc
	ch <- certReadyDesc
}

// Collect reads every TencentCertificate from the cache.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), collectTimeout)
	defer cancel()
	list := &sslv1alpha1.TencentCertificateList{}
	if err := c.reader.List(ctx, list); err != nil {
		return
	}
	for _, tc := range list.Items {
		if tc.Status.NotAfter != nil {
			ch <- prometheus.MustNewConstMetric(certExpiryDesc, prometheus.GaugeValue,
				float64(tc.Status.NotAfter.Unix()), tc.Namespace, tc.Name, tc.Status.CertificateID)
		}
		status := "Unknown"
		if ready := (conditions{list: &tc.Status.Conditions}).ready(); ready != nil {
			status = string(ready.Status)
		}
		for _, v := range []string{"True", "False", "Unknown"} {
			value := 0.0
			if v == status {
				value = 1
			}
			ch <- prometheus.MustNewConstMetric(certReadyDesc, prometheus.GaugeValue, value, tc.Namespace, tc.Name, v)
		}
	}
}
