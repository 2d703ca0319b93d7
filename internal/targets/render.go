// Package targets renders CertificateDeployment targets into the pipe-separated InstanceIdList
// entries of DeployCertificateInstance.
package targets

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// field is one typed target field, named as in the CRD.
type field struct {
	name  string
	value string
}

func fieldsOf(t sslv1alpha1.Target) []field {
	port := ""
	if t.Port != 0 {
		port = strconv.Itoa(int(t.Port))
	}
	return []field{
		{"loadBalancerId", t.LoadBalancerID}, {"listenerId", t.ListenerID}, {"domain", t.Domain},
		{"httpsBilling", t.HTTPSBilling}, {"instanceId", t.InstanceID}, {"port", port},
		{"serviceId", t.ServiceID}, {"clusterId", t.ClusterID}, {"namespace", t.Namespace},
		{"secretName", t.SecretName}, {"region", string(t.Region)}, {"bucket", t.Bucket},
		{"gatewayId", t.GatewayID}, {"certificateId", t.CertificateID}, {"type", t.Type},
		{"envId", t.EnvID},
	}
}

// layout lists, per resource type, the fields of the entry in order and the optional ones.
// The CRD's CEL rules say the same; this is the check for objects that bypassed them.
var layout = map[sslv1alpha1.ResourceType]struct {
	order    []string
	optional map[string]bool
}{
	sslv1alpha1.ResourceTypeCLB:        {[]string{"loadBalancerId", "listenerId", "domain"}, map[string]bool{"domain": true}},
	sslv1alpha1.ResourceTypeCDN:        {[]string{"domain", "httpsBilling"}, nil},
	sslv1alpha1.ResourceTypeDDoS:       {[]string{"instanceId", "domain", "port"}, nil},
	sslv1alpha1.ResourceTypeLive:       {[]string{"domain"}, nil},
	sslv1alpha1.ResourceTypeVOD:        {[]string{"domain"}, nil},
	sslv1alpha1.ResourceTypeWAF:        {[]string{"domain"}, nil},
	sslv1alpha1.ResourceTypeAPIGateway: {[]string{"serviceId", "domain"}, nil},
	sslv1alpha1.ResourceTypeTEO:        {[]string{"domain"}, nil},
	sslv1alpha1.ResourceTypeTKE:        {[]string{"clusterId", "namespace", "secretName"}, nil},
	sslv1alpha1.ResourceTypeCOS:        {[]string{"region", "bucket", "domain"}, nil},
	sslv1alpha1.ResourceTypeLighthouse: {[]string{"region", "instanceId", "domain"}, nil},
	sslv1alpha1.ResourceTypeTSE:        {[]string{"gatewayId", "certificateId"}, nil},
	sslv1alpha1.ResourceTypeTCB:        {[]string{"type", "region", "envId", "domain"}, nil},
}

// Render returns the InstanceIdList entry for target t of resource type rt. region is the
// deployment's region; cos, lighthouse and tcb entries carry it when the target has none.
func Render(rt sslv1alpha1.ResourceType, region sslv1alpha1.Region, t sslv1alpha1.Target) (string, error) {
	l, ok := layout[rt]
	if !ok {
		return "", fmt.Errorf("unknown resource type %q", rt)
	}
	if t.Region == "" && slices.Contains(l.order, "region") {
		t.Region = region
	}
	if t.Region != "" && region != "" && t.Region != region {
		return "", fmt.Errorf("target region %q differs from the deployment's region %q", t.Region, region)
	}
	values := map[string]string{}
	for _, f := range fieldsOf(t) {
		if f.value == "" {
			continue
		}
		if !slices.Contains(l.order, f.name) {
			return "", fmt.Errorf("field %s does not apply to %s targets", f.name, rt)
		}
		if strings.ContainsAny(f.value, "|\n\r") {
			return "", fmt.Errorf("field %s must not contain '|' or line breaks", f.name)
		}
		values[f.name] = f.value
	}
	parts := make([]string, 0, len(l.order))
	for _, name := range l.order {
		v := values[name]
		if v == "" {
			if l.optional[name] {
				continue
			}
			return "", fmt.Errorf("%s targets need %s", rt, name)
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "|"), nil
}

// RenderAll renders every target of a deployment, in order, and rejects two targets for the same
// resource (compared by tencentcloud.TargetKey: domains ignore case, and a CDN domain is one resource whatever its
// billing switch), which Tencent would deploy twice in one task.
func RenderAll(spec *sslv1alpha1.CertificateDeploymentSpec) ([]string, error) {
	ids := make([]string, 0, len(spec.Targets))
	seen := make(map[string]int, len(spec.Targets))
	for i, t := range spec.Targets {
		id, err := Render(spec.ResourceType, spec.Region, t)
		if err != nil {
			return nil, fmt.Errorf("targets[%d]: %w", i, err)
		}
		key := tencentcloud.TargetKey(string(spec.ResourceType), id)
		if j, dup := seen[key]; dup {
			return nil, fmt.Errorf("targets[%d] repeats targets[%d] (%s)", i, j, id)
		}
		seen[key] = i
		ids = append(ids, id)
	}
	return ids, nil
}
