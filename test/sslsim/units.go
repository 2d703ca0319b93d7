package sslsim

import (
	"slices"
	"strconv"
	"strings"
)

// Resource types accepted by DeployCertificateInstance.
var deployResourceTypes = []string{"clb", "cdn", "ddos", "live", "vod", "waf", "apigateway", "teo", "tke", "cos", "lighthouse", "tse", "tcb"}

// Resource types accepted by UpdateCertificateInstance (no lighthouse).
var updateResourceTypes = []string{"clb", "cdn", "waf", "live", "ddos", "teo", "apigateway", "vod", "tke", "tcb", "tse", "cos"}

// Resource types for which DeployCertificateInstance requires the Region header.
var deployRegionRequired = []string{"clb", "waf", "apigateway", "cos", "lighthouse", "tke", "tse", "tcb"}

// Resource types for which UpdateCertificateInstance requires ResourceTypesRegions.
var updateRegionScoped = []string{"clb", "tke", "apigateway", "waf", "tcb", "tse", "cos"}

// targetFormat describes an InstanceIdList entry: its fields and which of
// them are domains (compared case-insensitively).
type targetFormat struct {
	fields  []string
	domains []int
}

var targetFormats = map[string]targetFormat{
	"clb":        {fields: []string{"LoadBalancerId", "ListenerId", "Domain"}, domains: []int{2}},
	"cdn":        {fields: []string{"Domain", "HttpsBillingSwitch"}, domains: []int{0}},
	"ddos":       {fields: []string{"InstanceId", "Domain", "VirtualPort"}, domains: []int{1}},
	"live":       {fields: []string{"Domain"}, domains: []int{0}},
	"vod":        {fields: []string{"Domain"}, domains: []int{0}},
	"waf":        {fields: []string{"Domain"}, domains: []int{0}},
	"teo":        {fields: []string{"Domain"}, domains: []int{0}},
	"apigateway": {fields: []string{"ServiceId", "Domain"}, domains: []int{1}},
	"tke":        {fields: []string{"ClusterId", "Namespace", "SecretName"}},
	"cos":        {fields: []string{"Region", "Bucket", "Domain"}, domains: []int{2}},
	"lighthouse": {fields: []string{"Region", "InstanceId", "Domain"}, domains: []int{2}},
	"tse":        {fields: []string{"GatewayId", "CertificateId"}},
	"tcb":        {fields: []string{"Type", "Region", "EnvId", "Domain"}, domains: []int{3}},
}

// target is a parsed InstanceIdList entry.
type target struct {
	// Key identifies the bindable unit; it is the entry without the CDN
	// billing switch and with domains lowercased.
	Key string
	// Switch is the CDN HTTPS billing switch of the entry.
	Switch string
}

// parseTarget validates an InstanceIdList entry against the format of
// resourceType (CertificateDeployInstanceFormatError otherwise).
func parseTarget(resourceType, entry string) (target, *apiError) {
	format, ok := targetFormats[resourceType]
	if !ok {
		return target{}, errorf(CodeHostResourceTypeInvalid, "The resource type %q is not supported.", resourceType)
	}
	fields := strings.Split(entry, "|")
	bad := func(reason string) (target, *apiError) {
		return target{}, errorf(CodeDeployInstanceFormatError, "The %s instance %q is malformed: %s; expected %s.",
			resourceType, entry, reason, strings.Join(format.fields, "|"))
	}
	want := len(format.fields)
	if resourceType == "clb" && len(fields) == 2 {
		want = 2 // LoadBalancerId|ListenerId for non-SNI and layer-4 listeners
	}
	if len(fields) != want {
		return bad("wrong number of fields")
	}
	for _, f := range fields {
		if f == "" || strings.TrimSpace(f) != f || strings.ContainsAny(f, " \t\r\n") {
			return bad("empty field or whitespace")
		}
	}
	for _, i := range format.domains {
		if i < len(fields) {
			fields[i] = strings.ToLower(fields[i])
		}
	}
	var t target
	switch resourceType {
	case "clb":
		if !strings.HasPrefix(fields[0], "lb-") || !strings.HasPrefix(fields[1], "lbl-") {
			return bad("load balancer IDs start with lb- and listener IDs with lbl-")
		}
	case "cdn":
		if fields[1] != "on" && fields[1] != "off" {
			return bad("the billing switch must be on or off")
		}
		t.Switch = fields[1]
		fields = fields[:1]
	case "ddos":
		if p, err := strconv.Atoi(fields[2]); err != nil || p < 1 || p > 65535 {
			return bad("the virtual port must be a number from 1 to 65535")
		}
	case "tcb":
		if fields[0] != "AccessService" && fields[0] != "HostService" {
			return bad("the type must be AccessService or HostService")
		}
	}
	t.Key = strings.Join(fields, "|")
	return t, nil
}

// unit is one bindable target of the inventory.
type unit struct {
	ResourceType string
	Key          string
	Region       string
	// Domains are the domains the certificate must cover.
	Domains []string
	get     func() string
	set     func(string)
	info    targetInfo
	// tlsDomains are a TKE secret's ingress TLS domains, which the
	// instance list compares with the certificate.
	tlsDomains []string
	// CLB rule checks of DeployCertificateInstance.
	noRules   bool
	regexRule bool
	sniDomain bool
}

// targetInfo holds the descriptive fields of deploy and update detail items.
type targetInfo struct {
	InstanceID   string   `json:"instanceId,omitempty"`
	InstanceName string   `json:"instanceName,omitempty"`
	ListenerID   string   `json:"listenerId,omitempty"`
	ListenerName string   `json:"listenerName,omitempty"`
	Protocol     string   `json:"protocol,omitempty"`
	SniSwitch    int      `json:"sniSwitch,omitempty"`
	Bucket       string   `json:"bucket,omitempty"`
	Namespace    string   `json:"namespace,omitempty"`
	SecretName   string   `json:"secretName,omitempty"`
	Port         int      `json:"port,omitempty"`
	EnvID        string   `json:"envId,omitempty"`
	TCBType      string   `json:"tcbType,omitempty"`
	URLs         []string `json:"urls,omitempty"`
	Domains      []string `json:"domains,omitempty"`
	Forward      int      `json:"forward,omitempty"`
}

func sniSwitch(on bool) int {
	if on {
		return 1
	}
	return 0
}

// units enumerates every bindable unit. The returned accessors point into
// inv, so they stay valid until the inventory is replaced.
func (inv *Inventory) units() []*unit {
	if inv == nil {
		return nil
	}
	var out []*unit
	for i := range inv.CLB {
		out = append(out, clbUnits(&inv.CLB[i])...)
	}
	domainUnits := func(resourceType string, list []Domain) {
		for i := range list {
			d := &list[i]
			out = append(out, &unit{
				ResourceType: resourceType,
				Key:          strings.ToLower(d.Domain),
				Region:       d.Region,
				Domains:      []string{d.Domain},
				get:          func() string { return d.CertificateID },
				set:          func(id string) { d.CertificateID = id },
				info:         targetInfo{Domains: []string{d.Domain}},
			})
		}
	}
	domainUnits("cdn", inv.CDN)
	domainUnits("waf", inv.WAF)
	domainUnits("teo", inv.Teo)
	domainUnits("live", inv.Live)
	domainUnits("vod", inv.VOD)
	for i := range inv.TKE {
		c := &inv.TKE[i]
		for j := range c.Namespaces {
			ns := &c.Namespaces[j]
			for k := range ns.Secrets {
				sec := &ns.Secrets[k]
				out = append(out, &unit{
					ResourceType: "tke",
					Key:          c.ID + "|" + ns.Name + "|" + sec.Name,
					Region:       c.Region,
					get:          func() string { return sec.CertificateID },
					set:          func(id string) { sec.CertificateID = id },
					info: targetInfo{InstanceID: c.ID, InstanceName: c.Name, Namespace: ns.Name,
						SecretName: sec.Name, Domains: []string{}},
					tlsDomains: secretTLSDomains(*sec),
				})
			}
		}
	}
	for i := range inv.COS {
		b := &inv.COS[i]
		out = append(out, &unit{
			ResourceType: "cos",
			Key:          b.Region + "|" + b.Bucket + "|" + strings.ToLower(b.Domain),
			Region:       b.Region,
			Domains:      []string{b.Domain},
			get:          func() string { return b.CertificateID },
			set:          func(id string) { b.CertificateID = id },
			info:         targetInfo{Bucket: b.Bucket, Domains: []string{b.Domain}},
		})
	}
	for i := range inv.APIGateway {
		svc := &inv.APIGateway[i]
		for j := range svc.Domains {
			d := &svc.Domains[j]
			out = append(out, &unit{
				ResourceType: "apigateway",
				Key:          svc.ID + "|" + strings.ToLower(d.Domain),
				Region:       svc.Region,
				Domains:      []string{d.Domain},
				get:          func() string { return d.CertificateID },
				set:          func(id string) { d.CertificateID = id },
				info: targetInfo{InstanceID: svc.ID, InstanceName: svc.Name,
					Protocol: orDefault(d.Protocol, "http&https"), Domains: []string{d.Domain}},
			})
		}
	}
	for i := range inv.DDoS {
		ins := &inv.DDoS[i]
		for j := range ins.Rules {
			r := &ins.Rules[j]
			out = append(out, &unit{
				ResourceType: "ddos",
				Key:          ins.ID + "|" + strings.ToLower(r.Domain) + "|" + strconv.Itoa(r.Port),
				Domains:      []string{r.Domain},
				get:          func() string { return r.CertificateID },
				set:          func(id string) { r.CertificateID = id },
				info: targetInfo{InstanceID: ins.ID, Protocol: orDefault(r.Protocol, "https"),
					Port: r.Port, Domains: []string{r.Domain}},
			})
		}
	}
	for i := range inv.Lighthouse {
		ins := &inv.Lighthouse[i]
		for j := range ins.Domains {
			d := &ins.Domains[j]
			out = append(out, &unit{
				ResourceType: "lighthouse",
				Key:          ins.Region + "|" + ins.ID + "|" + strings.ToLower(d.Domain),
				Region:       ins.Region,
				Domains:      []string{d.Domain},
				get:          func() string { return d.CertificateID },
				set:          func(id string) { d.CertificateID = id },
				info:         targetInfo{InstanceID: ins.ID, InstanceName: ins.Name, Domains: []string{d.Domain}},
			})
		}
	}
	for i := range inv.TSE {
		gw := &inv.TSE[i]
		for j := range gw.Certificates {
			c := &gw.Certificates[j]
			out = append(out, &unit{
				ResourceType: "tse",
				Key:          gw.ID + "|" + c.ID,
				Region:       gw.Region,
				get:          func() string { return c.CertificateID },
				set:          func(id string) { c.CertificateID = id },
				info: targetInfo{InstanceID: gw.ID, InstanceName: gw.Name, ListenerID: c.ID,
					ListenerName: c.Name, Domains: nonNil(c.BindDomains)},
			})
		}
	}
	for i := range inv.TCB {
		env := &inv.TCB[i]
		for j := range env.Domains {
			d := &env.Domains[j]
			out = append(out, &unit{
				ResourceType: "tcb",
				Key:          d.Type + "|" + env.Region + "|" + env.ID + "|" + strings.ToLower(d.Domain),
				Region:       env.Region,
				Domains:      []string{d.Domain},
				get:          func() string { return d.CertificateID },
				set:          func(id string) { d.CertificateID = id },
				info: targetInfo{EnvID: env.ID, TCBType: d.Type, Domains: []string{d.Domain},
					InstanceName: env.Name},
			})
		}
	}
	return out
}

// clbUnits returns a load balancer's bindable units: one per certificate
// listener, or one per domain on an SNI-enabled layer-7 listener.
func clbUnits(lb *LoadBalancer) []*unit {
	var out []*unit
	for i := range lb.Listeners {
		l := &lb.Listeners[i]
		if !takesCertificate(l.Protocol) {
			continue
		}
		base := targetInfo{InstanceID: lb.ID, InstanceName: lb.Name, ListenerID: l.ID,
			ListenerName: l.Name, Protocol: strings.ToUpper(l.Protocol), Forward: lb.Forward}
		if isLayer7(l.Protocol) && l.SNI {
			base.SniSwitch = 1
			for _, domain := range ruleDomains(l.Rules) {
				info := base
				info.Domains = []string{domain}
				regex := false
				for _, r := range l.Rules {
					if strings.EqualFold(r.Domain, domain) {
						info.URLs = append(info.URLs, r.URL)
						regex = regex || r.isRegex()
					}
				}
				out = append(out, &unit{
					ResourceType: "clb",
					Key:          lb.ID + "|" + l.ID + "|" + strings.ToLower(domain),
					Region:       lb.Region,
					Domains:      []string{domain},
					get: func() string {
						for _, r := range l.Rules {
							if strings.EqualFold(r.Domain, domain) {
								return r.CertificateID
							}
						}
						return ""
					},
					set: func(id string) {
						for j := range l.Rules {
							if strings.EqualFold(l.Rules[j].Domain, domain) {
								l.Rules[j].CertificateID = id
							}
						}
					},
					info:      info,
					regexRule: regex,
					sniDomain: true,
				})
			}
			continue
		}
		info := base
		info.Domains = ruleDomains(l.Rules)
		regex := false
		for _, r := range l.Rules {
			info.URLs = append(info.URLs, r.URL)
			regex = regex || r.isRegex()
		}
		u := &unit{
			ResourceType: "clb",
			Key:          lb.ID + "|" + l.ID,
			Region:       lb.Region,
			get:          func() string { return l.CertificateID },
			set:          func(id string) { l.CertificateID = id },
			info:         info,
		}
		if isLayer7(l.Protocol) {
			u.Domains = info.Domains
			u.noRules = len(l.Rules) == 0
			u.regexRule = regex
		}
		out = append(out, u)
	}
	return out
}

// ruleDomains returns the distinct rule domains in order.
func ruleDomains(rules []Rule) []string {
	out := []string{}
	for _, r := range rules {
		if !slices.ContainsFunc(out, func(d string) bool { return strings.EqualFold(d, r.Domain) }) {
			out = append(out, r.Domain)
		}
	}
	return out
}

// listDomains are the domains the instance lists compare with a certificate.
func (u *unit) listDomains() []string {
	if u.ResourceType == "tke" {
		return u.tlsDomains
	}
	return u.Domains
}

// findUnit returns the unit with the given resource type and key.
func (inv *Inventory) findUnit(resourceType, key string) *unit {
	for _, u := range inv.units() {
		if u.ResourceType == resourceType && u.Key == key {
			return u
		}
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
