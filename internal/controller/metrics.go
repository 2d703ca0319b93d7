package controller

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
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
	deployTargetsDesc = prometheus.NewDesc("certificatedeployment_targets",
		"The number of targets of a CertificateDeployment in each state.",
		[]string{"namespace", "name", "resource_type", "state"}, nil)
)

// operatorMetrics are the metrics of one manager, registered with its registry.
type operatorMetrics struct {
	deployOutcomes *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, reader client.Reader) (*operatorMetrics, error) {
	m := &operatorMetrics{deployOutcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certificatedeployment_deploy_outcomes_total",
		Help: "Finished deployment records by resource type and outcome (Succeeded, DeployFailed or RolledBack).",
	}, []string{"resource_type", "outcome"})}
	for _, c := range []prometheus.Collector{&collector{reader: reader}, m.deployOutcomes} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// collector computes the gauges at scrape time from the informer cache, as cert-manager does,
// so that they can never go stale.
type collector struct {
	reader client.Reader
}

// Describe sends the metric descriptions.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- certExpiryDesc
	ch <- certReadyDesc
	ch <- deployTargetsDesc
}

// Collect reads every TencentCertificate and CertificateDeployment from the cache.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), collectTimeout)
	defer cancel()
	c.collectCertificates(ctx, ch)
	c.collectDeployments(ctx, ch)
}

func (c *collector) collectDeployments(ctx context.Context, ch chan<- prometheus.Metric) {
	list := &sslv1alpha1.CertificateDeploymentList{}
	if err := c.reader.List(ctx, list); err != nil {
		return
	}
	states := []sslv1alpha1.TargetState{sslv1alpha1.TargetPending, sslv1alpha1.TargetDeploying, sslv1alpha1.TargetSucceeded,
		sslv1alpha1.TargetFailed, sslv1alpha1.TargetAlreadyBound, sslv1alpha1.TargetRolledBack}
	for _, cd := range list.Items {
		counts := map[sslv1alpha1.TargetState]int{}
		for _, t := range cd.Status.Targets {
			counts[t.State]++
		}
		for _, s := range states {
			ch <- prometheus.MustNewConstMetric(deployTargetsDesc, prometheus.GaugeValue, float64(counts[s]),
				cd.Namespace, cd.Name, string(cd.Spec.ResourceType), string(s))
		}
	}
}

func (c *collector) collectCertificates(ctx context.Context, ch chan<- prometheus.Metric) {
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
		if ready := apimeta.FindStatusCondition(tc.Status.Conditions, sslv1alpha1.ReadyCondition); ready != nil {
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
