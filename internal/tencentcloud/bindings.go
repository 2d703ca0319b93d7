package tencentcloud

import (
	"context"
	"strconv"
	"strings"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// listPage is the largest page the instance lists accept.
const listPage = 200

// Bindings costs one call per page of 200 instances: a check of any number of targets of one
// type is one or a few calls. The lists are regional (§9.2): they are asked in q.Region.
func (c *client) Bindings(ctx context.Context, q BindingsQuery) (Bindings, error) {
	traits := sslv1alpha1.ResourceType(q.ResourceType).Traits()
	switch {
	case !traits.Observable:
		return Bindings{}, ErrUnobservable
	case traits.ObservedByTask:
		return c.queryBindings(ctx, q)
	}
	resourceType, region := q.ResourceType, q.Region
	out := Bindings{Serving: map[string]string{}}
	req := instanceListRequest{CertificateId: q.CertificateID}
	unpaged := func(action string, add func(listedInstance)) error {
		_, _, err := list(ctx, c, region, action, req, &out, add)
		return err
	}
	var err error
	switch sslv1alpha1.ResourceType(resourceType) {
	case sslv1alpha1.ResourceTypeCLB:
		err = listPages(ctx, c, region, "DescribeHostClbInstanceList", req, &out, func(lb clbInstance) {
			for _, l := range lb.Listeners {
				if l.SniSwitch != 1 {
					out.Serving[join(lb.LoadBalancerId, l.ListenerId)] = l.Certificate.id()
					continue
				}
				for _, rule := range l.Rules {
					out.Serving[join(lb.LoadBalancerId, l.ListenerId, rule.Domain)] = rule.Certificate.id()
				}
			}
		})
	case sslv1alpha1.ResourceTypeTKE:
		err = listPages(ctx, c, region, "DescribeHostTkeInstanceList", req, &out, func(cl tkeInstance) {
			for _, ns := range cl.NamespaceList {
				for _, s := range ns.SecretList {
					out.Serving[join(cl.ClusterId, ns.Name, s.Name)] = s.CertId
				}
			}
		})
	case sslv1alpha1.ResourceTypeCDN:
		err = listPages(ctx, c, region, "DescribeHostCdnInstanceList", req, &out, func(d listedInstance) {
			out.Serving[join(d.Domain)] = d.CertId
		})
	case sslv1alpha1.ResourceTypeTEO:
		err = listPages(ctx, c, region, "DescribeHostTeoInstanceList", req, &out, func(d listedInstance) {
			out.Serving[join(d.Host)] = d.CertId
		})
	case sslv1alpha1.ResourceTypeDDoS:
		req.ResourceType = resourceType
		err = listPages(ctx, c, region, "DescribeHostDdosInstanceList", req, &out, func(d listedInstance) {
			out.Serving[join(d.InstanceId, d.Domain, string(d.VirtualPort))] = d.CertId
		})
	case sslv1alpha1.ResourceTypeCOS:
		req.ResourceType = resourceType
		err = listPages(ctx, c, region, "DescribeHostCosInstanceList", req, &out, func(d listedInstance) {
			out.Serving[join(d.Region, d.Bucket, d.Domain)] = d.CertId
		})
	case sslv1alpha1.ResourceTypeAPIGateway:
		err = listPages(ctx, c, region, "DescribeHostApiGatewayInstanceList", req, &out, func(d listedInstance) {
			out.Serving[join(d.ServiceId, d.Domain)] = d.CertId
		})
	case sslv1alpha1.ResourceTypeWAF, sslv1alpha1.ResourceTypeLive, sslv1alpha1.ResourceTypeVOD:
		err = unpaged(unpagedLists[resourceType], func(d listedInstance) {
			out.Serving[join(d.Domain)] = d.CertId
		})
	default:
		return Bindings{}, ErrUnobservable
	}
	if err != nil {
		return Bindings{}, err
	}
	return out, nil
}

// unpagedLists are the instance lists that take no Offset and Limit.
var unpagedLists = map[string]string{
	"waf": "DescribeHostWafInstanceList", "live": "DescribeHostLiveInstanceList", "vod": "DescribeHostVodInstanceList",
}

// list calls an instance list once, passing each instance to add, and returns how many
// instances the page held and the total the service reports.
func list[T any](ctx context.Context, c *client, region, action string, req instanceListRequest, out *Bindings, add func(T)) (n, total int, _ error) {
	resp, err := invoke[instanceList[T]](ctx, c, action, region, req)
	if err != nil {
		return 0, 0, err
	}
	out.RequestID = resp.RequestId
	for _, it := range resp.InstanceList {
		add(it)
	}
	return len(resp.InstanceList), int(resp.TotalCount), nil
}

// listPages calls a paged instance list with growing offsets until it has seen the total or a
// short page.
func listPages[T any](ctx context.Context, c *client, region, action string, req instanceListRequest, out *Bindings, add func(T)) error {
	req.Limit = listPage
	for offset := 0; ; {
		req.Offset = offset
		if action == "DescribeHostApiGatewayInstanceList" {
			req.Offset = strconv.Itoa(offset)
		}
		n, total, err := list(ctx, c, region, action, req, out, add)
		if err != nil {
			return err
		}
		offset += n
		if n < listPage || offset >= total {
			return nil
		}
	}
}

// join builds a key from an entry's parts, as TargetKey does from the entry.
func join(parts ...string) string { return strings.ToLower(strings.Join(parts, "|")) }

// itemKey returns the TargetKey of the target a record item reports on. region is the
// record's region, which items of cos and lighthouse leave out.
func itemKey(resourceType, region string, it recordItem) string {
	domain := ""
	if len(it.Domains) > 0 {
		domain = it.Domains[0]
	}
	switch sslv1alpha1.ResourceType(resourceType) {
	case sslv1alpha1.ResourceTypeCLB:
		if it.SniSwitch == 1 && domain != "" {
			return join(it.InstanceId, it.ListenerId, domain)
		}
		return join(it.InstanceId, it.ListenerId)
	case sslv1alpha1.ResourceTypeCDN:
		// CDN items carry the billing switch in the domain: "cdn.example.com|on".
		d, _, _ := strings.Cut(domain, "|")
		return join(d)
	case sslv1alpha1.ResourceTypeDDoS:
		return join(it.InstanceId, domain, strconv.FormatInt(int64(it.Port), 10))
	case sslv1alpha1.ResourceTypeAPIGateway:
		return join(it.InstanceId, domain)
	case sslv1alpha1.ResourceTypeTKE:
		return join(it.InstanceId, it.Namespace, it.SecretName)
	case sslv1alpha1.ResourceTypeCOS:
		return join(region, it.Bucket, domain)
	case sslv1alpha1.ResourceTypeLighthouse:
		return join(region, it.InstanceId, domain)
	case sslv1alpha1.ResourceTypeTSE:
		return join(it.InstanceId, it.ListenerId)
	case sslv1alpha1.ResourceTypeTCB:
		r := it.Region
		if r == "" {
			r = region
		}
		return join(it.TCBType, r, it.EnvId, domain)
	}
	return join(domain)
}
