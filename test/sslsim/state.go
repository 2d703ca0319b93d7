package sslsim

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// State is a snapshot of the simulator. It never contains private keys.
type State struct {
	Certificates []Certificate `json:"certificates"`
	// Bindings lists every bindable unit with the certificate it serves
	// ("" when none).
	Bindings  []Binding  `json:"bindings"`
	Records   []Record   `json:"records"`
	Inventory *Inventory `json:"inventory"`
}

// Certificate describes a stored certificate.
type Certificate struct {
	ID                       string    `json:"id"`
	Type                     string    `json:"type"`
	Alias                    string    `json:"alias,omitempty"`
	Domain                   string    `json:"domain"`
	DNSNames                 []string  `json:"dnsNames"`
	NotBefore                time.Time `json:"notBefore"`
	NotAfter                 time.Time `json:"notAfter"`
	Fingerprint              string    `json:"fingerprint"`
	KeyAlgorithm             string    `json:"keyAlgorithm"`
	ProjectID                int64     `json:"projectId"`
	Tags                     []Tag     `json:"tags,omitempty"`
	IgnoreExpiryNotification bool      `json:"ignoreExpiryNotification"`
	HasPrivateKey            bool      `json:"hasPrivateKey"`
	CertificatePEM           string    `json:"certificatePem"`
	InsertTime               time.Time `json:"insertTime"`
}

// Binding is a bindable unit and the certificate it serves. Target is in
// InstanceIdList form (without the CDN billing switch, domains lowercased).
type Binding struct {
	ResourceType  string `json:"resourceType"`
	Target        string `json:"target"`
	Region        string `json:"region,omitempty"`
	CertificateID string `json:"certificateId"`
	// CreatedAt is when the unit was added, while cached reads still miss
	// it; zero for units seeded at the start or older than the cache age.
	CreatedAt time.Time `json:"createdAt,omitzero"`
}

// Record is a deploy, update or in-place update ("uploadUpdate") task.
type Record struct {
	ID               int64        `json:"id"`
	Kind             string       `json:"kind"`
	CertificateID    string       `json:"certificateId"`
	OldCertificateID string       `json:"oldCertificateId,omitempty"`
	ResourceTypes    []string     `json:"resourceTypes"`
	Regions          []string     `json:"regions,omitempty"`
	RollbackOf       int64        `json:"rollbackOf,omitempty"`
	CreateTime       time.Time    `json:"createTime"`
	UpdateTime       time.Time    `json:"updateTime"`
	Items            []RecordItem `json:"items"`
}

// RecordItem is one target of a record. Status uses the detail codes
// (§4.3): 0 pending, 1 success, 2 failed, 3 deploying, 4 rollback
// succeeded, 5 rollback failed, 6 no resource.
type RecordItem struct {
	ID               int64  `json:"id"`
	Pass             int    `json:"pass,omitempty"`
	ResourceType     string `json:"resourceType"`
	Target           string `json:"target"`
	Region           string `json:"region,omitempty"`
	CertificateID    string `json:"certificateId"`
	OldCertificateID string `json:"oldCertificateId"`
	Status           int    `json:"status"`
	ErrorMsg         string `json:"errorMsg,omitempty"`
}

// BoundTo returns the bindings serving certificateID.
func (st State) BoundTo(certificateID string) []Binding {
	var out []Binding
	for _, b := range st.Bindings {
		if b.CertificateID == certificateID {
			out = append(out, b)
		}
	}
	return out
}

// Binding returns the binding of one target.
func (st State) Binding(resourceType, target string) (Binding, bool) {
	key, err := normalizeTarget(resourceType, target)
	if err != nil {
		return Binding{}, false
	}
	for _, b := range st.Bindings {
		if b.ResourceType == resourceType && b.Target == key {
			return b, true
		}
	}
	return Binding{}, false
}

// CallCounts counts API calls per action and outcome: "Success", an error
// code, or "Dropped" for an injected dropped connection.
type CallCounts map[string]map[string]int

// Total returns the number of calls of action.
func (c CallCounts) Total(action string) int {
	n := 0
	for _, v := range c[action] {
		n += v
	}
	return n
}

// Count returns the number of calls of action with outcome code.
func (c CallCounts) Count(action, code string) int { return c[action][code] }

// State returns a snapshot, after completing the tasks due by now.
func (s *Simulator) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(s.now())
	s.persist()
	st := State{Certificates: s.certificates(), Bindings: []Binding{}, Records: []Record{}, Inventory: s.st.Inventory.clone()}
	for _, u := range s.st.Inventory.units() {
		st.Bindings = append(st.Bindings, Binding{ResourceType: u.ResourceType, Target: u.Key, Region: u.Region,
			CertificateID: u.get(), CreatedAt: s.st.Created[unitID(u)]})
	}
	for _, r := range s.st.Records {
		rec := Record{
			ID: r.ID, Kind: r.Kind, CertificateID: r.CertID, OldCertificateID: r.OldCertID,
			ResourceTypes: r.types(), Regions: r.Regions, RollbackOf: r.RollbackOf,
			CreateTime: r.CreateTime, UpdateTime: r.UpdateTime, Items: []RecordItem{},
		}
		if r.Region != "" {
			rec.Regions = []string{r.Region}
		}
		for _, it := range r.Items {
			rec.Items = append(rec.Items, RecordItem{
				ID: it.ID, Pass: it.Pass, ResourceType: it.ResourceType, Target: it.Key, Region: it.Region,
				CertificateID: it.CertID, OldCertificateID: it.OldCertID, Status: it.Status, ErrorMsg: it.ErrorMsg,
			})
		}
		st.Records = append(st.Records, rec)
	}
	return st
}

// Certificates returns the stored certificates, oldest first, without keys.
func (s *Simulator) Certificates() []Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.certificates()
}

func (s *Simulator) certificates() []Certificate {
	out := []Certificate{}
	for _, c := range s.st.Certificates {
		out = append(out, Certificate{
			ID: c.ID, Type: c.Type, Alias: c.Alias, Domain: c.Info.Domain, DNSNames: slices.Clone(c.Info.DNSNames),
			NotBefore: c.Info.NotBefore, NotAfter: c.Info.NotAfter, Fingerprint: c.Info.Fingerprint,
			KeyAlgorithm: c.Info.KeyAlgorithm, ProjectID: c.ProjectID, Tags: slices.Clone(c.Tags),
			IgnoreExpiryNotification: c.IgnoreExpiry, HasPrivateKey: c.PrivateKeyPEM != "",
			CertificatePEM: c.CertificatePEM, InsertTime: c.InsertTime,
		})
	}
	return out
}

// Calls returns the call counts since the start or the last ResetCalls.
func (s *Simulator) Calls() CallCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := CallCounts{}
	for action, codes := range s.calls {
		out[action] = map[string]int{}
		for code, n := range codes {
			out[action][code] = n
		}
	}
	return out
}

// ResetCalls clears the call counts.
func (s *Simulator) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]map[string]int{}
}

// ErrUnknownTarget is returned by Bind for a target not in the inventory.
var ErrUnknownTarget = errors.New("sslsim: unknown target")

// SetCertificateStatus gives a certificate a lifecycle status (§4.1), such as 0 (under review)
// for a certificate bought rather than uploaded; a negative status returns it to the status
// its validity gives (1 issued, 3 expired).
func (s *Simulator) SetCertificateStatus(id string, status int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.certificate(id)
	if c == nil {
		return fmt.Errorf("sslsim: no certificate %q", id)
	}
	c.Status = nil
	if status >= 0 {
		c.Status = &status
	}
	s.persist()
	return nil
}

// Bind sets the certificate a target serves out of band, like a change
// made in the console; an empty certificateID unbinds it. The target is in
// InstanceIdList form, e.g. "lb-1|lbl-1" or "lb-1|lbl-2|a.example.com"
// for clb.
func (s *Simulator) Bind(resourceType, target, certificateID string) error {
	key, aerr := normalizeTarget(resourceType, target)
	if aerr != nil {
		return fmt.Errorf("sslsim: %s", aerr.Message)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(s.now())
	u := s.st.Inventory.findUnit(resourceType, key)
	if u == nil {
		return fmt.Errorf("%w: %s %s", ErrUnknownTarget, resourceType, target)
	}
	s.setBinding(u, certificateID, s.now())
	s.persist()
	return nil
}
