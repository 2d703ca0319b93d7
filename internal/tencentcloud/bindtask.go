package tencentcloud

import (
	"context"
	"strconv"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// bindTaskPage is the largest page of DescribeCertificateBindResourceTaskDetail, per resource
// type and region.
const bindTaskPage = 100

// Bound-resource query states (SyncTaskBindResourceResult.Status).
const (
	bindTaskRunning = 0
	bindTaskDone    = 1
)

// queryBindings answers for the types that only the bound-resource query reports. Without a
// task it starts one with IsCache 0, so that the answer is no older than the question; a
// running query for the certificate is returned instead, which is as fresh.
func (c *client) queryBindings(ctx context.Context, q BindingsQuery) (Bindings, error) {
	if q.TaskID == "" {
		const action = "CreateCertificateBindResourceSyncTask"
		resp, err := invoke[createBindTaskResponse](ctx, c, action, "", createBindTaskRequest{CertificateIds: []string{q.CertificateID}})
		if err != nil {
			return Bindings{}, err
		}
		for _, t := range resp.CertTaskIds {
			if t.CertId == q.CertificateID && t.TaskId != "" {
				return Bindings{Pending: true, TaskID: t.TaskId, RequestID: resp.RequestId}, nil
			}
		}
		return Bindings{}, &Error{Action: action, Code: CodeClientParse, RequestID: resp.RequestId, Message: "the response has no task for the certificate"}
	}
	out := Bindings{Serving: map[string]string{}, TaskID: q.TaskID}
	req := bindTaskDetailRequest{TaskId: q.TaskID, Limit: strconv.Itoa(bindTaskPage), ResourceTypes: []string{q.ResourceType}}
	if q.Region != "" {
		req.Regions = []string{q.Region}
	}
	for offset := 0; ; offset += bindTaskPage {
		req.Offset = strconv.Itoa(offset)
		more, err := c.bindTaskPage(ctx, q, req, &out)
		if err != nil || out.Pending || !more {
			return out, err
		}
	}
}

// bindTaskPage reads one page of the query's detail into out and reports whether a region
// may hold more instances.
func (c *client) bindTaskPage(ctx context.Context, q BindingsQuery, req bindTaskDetailRequest, out *Bindings) (bool, error) {
	const action = "DescribeCertificateBindResourceTaskDetail"
	resp, err := invoke[bindTaskDetailResponse](ctx, c, action, "", req)
	if err != nil {
		return false, err
	}
	out.RequestID = resp.RequestId
	switch resp.Status {
	case bindTaskRunning:
		out.Pending = true
		return false, nil
	case bindTaskDone:
	default:
		// Status 2: the query failed; a new one may succeed.
		return false, &Error{Action: action, Code: "FailedOperation", RequestID: resp.RequestId, Message: "the bound-resource query failed"}
	}
	failed := func(e *string) error {
		if e == nil || *e == "" {
			return nil
		}
		// Without the region's answer an unbound target cannot be told from an unread one.
		return &Error{Action: action, Code: "FailedOperation", RequestID: resp.RequestId, Message: "the bound-resource query failed in a region: " + Sanitize(*e)}
	}
	offset, _ := strconv.Atoi(req.Offset)
	more := false
	serving := func(cert string) string {
		if cert == "" {
			return q.CertificateID
		}
		return cert
	}
	switch sslv1alpha1.ResourceType(q.ResourceType) {
	case sslv1alpha1.ResourceTypeTSE:
		for _, w := range resp.TSE {
			if err := failed(w.Error); err != nil {
				return false, err
			}
			for _, gw := range w.InstanceList {
				for _, cert := range gw.CertificateList {
					out.Serving[join(gw.GatewayId, cert.Id)] = serving(cert.CertId)
				}
			}
			more = more || offset+len(w.InstanceList) < int(w.TotalCount)
		}
	case sslv1alpha1.ResourceTypeTCB:
		for _, w := range resp.TCB {
			if err := failed(w.Error); err != nil {
				return false, err
			}
			for _, env := range w.Environments {
				for typ, svc := range map[string]tcbService{"AccessService": env.AccessService, "HostService": env.HostService} {
					for _, d := range svc.InstanceList {
						out.Serving[join(typ, w.Region, env.Environment.ID, d.Domain)] = serving(d.OldCertificateId)
					}
				}
			}
			// TCB wrappers carry no total: a full page may have a next one.
			more = more || len(w.Environments) == bindTaskPage
		}
	}
	return more, nil
}
