package targets

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// ErrUnobservable means the SSL API has no list call that reports which certificate the
// resource type's instances serve (lighthouse, tse, tcb).
var ErrUnobservable = errors.New("the SSL API does not report the certificates of this resource type")

// listPage is the largest page the DescribeHost*InstanceList calls accept.
const listPage = 200

// Key returns the key under which a target's binding is observed: its InstanceIdList entry
// with domains lowercased, without the CDN billing switch, which is a setting, not an identity.
func Key(rt sslv1alpha1.ResourceType, id string) string {
	if rt == sslv1alpha1.ResourceTypeCDN {
		id, _, _ = strings.Cut(id, "|")
	}
	return strings.ToLower(id)
}

func join(parts ...string) string { return strings.ToLower(strings.Join(parts, "|")) }

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// ItemKey returns the Key of the target a deploy record item reports on. region is the
// deployment's region, which items of cos and lighthouse leave out.
func ItemKey(rt sslv1alpha1.ResourceType, region string, it tencentcloud.DeployRecordDetail) string {
	domain := first(it.Domains)
	switch rt {
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
		return join(it.InstanceId, domain, fmt.Sprint(int64(it.Port)))
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

// Bound lists the instances of one resource type that the SSL API reports as deployable for
// certID, and returns the certificate each serves, by Key, with the RequestId of the last call.
// It costs one call per page of 200 instances: a check of any number of targets of one type is
// one or a few calls.
func Bound(ctx context.Context, api tencentcloud.API, rt sslv1alpha1.ResourceType, certID string) (_ map[string]string, requestID string, _ error) {
	out := map[string]string{}
	fresh := tencentcloud.FlexInt(0)
	noCache := &fresh
	switch rt {
	case sslv1alpha1.ResourceTypeCLB:
		err := pages(func(offset int) (int, int, error) {
			r, err := api.DescribeHostClbInstanceList(ctx, &tencentcloud.DescribeHostClbInstanceListRequest{
				CertificateId: certID, IsCache: noCache, Offset: tencentcloud.FlexInt(offset), Limit: listPage})
			if err != nil {
				return 0, 0, err
			}
			requestID = r.RequestId
			for _, lb := range r.InstanceList {
				for _, l := range lb.Listeners {
					if l.SniSwitch == 1 {
						for _, rule := range l.Rules {
							out[join(lb.LoadBalancerId, l.ListenerId, rule.Domain)] = certOf(rule.Certificate)
						}
						continue
					}
					out[join(lb.LoadBalancerId, l.ListenerId)] = certOf(l.Certificate)
				}
			}
			return len(r.InstanceList), int(r.TotalCount), nil
		})
		return out, requestID, err
	case sslv1alpha1.ResourceTypeCDN:
		err := pages(func(offset int) (int, int, error) {
			r, err := api.DescribeHostCdnInstanceList(ctx, &tencentcloud.DescribeHostCdnInstanceListRequest{
				CertificateId: certID, IsCache: noCache, Offset: tencentcloud.FlexInt(offset), Limit: listPage})
			if err != nil {
				return 0, 0, err
			}
			requestID = r.RequestId
			for _, d := range r.InstanceList {
				out[join(d.Domain)] = d.CertId
			}
			return len(r.InstanceList), int(r.TotalCount), nil
		})
		return out, requestID, err
	case sslv1alpha1.ResourceTypeDDoS:
		err := pages(func(offset int) (int, int, error) {
			r, err := api.DescribeHostDdosInstanceList(ctx, &tencentcloud.DescribeHostDdosInstanceListRequest{
				CertificateId: certID, IsCache: noCache, ResourceType: "ddos", Offset: tencentcloud.FlexInt(offset), Limit: listPage})
			if err != nil {
				return 0, 0, err
			}
			requestID = r.RequestId
			for _, d := range r.InstanceList {
				out[join(d.InstanceId, d.Domain, string(d.VirtualPort))] = d.CertId
			}
			return len(r.InstanceList), int(r.TotalCount), nil
		})
		return out, requestID, err
	case sslv1alpha1.ResourceTypeTKE:
		err := pages(func(offset int) (int, int, error) {
			r, err := api.DescribeHostTkeInstanceList(ctx, &tencentcloud.DescribeHostTkeInstanceListRequest{
				CertificateId: certID, IsCache: noCache, Offset: tencentcloud.FlexInt(offset), Limit: listPage})
			if err != nil {
				return 0, 0, err
			}
			requestID = r.RequestId
			for _, c := range r.InstanceList {
				for _, ns := range c.NamespaceList {
					for _, s := range ns.SecretList {
						out[join(c.ClusterId, ns.Name, s.Name)] = s.CertId
					}
				}
			}
			return len(r.InstanceList), int(r.TotalCount), nil
		})
		return out, requestID, err
	case sslv1alpha1.ResourceTypeCOS:
		err := pages(func(offset int) (int, int, error) {
			r, err := api.DescribeHostCosInstanceList(ctx, &tencentcloud.DescribeHostCosInstanceListRequest{
				CertificateId: certID, IsCache: noCache, ResourceType: "cos", Offset: tencentcloud.FlexInt(offset), Limit: listPage})
			if err != nil {
				return 0, 0, err
			}
			requestID = r.RequestId
			for _, d := range r.InstanceList {
				out[join(d.Region, d.Bucket, d.Domain)] = d.CertId
			}
			return len(r.InstanceList), int(r.TotalCount), nil
		})
		return out, requestID, err
	case sslv1alpha1.ResourceTypeAPIGateway:
		err := pages(func(offset int) (int, int, error) {
			r, err := api.DescribeHostApiGatewayInstanceList(ctx, &tencentcloud.DescribeHostApiGatewayInstanceListRequest{
				CertificateId: certID, IsCache: noCache, Offset: tencentcloud.FlexString(fmt.Sprint(offset)), Limit: listPage})
			if err != nil {
				return 0, 0, err
			}
			requestID = r.RequestId
			for _, d := range r.InstanceList {
				out[join(d.ServiceId, d.Domain)] = d.CertId
			}
			return len(r.InstanceList), int(r.TotalCount), nil
		})
		return out, requestID, err
	case sslv1alpha1.ResourceTypeTEO:
		err := pages(func(offset int) (int, int, error) {
			r, err := api.DescribeHostTeoInstanceList(ctx, &tencentcloud.DescribeHostTeoInstanceListRequest{
				CertificateId: certID, IsCache: noCache, Offset: tencentcloud.FlexInt(offset), Limit: listPage})
			if err != nil {
				return 0, 0, err
			}
			requestID = r.RequestId
			for _, d := range r.InstanceList {
				out[join(d.Host)] = d.CertId
			}
			return len(r.InstanceList), int(r.TotalCount), nil
		})
		return out, requestID, err
	case sslv1alpha1.ResourceTypeWAF:
		r, err := api.DescribeHostWafInstanceList(ctx, &tencentcloud.DescribeHostWafInstanceListRequest{CertificateId: certID, IsCache: noCache})
		if err != nil {
			return nil, "", err
		}
		requestID = r.RequestId
		for _, d := range r.InstanceList {
			out[join(d.Domain)] = d.CertId
		}
		return out, requestID, nil
	case sslv1alpha1.ResourceTypeLive:
		r, err := api.DescribeHostLiveInstanceList(ctx, &tencentcloud.DescribeHostLiveInstanceListRequest{CertificateId: certID, IsCache: noCache})
		if err != nil {
			return nil, "", err
		}
		requestID = r.RequestId
		for _, d := range r.InstanceList {
			out[join(d.Domain)] = d.CertId
		}
		return out, requestID, nil
	case sslv1alpha1.ResourceTypeVOD:
		r, err := api.DescribeHostVodInstanceList(ctx, &tencentcloud.DescribeHostVodInstanceListRequest{CertificateId: certID, IsCache: noCache})
		if err != nil {
			return nil, "", err
		}
		requestID = r.RequestId
		for _, d := range r.InstanceList {
			out[join(d.Domain)] = d.CertId
		}
		return out, requestID, nil
	}
	return nil, "", ErrUnobservable
}

// pages calls fetch with growing offsets until it has seen total items or a short page.
func pages(fetch func(offset int) (n, total int, err error)) error {
	for offset := 0; ; {
		n, total, err := fetch(offset)
		if err != nil {
			return err
		}
		offset += n
		if n < listPage || offset >= total {
			return nil
		}
	}
}

func certOf(c *tencentcloud.ClbCertificate) string {
	if c == nil {
		return ""
	}
	return c.CertId
}
