package certificatedeployment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// observation is what Tencent Cloud reports the targets serve.
type observation struct {
	// bound maps target keys to the certificate they serve; nil for a type no call reports on.
	bound     map[string]string
	requestID string
	// pending means the bound-resource query still runs.
	pending bool
}

// observe asks which certificate the targets serve, in the deployment's region: lists are
// regional. For tse and tcb only the bound-resource query answers; it is a task that runs for
// tens of seconds, so its ID is kept in status.bindingsQuery across reconciles until it
// answers, and a lost or failed query is started again.
func (r *Reconciler) observe(ctx context.Context, run *run, api tencentcloud.API, want string) (observation, error) {
	spec, st := run.obj.Spec, &run.obj.Status
	q := tencentcloud.BindingsQuery{ResourceType: string(spec.ResourceType), CertificateID: want, Region: string(spec.Region)}
	if bq := st.BindingsQuery; bq != nil && bq.CertificateID == want {
		q.TaskID = bq.TaskID
	}
	b, err := api.Bindings(ctx, q)
	switch {
	case errors.Is(err, tencentcloud.ErrUnobservable):
		st.BindingsQuery = nil
		return observation{}, nil
	case err != nil:
		if q.TaskID != "" && (tencentcloud.IsNotFound(err) || tencentcloud.Code(err) == "FailedOperation") {
			st.BindingsQuery = nil
		}
		return observation{}, reconcile.Cloud("list the "+q.ResourceType+" resources", err, 0)
	case b.Pending:
		if bq := st.BindingsQuery; bq == nil || bq.CertificateID != want || bq.TaskID != b.TaskID {
			st.BindingsQuery = &sslv1alpha1.BindingsQueryStatus{CertificateID: want, TaskID: b.TaskID, StartTime: reconcile.Now(r.Clock)}
		}
		return observation{pending: true}, nil
	}
	st.BindingsQuery = nil
	return observation{bound: b.Serving, requestID: b.RequestID}, nil
}

// checkDomains refuses, before any deployment, targets whose domain the certificate does not
// cover, wildcards included: Tencent would refuse or fail them. The names are those the
// TencentCertificate publishes; a fixed spec.certificateId publishes none and is not checked.
func checkDomains(run *run) error {
	if len(run.dnsNames) == 0 {
		return nil
	}
	var bad []string
	for i, t := range run.obj.Spec.Targets {
		if t.Domain != "" && !certs.Covers(run.dnsNames, t.Domain) {
			bad = append(bad, fmt.Sprintf("targets[%d] (%s)", i, t.Domain))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	if len(bad) > maxFailuresNamed {
		bad = append(slices.Clip(bad[:maxFailuresNamed]), "...")
	}
	return reconcile.NewTerminal(sslv1alpha1.ReasonDomainNotCovered, fmt.Sprintf(
		"Certificate %s does not cover the domain of %s; its names are %s", run.certID, strings.Join(bad, ", "), strings.Join(run.dnsNames, ", ")))
}
