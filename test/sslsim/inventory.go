package sslsim

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

// Inventory is the set of cloud resources the simulated account owns.
// Every bindable unit (a listener, an SNI domain, a CDN domain, a TKE
// secret, ...) carries the ID of the certificate it currently serves in its
// CertificateID field. The YAML form uses the json field names.
type Inventory struct {
	CLB        []LoadBalancer       `json:"clb,omitempty"`
	CDN        []Domain             `json:"cdn,omitempty"`
	WAF        []Domain             `json:"waf,omitempty"`
	Teo        []Domain             `json:"teo,omitempty"`
	Live       []Domain             `json:"live,omitempty"`
	VOD        []Domain             `json:"vod,omitempty"`
	TKE        []Cluster            `json:"tke,omitempty"`
	COS        []Bucket             `json:"cos,omitempty"`
	APIGateway []APIGatewayService  `json:"apigateway,omitempty"`
	DDoS       []DDoSInstance       `json:"ddos,omitempty"`
	Lighthouse []LighthouseInstance `json:"lighthouse,omitempty"`
	TSE        []TSEGateway         `json:"tse,omitempty"`
	TCB        []TCBEnvironment     `json:"tcb,omitempty"`
}

// LoadBalancer is a CLB instance.
type LoadBalancer struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Region string `json:"region"`
	// Forward is 1 for an application load balancer, 0 for a classic one.
	Forward   int        `json:"forward,omitempty"`
	Listeners []Listener `json:"listeners,omitempty"`
}

// Listener is a CLB listener. HTTPS listeners are layer 7 and have rules;
// TCP_SSL listeners are layer 4. Listeners of other protocols exist but
// cannot take a certificate.
type Listener struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Protocol string `json:"protocol"`
	// SNI enables per-domain certificates on a layer-7 listener.
	SNI bool `json:"sni,omitempty"`
	// CertificateID is the listener's certificate (non-SNI and layer 4).
	CertificateID string `json:"certificateId,omitempty"`
	Rules         []Rule `json:"rules,omitempty"`
}

// Rule is a layer-7 forwarding rule.
type Rule struct {
	LocationID string `json:"locationId,omitempty"`
	Domain     string `json:"domain"`
	URL        string `json:"url,omitempty"`
	// Regex marks a regular-expression domain rule; a domain starting
	// with "~" is one as well.
	Regex bool `json:"regex,omitempty"`
	// CertificateID is the rule domain's certificate on an SNI listener.
	CertificateID string `json:"certificateId,omitempty"`
}

func (r Rule) isRegex() bool { return r.Regex || strings.HasPrefix(r.Domain, "~") }

// Domain is a domain of a domain-based product (CDN, WAF, EdgeOne, live, VOD).
type Domain struct {
	Domain string `json:"domain"`
	// Region scopes WAF domains; other products are global.
	Region string `json:"region,omitempty"`
	// ZoneID is the EdgeOne zone.
	ZoneID string `json:"zoneId,omitempty"`
	// HTTPSBillingSwitch is the CDN HTTPS billing switch, "on" or "off".
	HTTPSBillingSwitch string `json:"httpsBillingSwitch,omitempty"`
	CertificateID      string `json:"certificateId,omitempty"`
}

// Cluster is a TKE cluster.
type Cluster struct {
	ID         string      `json:"id"`
	Name       string      `json:"name,omitempty"`
	Region     string      `json:"region"`
	Type       string      `json:"type,omitempty"`
	Version    string      `json:"version,omitempty"`
	Namespaces []Namespace `json:"namespaces,omitempty"`
}

// Namespace is a Kubernetes namespace of a TKE cluster.
type Namespace struct {
	Name    string      `json:"name"`
	Secrets []TKESecret `json:"secrets,omitempty"`
}

// TKESecret is a TLS secret; ingresses reference it.
type TKESecret struct {
	Name          string       `json:"name"`
	CertificateID string       `json:"certificateId,omitempty"`
	Ingresses     []TKEIngress `json:"ingresses,omitempty"`
}

// TKEIngress is an ingress using a secret for the TLS domains listed.
type TKEIngress struct {
	Name       string   `json:"name"`
	Domains    []string `json:"domains,omitempty"`
	TLSDomains []string `json:"tlsDomains,omitempty"`
}

// Bucket is a COS bucket custom domain.
type Bucket struct {
	Region        string `json:"region"`
	Bucket        string `json:"bucket"`
	Domain        string `json:"domain"`
	CertificateID string `json:"certificateId,omitempty"`
}

// APIGatewayService is an API Gateway service with custom domains.
type APIGatewayService struct {
	ID      string             `json:"id"`
	Name    string             `json:"name,omitempty"`
	Region  string             `json:"region"`
	Domains []APIGatewayDomain `json:"domains,omitempty"`
}

// APIGatewayDomain is a custom domain of an API Gateway service.
type APIGatewayDomain struct {
	Domain        string `json:"domain"`
	Protocol      string `json:"protocol,omitempty"`
	CertificateID string `json:"certificateId,omitempty"`
}

// DDoSInstance is an Anti-DDoS instance with layer-7 forwarding rules.
type DDoSInstance struct {
	ID    string     `json:"id"`
	Rules []DDoSRule `json:"rules,omitempty"`
}

// DDoSRule is a domain and virtual port forwarded by an Anti-DDoS instance.
type DDoSRule struct {
	Domain        string `json:"domain"`
	Port          int    `json:"port"`
	Protocol      string `json:"protocol,omitempty"`
	CertificateID string `json:"certificateId,omitempty"`
}

// LighthouseInstance is a Lighthouse server with domains.
type LighthouseInstance struct {
	ID      string             `json:"id"`
	Name    string             `json:"name,omitempty"`
	Region  string             `json:"region"`
	IPs     []string           `json:"ips,omitempty"`
	Domains []LighthouseDomain `json:"domains,omitempty"`
}

// LighthouseDomain is a domain served by a Lighthouse instance.
type LighthouseDomain struct {
	Domain        string `json:"domain"`
	CertificateID string `json:"certificateId,omitempty"`
}

// TSEGateway is a TSE cloud-native gateway.
type TSEGateway struct {
	ID           string           `json:"id"`
	Name         string           `json:"name,omitempty"`
	Region       string           `json:"region"`
	Certificates []TSECertificate `json:"certificates,omitempty"`
}

// TSECertificate is a gateway-side certificate object; CertificateID is the
// SSL certificate it holds.
type TSECertificate struct {
	ID            string   `json:"id"`
	Name          string   `json:"name,omitempty"`
	BindDomains   []string `json:"bindDomains,omitempty"`
	CertificateID string   `json:"certificateId,omitempty"`
}

// TCBEnvironment is a CloudBase environment.
type TCBEnvironment struct {
	ID      string      `json:"id"`
	Name    string      `json:"name,omitempty"`
	Region  string      `json:"region"`
	Domains []TCBDomain `json:"domains,omitempty"`
}

// TCBDomain is a custom domain of a CloudBase service.
type TCBDomain struct {
	// Type is "AccessService" or "HostService".
	Type          string `json:"type"`
	Domain        string `json:"domain"`
	CertificateID string `json:"certificateId,omitempty"`
}

// ParseInventory reads an inventory in YAML or JSON, rejecting unknown fields.
func ParseInventory(data []byte) (*Inventory, error) {
	var inv Inventory
	if err := yaml.UnmarshalStrict(data, &inv); err != nil {
		return nil, fmt.Errorf("parse inventory: %w", err)
	}
	if err := inv.Validate(); err != nil {
		return nil, err
	}
	return &inv, nil
}

// LoadInventory reads an inventory file in YAML or JSON.
func LoadInventory(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read inventory: %w", err)
	}
	return ParseInventory(data)
}

// Validate checks that every bindable unit has a unique, well-formed target.
func (inv *Inventory) Validate() error {
	if inv == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, u := range inv.units() {
		key := u.ResourceType + " " + u.Key
		if seen[key] {
			return fmt.Errorf("inventory: duplicate %s target %q", u.ResourceType, u.Key)
		}
		seen[key] = true
		for _, seg := range strings.Split(u.Key, "|") {
			if strings.TrimSpace(seg) == "" || strings.ContainsAny(seg, " \t\r\n") {
				return fmt.Errorf("inventory: %s target %q has an empty or blank field", u.ResourceType, u.Key)
			}
		}
	}
	for _, d := range inv.CDN {
		if s := d.HTTPSBillingSwitch; s != "" && s != "on" && s != "off" {
			return fmt.Errorf("inventory: cdn domain %q: httpsBillingSwitch must be on or off", d.Domain)
		}
	}
	for _, ins := range inv.DDoS {
		for _, r := range ins.Rules {
			if r.Port < 1 || r.Port > 65535 {
				return fmt.Errorf("inventory: ddos %s domain %q: port must be from 1 to 65535", ins.ID, r.Domain)
			}
		}
	}
	for _, e := range inv.TCB {
		for _, d := range e.Domains {
			if d.Type != "AccessService" && d.Type != "HostService" {
				return fmt.Errorf("inventory: tcb domain %q: type must be AccessService or HostService", d.Domain)
			}
		}
	}
	return nil
}

// clone deep-copies the inventory so callers cannot mutate the simulator's copy.
func (inv *Inventory) clone() *Inventory {
	if inv == nil {
		return &Inventory{}
	}
	data, err := json.Marshal(inv)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	var out Inventory
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return &out
}

func isLayer7(protocol string) bool { return strings.EqualFold(protocol, "HTTPS") }

func takesCertificate(protocol string) bool {
	return strings.EqualFold(protocol, "HTTPS") || strings.EqualFold(protocol, "TCP_SSL")
}
